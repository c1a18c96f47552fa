import type { ClusterTimings } from './cluster-node';
import type { ClusterStore, CrashDeclaration } from './cluster-store';

/** Options of a server that is one node of a cluster (`ServerOptions.cluster`). */
export interface ClusterOptions {
  /** Redis to share the cluster through (`redis://host:port`); ignored when `store` is given. */
  redisUrl?: string;
  /** A store shared by the nodes of this process (see `createCluster`). */
  store?: ClusterStore;
  /**
   * The URL clients reach this node at, put in tokens (`url` claim) and in answers' `nodes`.
   * @default the URL `listen()` resolves with
   */
  publicUrl?: string;
  /** Sessions this node may host (placement reserves one unit per session). @default 1000 */
  capacity?: number;
  /** Lease and watch timings. @default 3000 / 1000 / 500 / 3500 ms (see `ClusterTimings`) */
  timings?: Partial<ClusterTimings>;
  /**
   * Called once, on the one node that declared it, when a node was declared crashed (its lease
   * lapsed): its sessions were unplaced and their members re-join elsewhere.
   */
  onNodeCrashed?: (declaration: CrashDeclaration) => void;
}
