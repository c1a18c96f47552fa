/** A session as the registry records it. */
export interface SessionRecord {
  sessionId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * Unique to this creation of the session: a session closed and created again with the same id is a
   * new incarnation, and tokens issued for the old one are refused.
   */
  incarnation: string;
  /** The node hosting the session's members ('' while a cluster has not placed it). */
  nodeId: string;
  /** Set when the node that hosted the session was declared crashed (that node's id). */
  crashedOn?: string;
  /** Set once the session was closed through the REST API (epoch milliseconds). */
  closedAt?: number;
}

/**
 * The directory of sessions: which exist, which are closed, and which node hosts each. Asynchronous
 * so a shared store (Redis, for several nodes) can implement it; the live membership of a session
 * (sockets, sequences, replay buffers) stays on its node.
 */
export interface SessionRegistry {
  /**
   * Creates `sessionId` unless an open session with that id exists (idempotent); a closed one is
   * replaced by a new session (with a new, unguessable `incarnation`). `created` says whether a new
   * record was made.
   */
  create(
    sessionId: string,
    nodeId: string,
    now: number,
  ): Promise<{ record: SessionRecord; created: boolean }>;
  /** The record of `sessionId` (open or closed), if the registry knows it. */
  get(sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * Marks `sessionId` closed; resolves with the closed record, or undefined if unknown or already closed.
   * `onlyIfHostedBy`: close only while the session is unplaced or placed on that node (an empty
   * session's expiry must not close one that another node hosts), atomically with the check.
   */
  close(sessionId: string, now: number, onlyIfHostedBy?: string): Promise<SessionRecord | undefined>;
  /** Number of open sessions. */
  countOpen(): Promise<number>;
  /** Releases what the registry holds (connections to a store). */
  dispose(): Promise<void>;
}
