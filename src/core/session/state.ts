import type { DisconnectReason, ProtocolError } from '../../protocol';
import type { HoldfastErrorData } from '../errors';

/** Why the session is reconnecting or re-joining right now. */
export type RecoveryCause = 'networkDisconnect' | 'nodeCrashed' | 'serverRotation';

/** What a `connected` state came back from: the outage that the resume, re-join or migration ended. */
export interface Recovery {
  /** `networkDisconnect` (resumed), the re-join's cause, or `serverRotation` (migrated). */
  cause: RecoveryCause;
  /**
   * How long the session was without signaling (ms): from the loss, or the server's ending, until
   * connected again. 0 after a migration (make-before-break: signaling stayed up).
   */
  downtimeMs: number;
  /** How many tries it took; null after a migration (it never lost the connection). */
  attempts: number | null;
}

/** Why the first join failed, and when: what a page shows instead of the call. */
export interface JoinFailure {
  /**
   * `SIGNALING_UNREACHABLE` (no server answered before giving up), `TOKEN_FETCH_FAILED` (`getToken`
   * threw), or the server's refusal (`TOKEN_INVALID`, `SESSION_FULL`, `SESSION_CLOSED`, …).
   */
  error: HoldfastErrorData;
  /** When it failed (epoch ms). */
  at: number;
}

/**
 * The session's lifecycle, one `status` at a time.
 * - `idle`: created and not joined: never joined, or the first join failed (`joinFailure` says why) or
 *   was abandoned by `leave()` (no `sessionDisconnected`: it was never connected). `join()` may be
 *   called again.
 * - `connecting`: first join in progress.
 * - `connected`: in the session; signaling is up. `recoveredFrom` says what it came back from (null
 *   after a first join).
 * - `reconnecting`: signaling lost; retrying to resume the same connection inside the server's grace.
 * - `rejoining`: the server side ended the connection (`nodeCrashed`, `serverRotation`); joining the same
 *   session id again with a fresh token.
 * - `migrating`: moving to another node before a planned rotation, media kept up meanwhile.
 * - `disconnected`: out of the session for good (after `leave()`: reason `disconnect`), with the reason;
 *   nothing retries. `join()` may be called again and joins as a new connection.
 */
export type SessionState =
  | { status: 'idle'; joinFailure?: JoinFailure }
  | {
      status: 'connecting';
      attempt: number;
      since: number;
      nextRetryAt: number | null;
      /** When retrying stops (epoch ms). */
      giveUpAt?: number;
    }
  | {
      status: 'connected';
      connectionId: string;
      /** When it connected, or came back (epoch ms). */
      since: number;
      /** The outage this state ends (a resume, re-join or migration); null after a first join. */
      recoveredFrom: Recovery | null;
    }
  | {
      status: 'reconnecting';
      connectionId: string;
      cause: RecoveryCause;
      /** 1 for the first try after the loss. */
      attempt: number;
      /** When signaling was found lost (epoch ms). */
      since: number;
      /** When the next try starts, or null while one is in flight. */
      nextRetryAt: number | null;
      /** When the server evicts this connection if it has not resumed (estimate, epoch ms). */
      graceEndsAt?: number;
      /** When retrying stops and the session ends with `networkDisconnect` (epoch ms). */
      giveUpAt?: number;
    }
  | {
      status: 'rejoining';
      previousConnectionId: string | null;
      cause: RecoveryCause;
      attempt: number;
      /** When the outage began (the loss of signaling, or the server's ending). */
      since: number;
      nextRetryAt: number | null;
      /** When retrying stops (epoch ms). */
      giveUpAt?: number;
    }
  | {
      status: 'migrating';
      connectionId: string;
      /** When the move was ordered (epoch ms). */
      since: number;
      /** The rotation's deadline (epoch ms). */
      deadline: number;
      /** The node the session moved to (where the resume goes). */
      url: string;
      /** 1 for the first resume there. */
      attempt: number;
      /** When the next resume there starts (after a transient refusal), or null while one is in flight. */
      nextRetryAt: number | null;
    }
  | { status: 'disconnected'; reason: DisconnectReason; error: ProtocolError | null; since: number };

export type SessionStatus = SessionState['status'];

/** Out of the session with nothing under way (`idle` or `disconnected`): `join()` starts a join from here. */
export function isOutOfSession(status: SessionStatus): boolean {
  return status === 'idle' || status === 'disconnected';
}
