import type { SessionRegistry } from '../registry/session-registry';

/** A node as the cluster sees it. */
export interface ClusterNodeInfo {
  nodeId: string;
  /** The boot (process run) of the node holding the lease. */
  bootId: string;
  /** Where clients reach it (`http://host:port`). */
  url: string;
  /** A draining node takes no new sessions. */
  draining: boolean;
  /** Sessions placed on it. */
  load: number;
  /** Sessions it may host. */
  capacity: number;
}

/** What a node tells the store each time it renews its lease. */
export type LeaseClaim = Omit<ClusterNodeInfo, 'load'> & { ttlMs: number };

/**
 * The answer to a renewal:
 * - `held`: the lease is this boot's until `ttlMs` from now; `fence` grows by one each time the lease
 *   was (re)acquired rather than extended (after a lapse or a store restart);
 * - `busy`: another boot of the same node id holds it (the old boot's lease has not lapsed yet);
 * - `fenced`: this boot was declared crashed; it must stop serving for good.
 */
export type LeaseAnswer = { kind: 'held'; fence: number } | { kind: 'busy' } | { kind: 'fenced' };

/** A boot whose lease lapsed and was declared crashed, with the sessions it hosted. */
export interface CrashDeclaration {
  nodeId: string;
  bootId: string;
  /** Sessions it hosted, now unplaced (re-placed on a healthy node by the next token request). */
  sessions: string[];
  /** Store time of the declaration (epoch ms). */
  at: number;
}

/**
 * The shared state of a holdfast cluster: node registry, leases with fencing, placement, crash
 * declaration and the session registry. Every step that reads and writes is atomic (one Lua script
 * on Redis, one synchronous block in memory), and every time is the store's own clock.
 */
export interface ClusterStore extends SessionRegistry {
  /** The store's clock (epoch ms): Redis `TIME`, or the memory store's clock. */
  time(): Promise<number>;
  /** Acquires or extends the lease of `claim.nodeId` for `claim.bootId` and records the node. */
  renew(claim: LeaseClaim): Promise<LeaseAnswer>;
  /** Gives the lease up (graceful stop): the node leaves without being declared crashed. */
  leave(nodeId: string, bootId: string): Promise<void>;
  /** Nodes holding a live lease. */
  liveNodes(): Promise<ClusterNodeInfo[]>;
  /** Boots whose lease lapsed at least `lapsedForMs` ago and that nobody has declared yet. */
  lapsed(lapsedForMs: number): Promise<Array<{ nodeId: string; bootId: string }>>;
  /**
   * Declares `bootId` of `nodeId` crashed when its lease has lapsed for `lapsedForMs` and nobody
   * did so before: writes the tombstone (the fence), unplaces its sessions (marking them
   * `crashedOn`). Exactly one caller gets the declaration; every other gets undefined.
   */
  declareCrashed(nodeId: string, bootId: string, lapsedForMs: number): Promise<CrashDeclaration | undefined>;
  /** True when `bootId` of `nodeId` (any boot of it when omitted) was declared crashed. */
  isCrashed(nodeId: string, bootId?: string): Promise<boolean>;
  /**
   * Keeps `sessionId` on its node when that node is live, not draining, or else places it on the
   * live, non-draining node with the most room (reserving one unit of capacity), atomically.
   * Undefined when the session is not open or no node has room.
   */
  place(sessionId: string): Promise<ClusterNodeInfo | undefined>;
  /** The open sessions placed on `nodeId`. */
  placedSessions(nodeId: string): Promise<string[]>;
}
