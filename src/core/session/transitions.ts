import type { DisconnectReason, ErrorCode, ProtocolError } from '../../protocol';
import type { HoldfastErrorData } from '../errors';
import { retryDelay } from '../signaling/backoff';
import type { AttemptMode, Effect, MachineEvent, MachineEventType, Transition } from './machine';
import { DEFAULT_GRACE_MS, giveUpAfter, type ResolvedReconnectPolicy } from './resolve-options';
import type { RecoveryCause, SessionState, SessionStatus } from './state';

type StateOf<S extends SessionStatus> = Extract<SessionState, { status: S }>;
type EventOf<E extends MachineEventType> = Extract<MachineEvent, { type: E }>;
type Handler<S extends SessionStatus, E extends MachineEventType> = (
  state: StateOf<S>,
  event: EventOf<E>,
  policy: ResolvedReconnectPolicy,
) => Transition;

/** For each status, the events it reacts to. A pair not listed leaves the state as it is. */
export type TransitionTable = {
  readonly [S in SessionStatus]: { readonly [E in MachineEventType]?: Handler<S, E> };
};

type Recovering = StateOf<'connecting' | 'reconnecting' | 'rejoining'>;

const SESSION_ENDED: HoldfastErrorData = { code: 'SESSION_ENDED', message: 'the session has ended' };
const STOP_RECOVERY: Effect[] = [{ type: 'abortAttempt' }, { type: 'cancelRetry' }, { type: 'cancelGiveUp' }];

/** Refusals worth another try (the server is overloaded or hiccuped), not a verdict on the connection. */
const TRANSIENT_REFUSALS: readonly ErrorCode[] = [
  'RATE_LIMITED',
  'OVERLOADED',
  'INTERNAL',
  // A cluster node that does not host the session (yet), or one that may not serve: ask again.
  'NOT_OWNER',
  'NODE_FENCED',
];

/** A refusal that names when to come back (`retryAfterMs`): the server is alive and asks for patience. */
const asksToWait = (error: ProtocolError): boolean => error.retryAfterMs !== undefined;

/**
 * How the client reads a refused resume (docs: "Client reading of a rejected resume").
 * - `nodeCrashed`: the node restarted and forgot us (`CONNECTION_NOT_FOUND`/`SESSION_NOT_FOUND` with a
 *   different `bootId`), or a cluster node says ours was declared crashed (`NODE_CRASHED`, or
 *   `NODE_FENCED` from our own node back from a pause): re-join with a new token.
 * - `retry`: a transient refusal.
 * - `evicted`: anything else (evicted, wrong secret, unknown to a node that did not restart): end.
 */
export function readResumeRefusal(
  code: ErrorCode,
  nodeRestarted: boolean,
): 'nodeCrashed' | 'retry' | 'evicted' {
  if (code === 'NODE_CRASHED' || code === 'NODE_FENCED') return 'nodeCrashed';
  if (TRANSIENT_REFUSALS.includes(code)) return 'retry';
  if (nodeRestarted && (code === 'CONNECTION_NOT_FOUND' || code === 'SESSION_NOT_FOUND'))
    return 'nodeCrashed';
  return 'evicted';
}

function startJoin(now: number, policy: ResolvedReconnectPolicy): Transition {
  const giveUpAt = now + giveUpAfter(policy, DEFAULT_GRACE_MS);
  return {
    state: { status: 'connecting', attempt: 1, since: now, nextRetryAt: null, giveUpAt },
    effects: [
      { type: 'openChannel' },
      { type: 'startAttempt', mode: 'join' },
      { type: 'scheduleGiveUp', at: giveUpAt },
    ],
  };
}

/** The first join failed (`now`: when), or was abandoned (`now` null: nothing to show for it). */
function failJoin(now: number | null, error: HoldfastErrorData, extra: Effect[] = []): Transition {
  return {
    state:
      now === null
        ? { status: 'idle' }
        : { status: 'idle', joinFailure: { error: { code: error.code, message: error.message }, at: now } },
    effects: [
      ...STOP_RECOVERY,
      { type: 'endChannel', leave: false, error },
      ...extra,
      { type: 'settleJoin', error },
    ],
  };
}

function end(now: number, reason: DisconnectReason, error: ProtocolError | null, leave = false): Transition {
  return {
    state: { status: 'disconnected', reason, error, since: now },
    effects: [
      ...STOP_RECOVERY,
      { type: 'endChannel', leave, error: SESSION_ENDED },
      { type: 'closeMedia', reason },
      { type: 'emit', event: 'sessionDisconnected', payload: { reason, error } },
    ],
  };
}

function startRejoin(
  now: number,
  since: number,
  previousConnectionId: string | null,
  cause: RecoveryCause,
  graceMs: number,
  policy: ResolvedReconnectPolicy,
): Transition {
  const giveUpAt = now + giveUpAfter(policy, graceMs);
  return {
    state: {
      status: 'rejoining',
      previousConnectionId,
      cause,
      attempt: 1,
      since,
      nextRetryAt: null,
      giveUpAt,
    },
    effects: [
      ...STOP_RECOVERY,
      { type: 'dropSocket' },
      { type: 'mediaRejoining', cause },
      { type: 'emit', event: 'rejoining', payload: { cause, previousConnectionId } },
      { type: 'startAttempt', mode: 'rejoin' },
      { type: 'scheduleGiveUp', at: giveUpAt },
    ],
  };
}

function modeOf(state: Recovering): AttemptMode {
  if (state.status === 'connecting') return 'join';
  return state.status === 'reconnecting' ? 'resume' : 'rejoin';
}

/**
 * The attempt failed: try again once the backoff delay has passed since the START of the failed
 * attempt (an attempt that hung until its timeout already waited; the next one starts at once).
 *
 * A refusal with `retryAfterMs` (an overloaded server giving this client its slot) is never retried
 * before that delay, and moves the give-up deadline so that the slot and one more attempt fit before
 * it: a server that answers is alive, and giving up on it while it asks for patience would turn its
 * load into lost sessions.
 */
function backOff<S extends Recovering>(
  state: S,
  event: { now: number; random: number; startedAt: number; error?: ProtocolError },
  policy: ResolvedReconnectPolicy,
  extra: Effect[] = [],
): Transition {
  if (state.nextRetryAt !== null) return { state, effects: [] };
  // A first join keeps the short cap (someone is watching a spinner), and so does a resume inside the
  // grace (the server keeps our place, and resuming is cheap). A re-join has no place to lose and
  // comes in a crowd (every page of a restarted node at once): it backs off to the longer cap.
  const inGrace =
    state.status === 'connecting' ||
    (state.status === 'reconnecting' && (state.graceEndsAt === undefined || event.now < state.graceEndsAt));
  const delay = retryDelay(state.attempt, inGrace, policy, event.random);
  const backoffAt = Math.max(event.now, Math.min(event.startedAt, event.now) + delay);
  const retryAfterMs = event.error?.retryAfterMs;
  if (retryAfterMs === undefined) {
    return {
      state: { ...state, attempt: state.attempt + 1, nextRetryAt: backoffAt },
      effects: [...extra, { type: 'scheduleRetry', at: backoffAt }],
    };
  }
  const at = Math.max(backoffAt, event.now + retryAfterMs);
  const roomAt = at + 2 * policy.attemptTimeoutMs;
  const giveUpAt = state.giveUpAt === undefined ? undefined : Math.max(state.giveUpAt, roomAt);
  const moved: Effect[] =
    giveUpAt !== undefined && giveUpAt !== state.giveUpAt ? [{ type: 'scheduleGiveUp', at: giveUpAt }] : [];
  return {
    state: { ...state, attempt: state.attempt + 1, nextRetryAt: at, giveUpAt },
    effects: [...extra, { type: 'scheduleRetry', at }, ...moved],
  };
}

function retryTimer<S extends Recovering>(state: S): Transition {
  if (state.nextRetryAt === null) return { state, effects: [] };
  return { state: { ...state, nextRetryAt: null }, effects: [{ type: 'startAttempt', mode: modeOf(state) }] };
}

/** Skip the wait (or replace an attempt in flight, likely stuck on a dead network, with a fresh one). */
function retryNow<S extends Recovering>(state: S): Transition {
  const mode = modeOf(state);
  if (state.nextRetryAt !== null) {
    return {
      state: { ...state, nextRetryAt: null },
      effects: [{ type: 'cancelRetry' }, { type: 'startAttempt', mode }],
    };
  }
  return { state: { ...state, attempt: state.attempt + 1 }, effects: [{ type: 'startAttempt', mode }] };
}

function leaveConnected(_state: StateOf<'connected' | 'migrating'>, event: EventOf<'leave'>): Transition {
  return end(event.now, 'disconnect', null, true);
}

function lostConnected(
  state: StateOf<'connected' | 'migrating'>,
  event: EventOf<'signalingLost'>,
  policy: ResolvedReconnectPolicy,
): Transition {
  const giveUpAt = event.now + giveUpAfter(policy, event.graceMs, event.holdMs);
  const connectionId = state.connectionId;
  return {
    state: {
      status: 'reconnecting',
      connectionId,
      cause: 'networkDisconnect',
      attempt: 1,
      since: event.now,
      nextRetryAt: null,
      graceEndsAt: event.now + event.graceMs,
      giveUpAt,
    },
    effects: [
      { type: 'dropSocket' },
      { type: 'mediaSignalingLost' },
      { type: 'emit', event: 'reconnecting', payload: { cause: 'networkDisconnect', connectionId } },
      { type: 'startAttempt', mode: 'resume' },
      { type: 'scheduleGiveUp', at: giveUpAt },
    ],
  };
}

function serverEnded(
  state: StateOf<'connected' | 'migrating'>,
  event: EventOf<'serverEnded'>,
  policy: ResolvedReconnectPolicy,
): Transition {
  if (event.reason === 'nodeCrashed' || event.reason === 'serverRotation') {
    return startRejoin(event.now, event.now, state.connectionId, event.reason, event.graceMs, policy);
  }
  return end(event.now, event.reason, null);
}

/** `hf:move`: resume at the node the session moved to, keeping the live socket meanwhile. */
function moveOrdered(state: StateOf<'connected'>, event: EventOf<'moveOrdered'>): Transition {
  return {
    state: {
      status: 'migrating',
      connectionId: state.connectionId,
      since: event.now,
      deadline: event.deadline,
      url: event.url,
      attempt: 1,
      nextRetryAt: null,
    },
    effects: [
      { type: 'emit', event: 'migrating', payload: { deadline: event.deadline } },
      { type: 'startAttempt', mode: 'migrate', moveTo: event.url },
    ],
  };
}

/**
 * The move failed (the new node unreachable or refusing): the old node has let the session go, so
 * re-join it as after a rotation's end.
 */
function moveFailed(
  state: StateOf<'migrating'>,
  event: { now: number; graceMs?: number },
  policy: ResolvedReconnectPolicy,
): Transition {
  const graceMs = event.graceMs ?? DEFAULT_GRACE_MS;
  return startRejoin(event.now, state.since, state.connectionId, 'serverRotation', graceMs, policy);
}

/**
 * The new node refused the resume. A transient refusal (it is overloaded and names its slot, or
 * rate-limits) is retried there (see {@link retryMove}); anything else falls back to the re-join.
 */
function moveRefused(
  state: StateOf<'migrating'>,
  event: EventOf<'refused'>,
  policy: ResolvedReconnectPolicy,
): Transition {
  if (state.nextRetryAt !== null) return { state, effects: [] };
  if (!TRANSIENT_REFUSALS.includes(event.error.code)) return moveFailed(state, event, policy);
  return retryMove(state, event, event.error.retryAfterMs ?? 0, policy);
}

/**
 * The move's attempt failed on the way (the new node slow to answer under load, or unreachable). The
 * session already lives there and holds our place, and the old socket is still up: try it again, as a
 * transient refusal, rather than re-join at once under a new connection id (decision 0018).
 */
function moveAttemptFailed(
  state: StateOf<'migrating'>,
  event: EventOf<'attemptFailed'>,
  policy: ResolvedReconnectPolicy,
): Transition {
  if (state.nextRetryAt !== null) return { state, effects: [] };
  return retryMove(state, event, 0, policy);
}

/**
 * The move again at the same node after the backoff (and the node's slot), while a whole attempt still
 * fits before the rotation's deadline; else the re-join.
 */
function retryMove(
  state: StateOf<'migrating'>,
  event: { now: number; random: number; startedAt: number; graceMs?: number },
  retryAfterMs: number,
  policy: ResolvedReconnectPolicy,
): Transition {
  const delay = retryDelay(state.attempt, true, policy, event.random);
  const at = Math.max(event.now + retryAfterMs, Math.min(event.startedAt, event.now) + delay);
  if (at + policy.attemptTimeoutMs > state.deadline) return moveFailed(state, event, policy);
  return {
    state: { ...state, attempt: state.attempt + 1, nextRetryAt: at },
    effects: [{ type: 'scheduleRetry', at }],
  };
}

function tokenException(event: EventOf<'tokenFailed'>): Effect {
  return {
    type: 'emit',
    event: 'exception',
    payload: { name: 'TOKEN_FETCH_FAILED', message: event.message, origin: null },
  };
}

const table = {
  idle: {
    join: (_state, event, policy) => startJoin(event.now, policy),
  },
  connecting: {
    joined: (_state, event) => ({
      state: { status: 'connected', connectionId: event.connectionId, since: event.now, recoveredFrom: null },
      effects: [
        { type: 'cancelRetry' },
        { type: 'cancelGiveUp' },
        { type: 'adopt', mode: 'join' },
        { type: 'emit', event: 'connected', payload: { connectionId: event.connectionId } },
        { type: 'flushOutbox' },
        { type: 'releaseInbound' },
        { type: 'settleJoin', error: null },
      ],
    }),
    refused: (state, event, policy) =>
      asksToWait(event.error) ? backOff(state, event, policy) : failJoin(event.now, event.error),
    attemptFailed: backOff,
    tokenFailed: (_state, event) =>
      failJoin(event.now, { code: 'TOKEN_FETCH_FAILED', message: event.message }, [tokenException(event)]),
    retryTimer,
    retryNow,
    giveUpTimer: (_state, event) =>
      failJoin(event.now, {
        code: 'SIGNALING_UNREACHABLE',
        message: 'no holdfast server answered before giving up',
      }),
    leave: () => failJoin(null, { code: 'JOIN_ABORTED', message: 'left before the join completed' }),
  },
  connected: {
    leave: leaveConnected,
    signalingLost: lostConnected,
    serverEnded,
    moveOrdered,
  },
  reconnecting: {
    resumed: (state, event) => {
      const downtimeMs = event.now - state.since;
      return {
        state: {
          status: 'connected',
          connectionId: state.connectionId,
          since: event.now,
          recoveredFrom: { cause: state.cause, downtimeMs, attempts: state.attempt },
        },
        effects: [
          { type: 'cancelRetry' },
          { type: 'cancelGiveUp' },
          { type: 'adopt', mode: 'resume' },
          {
            type: 'emit',
            event: 'reconnected',
            payload: { connectionId: state.connectionId, downtimeMs, attempts: state.attempt },
          },
          { type: 'flushOutbox' },
          { type: 'mediaSignalingRestored', downtimeMs },
          { type: 'releaseInbound' },
        ],
      };
    },
    refused: (state, event, policy) => {
      const verdict = readResumeRefusal(event.error.code, event.nodeRestarted);
      if (verdict === 'retry') return backOff(state, event, policy);
      if (verdict === 'nodeCrashed') {
        return startRejoin(event.now, state.since, state.connectionId, 'nodeCrashed', event.graceMs, policy);
      }
      return end(event.now, 'networkDisconnect', event.error);
    },
    attemptFailed: backOff,
    retryTimer,
    retryNow,
    giveUpTimer: (_state, event) => end(event.now, 'networkDisconnect', null),
    leave: (_state, event) => end(event.now, 'disconnect', null),
  },
  rejoining: {
    joined: (state, event) => {
      const downtimeMs = event.now - state.since;
      return {
        state: {
          status: 'connected',
          connectionId: event.connectionId,
          since: event.now,
          recoveredFrom: { cause: state.cause, downtimeMs, attempts: state.attempt },
        },
        effects: [
          { type: 'cancelRetry' },
          { type: 'cancelGiveUp' },
          { type: 'adopt', mode: 'rejoin' },
          {
            type: 'emit',
            event: 'rejoined',
            payload: {
              connectionId: event.connectionId,
              previousConnectionId: state.previousConnectionId,
              downtimeMs,
            },
          },
          { type: 'flushOutbox' },
          { type: 'releaseInbound' },
        ],
      };
    },
    refused: (state, event, policy) =>
      TRANSIENT_REFUSALS.includes(event.error.code)
        ? backOff(state, event, policy)
        : end(event.now, state.cause, event.error),
    attemptFailed: backOff,
    tokenFailed: (state, event, policy) => backOff(state, event, policy, [tokenException(event)]),
    retryTimer,
    retryNow,
    giveUpTimer: (_state, event) => end(event.now, 'networkDisconnect', null),
    leave: (_state, event) => end(event.now, 'disconnect', null),
  },
  migrating: {
    resumed: (state, event) => ({
      state: {
        status: 'connected',
        connectionId: state.connectionId,
        since: event.now,
        // Make-before-break: signaling stayed up through the move, so there is no downtime to report.
        recoveredFrom: { cause: 'serverRotation', downtimeMs: 0, attempts: null },
      },
      effects: [
        { type: 'cancelRetry' },
        { type: 'adopt', mode: 'migrate' },
        { type: 'emit', event: 'migrated', payload: { connectionId: state.connectionId } },
        { type: 'flushOutbox' },
        { type: 'releaseInbound' },
      ],
    }),
    refused: moveRefused,
    attemptFailed: moveAttemptFailed,
    retryTimer: (state) =>
      state.nextRetryAt === null
        ? { state, effects: [] }
        : {
            state: { ...state, nextRetryAt: null },
            effects: [{ type: 'startAttempt', mode: 'migrate', moveTo: state.url }],
          },
    // The old socket may close first (the old node lets go): the move's own attempt decides.
    leave: leaveConnected,
    serverEnded,
  },
  disconnected: {
    join: (_state, event, policy) => startJoin(event.now, policy),
  },
} satisfies TransitionTable;

type AnyHandler = (state: SessionState, event: MachineEvent, policy: ResolvedReconnectPolicy) => Transition;

/** A pure transition function: `(state, event) => { state, effects }`. */
export type TransitionFn = (state: SessionState, event: MachineEvent) => Transition;

/**
 * The session's state machine for a retry policy. Pure: the same state and event always give the same
 * result; time and randomness arrive inside the event. A pair the table does not list changes nothing.
 */
export function createTransition(policy: ResolvedReconnectPolicy): TransitionFn {
  return (state, event) => {
    // The table is checked per (status, event) pair above; here only the lookup is untyped.
    const row = table[state.status] as Partial<Record<MachineEventType, AnyHandler>>;
    const handler = row[event.type];
    if (!handler) return { state, effects: [] };
    return handler(state, event, policy);
  };
}
