import type { HoldfastErrorData } from '../core/errors';
import type { DisconnectReason, ProtocolError } from '../protocol';

/**
 * What the call is going through right now, from the user's point of view.
 * - `idle`: not in a session yet (never joined; after `leave()` the phase is `disconnected`, reason
 *   `disconnect`).
 * - `connecting`: the first join is in progress.
 * - `joinFailed`: the first join failed (`joinError` says why: the server unreachable, `getToken`
 *   failed, or the server refused); nothing retries until `join()` is called again.
 * - `stable`: in the session; signaling is up and every remote stream is fine.
 * - `reconnecting`: signaling was lost; resuming the same connection inside the server's grace.
 * - `recoveringMedia`: signaling is fine but at least one remote stream is frozen or being repaired.
 * - `rejoining`: the server side ended the connection (node crash, rotation deadline); joining again.
 * - `migrating`: moving to another node ahead of a planned rotation, media kept up meanwhile.
 * - `recovered`: back after an outage; shown briefly, then `stable`.
 * - `disconnected`: out of the session for good, with the reason (`disconnect` after `leave()`).
 */
export type ReconnectPhase =
  | 'idle'
  | 'connecting'
  | 'joinFailed'
  | 'stable'
  | 'reconnecting'
  | 'recoveringMedia'
  | 'rejoining'
  | 'migrating'
  | 'recovered'
  | 'disconnected';

/** Why the call is (or was) in trouble: a session-level reason, or `mediaFailure` for frozen streams. */
export type ReconnectReason = DisconnectReason | 'mediaFailure';

/**
 * The reconnect state the UI shows. A plain value, replaced (never mutated) when anything in it
 * changes, so components can select it by reference.
 */
export interface ReconnectState {
  phase: ReconnectPhase;
  /** The current try (1 for the first retry); 0 when nothing is being retried. */
  attempt: number;
  /** When the current trouble began, or when `recovered`/`disconnected` happened (epoch ms); null when idle/stable. */
  since: number | null;
  /** When the next try starts (epoch ms), or null while one is in flight or nothing is retried. */
  nextRetryAt: number | null;
  /** Why: the recovery cause, the disconnect reason, or `mediaFailure`; null when idle/stable/connecting. */
  reason: ReconnectReason | null;
  /** When retrying stops (epoch ms), when the core says. */
  giveUpAt: number | null;
  /** `migrating`: the rotation deadline (epoch ms). */
  deadline: number | null;
  /** `recoveringMedia`: how many remote streams are frozen or recovering. */
  affectedStreams: number;
  /** `recovered`: how long the outage lasted (ms), when known. */
  downtimeMs: number | null;
  /** `disconnected`: the server's error, if any. */
  error: ProtocolError | null;
  /** `joinFailed`: why the join failed (a client code such as `SIGNALING_UNREACHABLE`, or the server's). */
  joinError: HoldfastErrorData | null;
}

/** The reconnect state of a page that is not in a session. */
export const IDLE_RECONNECT_STATE: ReconnectState = Object.freeze({
  phase: 'idle',
  attempt: 0,
  since: null,
  nextRetryAt: null,
  reason: null,
  giveUpAt: null,
  deadline: null,
  affectedStreams: 0,
  downtimeMs: null,
  error: null,
  joinError: null,
});
