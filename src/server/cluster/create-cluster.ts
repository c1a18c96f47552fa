import { createServer, type HoldfastServer, type ListenInfo } from '../create-server';
import type { ServerOptions } from '../options';
import type { ClusterOptions } from './cluster-options';
import { MemoryClusterStore } from './memory-cluster-store';

/** Options of {@link createCluster}. */
export interface CreateClusterOptions
  extends Omit<ServerOptions, 'cluster' | 'nodeId' | 'port' | 'registry'> {
  /** How many nodes. @default 2 */
  nodes?: number;
  /** Ports of the nodes, in order; 0 picks a free one. @default all 0 */
  ports?: number[];
  /** Cluster options shared by every node (the store is made here). */
  cluster?: Omit<ClusterOptions, 'store' | 'redisUrl' | 'publicUrl'>;
}

/** Several holdfast nodes in this process sharing one {@link MemoryClusterStore}. */
export interface HoldfastCluster {
  readonly store: MemoryClusterStore;
  /** The nodes, `node-1` … `node-n`. */
  readonly servers: HoldfastServer[];
  /** Starts every node listening. */
  listen(): Promise<ListenInfo[]>;
  /** Stops every node still running. */
  close(): Promise<void>;
}

/**
 * An in-memory cluster: `nodes` servers in this process sharing one store (the embedded default and
 * the playground). Crash a node with `servers[i].crash()`; the others declare it crashed and its
 * clients re-join on them.
 *
 * @example
 * ```ts
 * const cluster = createCluster({ nodes: 2, devTokens: true });
 * const [first, second] = await cluster.listen();
 * ```
 */
export function createCluster(options: CreateClusterOptions = {}): HoldfastCluster {
  const { nodes = 2, ports = [], cluster: shared, ...server } = options;
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new TypeError('holdfast cluster option "nodes" must be >= 1');
  const store = new MemoryClusterStore(server.clock);
  const servers = Array.from({ length: nodes }, (_, i) =>
    createServer({ ...server, nodeId: `node-${i + 1}`, port: ports[i] ?? 0, cluster: { ...shared, store } }),
  );
  return {
    store,
    servers,
    listen: () => Promise.all(servers.map((s) => s.listen())),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
