import type { LocalStream, Participant, RemoteStream } from '../core/media/types';
import type { SessionEventMap } from '../core/session/events';
import type { SessionState } from '../core/session/state';
import { deriveReconnectState, isTroubled } from './derive-reconnect-state';
import type { LastRecovery, SessionStoreState } from './session-store-state';

/** One session event, as the store receives it. */
export type SessionEventRecord = {
  [K in keyof SessionEventMap]: { name: K; payload: SessionEventMap[K] };
}[keyof SessionEventMap];

/** Time and policy the reducer needs. */
export interface ApplyContext {
  /** Current time (epoch ms), from the injected clock. */
  now: number;
  /** How long `recovered` is shown after an outage ends. */
  recoveredVisibleMs: number;
}

/** What the store reads from the session itself (the core's current snapshots). */
export interface SessionSnapshotSource {
  readonly state: SessionState;
  readonly connectionId: string | null;
  readonly participants: ReadonlyMap<string, Participant>;
  readonly streams: ReadonlyMap<string, RemoteStream>;
  readonly localStream: LocalStream | null;
}

/** Keeps `current` when it holds exactly the entries of `source` (same keys, same snapshot objects). */
function reconcileMap<V>(
  current: ReadonlyMap<string, V>,
  source: ReadonlyMap<string, V>,
): ReadonlyMap<string, V> {
  const same =
    current.size === source.size && [...source].every(([key, value]) => current.get(key) === value);
  return same ? current : new Map(source);
}

/** Re-reads the session's participants, streams, local stream and connection id, keeping unchanged references. */
export function syncFromSession(state: SessionStoreState, session: SessionSnapshotSource): SessionStoreState {
  const participants = reconcileMap(state.participants, session.participants);
  const streams = reconcileMap(state.streams, session.streams);
  const localStream = session.localStream;
  const connectionId = session.connectionId;
  if (
    participants === state.participants &&
    streams === state.streams &&
    localStream === state.localStream &&
    connectionId === state.connectionId
  ) {
    return state;
  }
  return { ...state, participants, streams, localStream, connectionId };
}

/** The latest recovery a session state tells of: a `connected` state says what it came back from. */
function recoveryOf(session: SessionState): LastRecovery | null {
  if (session.status !== 'connected' || session.recoveredFrom === null) return null;
  const { cause, downtimeMs, attempts } = session.recoveredFrom;
  return { reason: cause, at: session.since, downtimeMs, attempts };
}

/**
 * The store state showing the session state `next`, with the facts that state carries: the recovery a
 * `connected` state came back from, and the reason a `disconnected` state ended with. The only writer
 * of `session`, `status`, `lastRecovery` (apart from media repairs, see {@link recordMediaRecovery})
 * and `lastDisconnect`.
 */
export function showSessionState(state: SessionStoreState, next: SessionState): SessionStoreState {
  if (state.session === next) return state;
  const patch: Partial<SessionStoreState> = { session: next, status: next.status };
  const recovery = recoveryOf(next);
  if (recovery) patch.lastRecovery = recovery;
  if (next.status === 'disconnected') {
    patch.lastDisconnect = { reason: next.reason, error: next.error, at: next.since };
    patch.notification = null;
  }
  return { ...state, ...patch };
}

const wasTroubled = (stream: RemoteStream | undefined): boolean => stream !== undefined && isTroubled(stream);

/**
 * Records the end of a media outage the streams' snapshots show: the store was `recoveringMedia`, a
 * stream that was frozen or recovering is live again and none is left in trouble (a troubled stream
 * that simply went away repairs nothing).
 */
function recordMediaRecovery(
  before: SessionStoreState,
  after: SessionStoreState,
  now: number,
): SessionStoreState {
  const { phase, since } = before.reconnect;
  if (phase !== 'recoveringMedia' || since === null || after.streams === before.streams) return after;
  if (after.session.status !== 'connected') return after;
  const streams = [...after.streams.values()];
  const healed = streams.some(
    (stream) => stream.health === 'live' && wasTroubled(before.streams.get(stream.streamId)),
  );
  if (!healed || streams.some(isTroubled)) return after;
  // Streams held `recovering` through a re-join (node crash, rotation) heal after it: that is the end
  // of the same incident, still reported as the re-join, with the time until video was back.
  const known = after.lastRecovery;
  if (
    known &&
    (known.reason === 'nodeCrashed' || known.reason === 'serverRotation') &&
    Math.abs(known.at - since) < 1000
  ) {
    return {
      ...after,
      lastRecovery: { ...known, at: now, downtimeMs: (known.downtimeMs ?? 0) + Math.max(0, now - known.at) },
    };
  }
  return {
    ...after,
    lastRecovery: { reason: 'mediaFailure', at: now, downtimeMs: Math.max(0, now - since), attempts: null },
  };
}

function applyEvent(state: SessionStoreState, event: SessionEventRecord, now: number): SessionStoreState {
  switch (event.name) {
    case 'stateChanged': {
      const { state: next, previous } = event.payload;
      const shown = showSessionState(state, next);
      // A rotation notice has played out once the migration it announced is done.
      const migrated = previous.status === 'migrating' && next.status === 'connected';
      return migrated && shown.notification !== null ? { ...shown, notification: null } : shown;
    }
    case 'sessionNotification': {
      const { reason, deadline, message } = event.payload;
      return { ...state, notification: { reason, deadline, message: message ?? null, receivedAt: now } };
    }
    default:
      return state;
  }
}

/**
 * The store's reducer: the next state after one core event. The session's snapshots are the truth for
 * the roster, the streams (with their health), the local stream and the connection id: they are re-read
 * first ({@link syncFromSession}), and media recoveries are read from how the streams changed. The
 * lifecycle and what it recovered from, or ended with, come from state changes only; of the domain
 * events only `sessionNotification` is kept (it has no snapshot). Pure; returns `state` itself when the
 * event changes nothing the UI shows.
 */
export function applySessionEvent(
  state: SessionStoreState,
  session: SessionSnapshotSource,
  event: SessionEventRecord,
  context: ApplyContext,
): SessionStoreState {
  const synced = recordMediaRecovery(state, syncFromSession(state, session), context.now);
  return refreshReconnect(applyEvent(synced, event, context.now), context);
}

/** Re-derives `reconnect` (e.g. when the `recovered` display time runs out). */
export function refreshReconnect(state: SessionStoreState, context: ApplyContext): SessionStoreState {
  // The inputs are the store's session, streams and last recovery, and the context's time and policy.
  const reconnect = deriveReconnectState({ ...state, ...context }, state.reconnect);
  return reconnect === state.reconnect ? state : { ...state, reconnect };
}
