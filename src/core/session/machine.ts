import type { DisconnectReason, ProtocolError } from '../../protocol';
import type { HoldfastErrorData } from '../errors';
import type { SessionEventMap } from './events';
import type { SessionState } from './state';

/**
 * What the session feeds its state machine. Every event is stamped with `now` (from the injected
 * clock); events that may lead to a retry carry a `random` draw in [0, 1) for the jitter and the
 * `startedAt` time of the attempt that failed (backoff delays run from the start of an attempt, so
 * an attempt that hung until its timeout is followed at once), so the transition stays pure.
 */
export type MachineEvent =
  /** The app called `join()`. */
  | { type: 'join'; now: number }
  /** The app called `leave()` (or `destroy()`). */
  | { type: 'leave'; now: number }
  /** The current attempt's join (or re-join) was accepted. */
  | { type: 'joined'; now: number; connectionId: string }
  /** The current attempt's resume was accepted. */
  | { type: 'resumed'; now: number; connectionId: string }
  /**
   * The server refused the current attempt's join or resume. `nodeRestarted`: the answering node's
   * `bootId` differs from the one this connection joined.
   */
  | {
      type: 'refused';
      now: number;
      error: ProtocolError;
      nodeRestarted: boolean;
      random: number;
      startedAt: number;
      graceMs: number;
    }
  /** The current attempt got no usable answer (transport error, timeout, invalid answer). */
  | { type: 'attemptFailed'; now: number; random: number; startedAt: number; message: string }
  /** `getToken` failed for the current join attempt. */
  | { type: 'tokenFailed'; now: number; random: number; startedAt: number; message: string }
  /** The backoff wait is over. */
  | { type: 'retryTimer'; now: number }
  /** The give-up deadline passed. */
  | { type: 'giveUpTimer'; now: number }
  /** Retry at once: `reconnectNow()`, the device back online, the page visible again. */
  | { type: 'retryNow'; now: number }
  /**
   * The live socket closed by itself (network, heartbeat, server). `graceMs` (here and above): the
   * server's eviction grace as last announced, which sets the retry budget; `holdMs`: the longest the
   * server said it may hold the place (a loaded server stretches the grace), which may lengthen it.
   */
  | { type: 'signalingLost'; now: number; graceMs: number; holdMs?: number }
  /**
   * The server handed the session to another node (`hf:move`): resume there, keeping the live socket
   * until that succeeds. `deadline`: the rotation's (epoch ms).
   */
  | { type: 'moveOrdered'; now: number; url: string; nodeId: string; deadline: number }
  /** The server ended this membership with a `sessionDisconnected` event. */
  | { type: 'serverEnded'; now: number; reason: DisconnectReason; graceMs: number };

/** The `type` of every machine event. */
export type MachineEventType = MachineEvent['type'];

/** Which request an attempt makes (`migrate`: a resume at the node the session moved to). */
export type AttemptMode = 'join' | 'resume' | 'rejoin' | 'migrate';

/** Events the machine itself emits (the rest come from the server or the media plane). */
export type MachineEmitted =
  | 'connected'
  | 'reconnecting'
  | 'reconnected'
  | 'rejoining'
  | 'rejoined'
  | 'migrating'
  | 'migrated'
  | 'sessionDisconnected'
  | 'exception';

/** An event to emit, as data. */
export type EmitEffect = {
  [K in MachineEmitted]: { type: 'emit'; event: K; payload: SessionEventMap[K] };
}[MachineEmitted];

/**
 * What the session must do after a transition, in order. Effects are data; only the session runs
 * them.
 */
export type Effect =
  /** Start the signaling of a new membership (fresh queue and sequences). */
  | { type: 'openChannel' }
  /**
   * Abandon any attempt in flight and start a new one (new socket, new epoch); `moveTo` (mode
   * `migrate`): the URL of the node to resume at.
   */
  | { type: 'startAttempt'; mode: AttemptMode; moveTo?: string }
  /** Abandon the attempt in flight; its result, if any, is dropped. */
  | { type: 'abortAttempt' }
  | { type: 'scheduleRetry'; at: number }
  | { type: 'cancelRetry' }
  | { type: 'scheduleGiveUp'; at: number }
  | { type: 'cancelGiveUp' }
  /** Make the successful attempt's socket the live one and apply its answer (roster, sequences). */
  | { type: 'adopt'; mode: AttemptMode }
  /** Send every queued message, in order, on the live socket. */
  | { type: 'flushOutbox' }
  /** Deliver the server events held since the answer (the replay), then live ones. */
  | { type: 'releaseInbound' }
  /** Close the live socket, keeping the connection for a resume or re-join. */
  | { type: 'dropSocket' }
  /** End the membership's signaling; with `leave`, tell the server first. Pending messages fail. */
  | { type: 'endChannel'; leave: boolean; error: HoldfastErrorData }
  | { type: 'mediaSignalingLost' }
  | { type: 'mediaSignalingRestored'; downtimeMs: number }
  /**
   * A re-join follows: keep the media links, the local stream and the remote streams (shown
   * `recovering` until their publisher is back); `cause` ends those that do not come back.
   */
  | { type: 'mediaRejoining'; cause: DisconnectReason }
  /** The membership ended for good: close every media link, forget the remote streams, stop the local one. */
  | { type: 'closeMedia'; reason: DisconnectReason }
  /** Settle the `join()` promise (null: joined). */
  | { type: 'settleJoin'; error: HoldfastErrorData | null }
  | EmitEffect;

/** The `type` of every effect. */
export type EffectType = Effect['type'];

/** The result of one transition. `state` is the same object when nothing changed. */
export interface Transition {
  state: SessionState;
  effects: Effect[];
}
