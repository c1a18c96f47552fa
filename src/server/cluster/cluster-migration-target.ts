import type { MigrationDestination, MigrationTarget, SessionSnapshot } from '../migration/migration-target';
import type { ClusterNode } from './cluster-node';

/** The route a node imports a migrating session on (secret required; see docs/protocol.md §13). */
export const IMPORT_PATH = '/api/cluster/import';

/** What {@link clusterMigrationTarget} is built from. */
export interface ClusterMigrationTargetDeps {
  cluster: ClusterNode;
  /** This node's id (a session placed back here is not moved). */
  nodeId: string;
  /** The REST secret every node of the cluster shares. */
  secret: string;
  /** How long one transfer may take. @default 10000 */
  timeoutMs?: number;
}

/**
 * Where a draining node of a cluster moves its sessions: the store places each session anew (the
 * draining node is left out, so ownership passes to a live, non-draining node atomically — the
 * compare-and-set of the session's placement), and the snapshot goes to that node's import route over
 * HTTP with the cluster's shared secret.
 */
export function clusterMigrationTarget(deps: ClusterMigrationTargetDeps): MigrationTarget {
  const urls = new Map<string, string>();
  return {
    pick: async (sessionId: string): Promise<MigrationDestination | null> => {
      // The store must know this node drains before it places: renew now rather than within a second.
      await deps.cluster.renewNow();
      let placed: Awaited<ReturnType<ClusterNode['place']>>;
      try {
        placed = await deps.cluster.place(sessionId);
      } catch {
        return null;
      }
      if (placed.nodeId === deps.nodeId || placed.url === '') return null;
      urls.set(placed.nodeId, placed.url);
      return { nodeId: placed.nodeId, url: placed.url };
    },
    transfer: async (nodeId: string, snapshot: SessionSnapshot): Promise<void> => {
      const url = urls.get(nodeId);
      if (url === undefined) throw new Error(`no URL known for node "${nodeId}"`);
      const response = await fetch(new URL(IMPORT_PATH, url), {
        method: 'POST',
        headers: { authorization: `Bearer ${deps.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(snapshot),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      if (!response.ok) {
        throw new Error(`node "${nodeId}" refused the session: ${response.status} ${await response.text()}`);
      }
    },
  };
}
