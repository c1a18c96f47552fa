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

function onStateChanged(state: SessionStoreState, next: SessionState, previous: SessionState, now: number) {
  const patch: Partial<SessionStoreState> = { session: next, status: next.status };
  const outage =
    previous.status === 'reconnecting' || previous.status === 'rejoining' || previous.status === 'migrating';
  if (next.status === 'connected' && outage) {
    const migrated = previous.status === 'migrating';
    patch.lastRecovery = {
      reason: migrated ? 'serverRotation' : previous.cause,
      at: now,
      // Make-before-break: signaling stayed up through a migration, so no downtime is invented for it.
      downtimeMs: migrated ? 0 : Math.max(0, now - previous.since),
      attempts: migrated ? null : previous.attempt,
    };
  }
  if (next.status === 'disconnected') {
    patch.lastDisconnect = { reason: next.reason, error: next.error, at: next.since };
    patch.notification = null;
  }
  return { ...state, ...patch };
}

/**
 * Refines (or records) the latest recovery with what a `reconnected`/`rejoined`/`migrated` event says:
 * `figures` is the event's payload (a figure it does not carry keeps the one already recorded).
 */
function recordRecovery(
  state: SessionStoreState,
  fallbackReason: LastRecovery['reason'],
  now: number,
  figures: { downtimeMs?: number; attempts?: number },
): SessionStoreState {
  const known = state.lastRecovery;
  // The matching `stateChanged` may come just before this event and already recorded the recovery.
  const recent = known !== null && known.at <= now && now - known.at < 1000 ? known : null;
  const session = state.session;
  const reason = recent
    ? recent.reason
    : session.status === 'rejoining' || session.status === 'reconnecting'
      ? session.cause
      : fallbackReason;
  const at = recent ? recent.at : now;
  return {
    ...state,
    lastRecovery: {
      reason,
      at,
      downtimeMs: figures.downtimeMs ?? known?.downtimeMs ?? null,
      attempts: figures.attempts ?? known?.attempts ?? null,
    },
  };
}

function applyEvent(state: SessionStoreState, event: SessionEventRecord, now: number): SessionStoreState {
  switch (event.name) {
    case 'stateChanged':
      return onStateChanged(state, event.payload.state, event.payload.previous, now);
    case 'reconnected':
      return recordRecovery(state, 'networkDisconnect', now, event.payload);
    case 'rejoined':
      return recordRecovery(state, 'nodeCrashed', now, event.payload);
    case 'migrated':
      return {
        ...recordRecovery(state, 'serverRotation', now, {}),
        notification: null,
      };
    case 'sessionDisconnected':
      return {
        ...state,
        lastDisconnect: { reason: event.payload.reason, error: event.payload.error, at: now },
        notification: null,
      };
    case 'streamHealthChanged': {
      const { health, previous } = event.payload;
      const healed = health === 'live' && (previous === 'frozen' || previous === 'recovering');
      const { phase, since } = state.reconnect;
      if (!healed || phase !== 'recoveringMedia' || since === null) return state;
      if ([...state.streams.values()].some(isTroubled)) return state;
      // Streams held `recovering` through a re-join (node crash, rotation) heal after it: that is the
      // end of the same incident, still reported as the re-join, with the time until video was back.
      const known = state.lastRecovery;
      if (
        known &&
        (known.reason === 'nodeCrashed' || known.reason === 'serverRotation') &&
        Math.abs(known.at - since) < 1000
      ) {
        return {
          ...state,
          lastRecovery: {
            ...known,
            at: now,
            downtimeMs: (known.downtimeMs ?? 0) + Math.max(0, now - known.at),
          },
        };
      }
      return {
        ...state,
        lastRecovery: {
          reason: 'mediaFailure',
          at: now,
          downtimeMs: Math.max(0, now - since),
          attempts: null,
        },
      };
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
 * The store's reducer: the next state after one core event, for what the event says beyond the
 * session's snapshots (the lifecycle state, recoveries, the last disconnect, notices). The roster, the
 * streams, the local stream and the connection id are not replayed from events: {@link syncFromSession}
 * re-reads them from the session before each event. Pure; returns `state` itself when the event changes
 * nothing the UI shows.
 */
export function applySessionEvent(
  state: SessionStoreState,
  event: SessionEventRecord,
  context: ApplyContext,
): SessionStoreState {
  return refreshReconnect(applyEvent(state, event, context.now), context);
}

/** Re-derives `reconnect` (e.g. when the `recovered` display time runs out). */
export function refreshReconnect(state: SessionStoreState, context: ApplyContext): SessionStoreState {
  // The inputs are the store's session, streams and last recovery, and the context's time and policy.
  const reconnect = deriveReconnectState({ ...state, ...context }, state.reconnect);
  return reconnect === state.reconnect ? state : { ...state, reconnect };
}
