import type { StreamInfo } from '../../protocol';
import type { ConnectionSnapshot } from '../connection/connection';

/** A whole session as it leaves its node: members with their sequences and buffers, and streams. */
export interface SessionSnapshot {
  sessionId: string;
  /** The node it leaves. */
  fromNodeId: string;
  members: ConnectionSnapshot[];
  streams: StreamInfo[];
}

/** The node a session moves to: where its clients resume. */
export interface MigrationDestination {
  nodeId: string;
  /** Base URL clients reach that node's signaling at. */
  url: string;
}

/**
 * Where a draining node sends its sessions. The cluster implements it with its registry (placement on a
 * healthy, non-draining node; ownership passed by compare-and-set of the session's placement);
 * {@link InProcessMigrationNetwork} wires nodes of one process.
 */
export interface MigrationTarget {
  /** A node to move `sessionId` to, or null when there is none (the rotation's deadline then applies). */
  pick(sessionId: string): Promise<MigrationDestination | null>;
  /** Hands `snapshot` to `nodeId`, which imports it; rejects when it did not. */
  transfer(nodeId: string, snapshot: SessionSnapshot): Promise<void>;
}
