import type { LocalStream, Participant, RemoteStream, StreamHealth } from '../core/media/types';
import type { SessionState, SessionStatus } from '../core/session/state';
import type { VideoType } from '../protocol';
import type { ReconnectPhase, ReconnectState } from './reconnect-state';
import type {
  LastDisconnect,
  LastRecovery,
  PendingNotification,
  SessionStoreState,
} from './session-store-state';

/**
 * Which remote streams to pick: a predicate, or fields that must all match (`health` may list several).
 */
export type StreamFilter =
  | ((stream: RemoteStream) => boolean)
  | {
      identity?: string;
      connectionId?: string;
      health?: StreamHealth | readonly StreamHealth[];
      typeOfVideo?: VideoType;
      hasVideo?: boolean;
      hasAudio?: boolean;
    };

/** `state.session`: the core's lifecycle state. */
export const selectSessionState = (state: SessionStoreState): SessionState => state.session;
/** `state.status`, a primitive. */
export const selectStatus = (state: SessionStoreState): SessionStatus => state.status;
/** This page's current connection id (null when not joined). */
export const selectConnectionId = (state: SessionStoreState): string | null => state.connectionId;
/** This page's stable identity. */
export const selectIdentity = (state: SessionStoreState): string | null => state.identity;
/** The reconnect state (a stable reference until something in it changes). */
export const selectReconnect = (state: SessionStoreState): ReconnectState => state.reconnect;
/** `reconnect.phase`, a primitive. */
export const selectReconnectPhase = (state: SessionStoreState): ReconnectPhase => state.reconnect.phase;
/** Remote participants keyed by identity. */
export const selectParticipants = (state: SessionStoreState): ReadonlyMap<string, Participant> =>
  state.participants;
/** Remote streams keyed by stream id. */
export const selectStreams = (state: SessionStoreState): ReadonlyMap<string, RemoteStream> => state.streams;
/** This page's published stream. */
export const selectLocalStream = (state: SessionStoreState): LocalStream | null => state.localStream;
/** The server's pending advance notice. */
export const selectNotification = (state: SessionStoreState): PendingNotification | null =>
  state.notification;
/** How the session last ended for good. */
export const selectLastDisconnect = (state: SessionStoreState): LastDisconnect | null => state.lastDisconnect;
/** The latest recovery from an outage. */
export const selectLastRecovery = (state: SessionStoreState): LastRecovery | null => state.lastRecovery;

/** A selector of one remote stream by id (null when absent); its result changes only with that stream. */
export const selectStream =
  (streamId: string) =>
  (state: SessionStoreState): RemoteStream | null =>
    state.streams.get(streamId) ?? null;

/** A selector of one stream's health (null when absent). */
export const selectStreamHealth =
  (streamId: string) =>
  (state: SessionStoreState): StreamHealth | null =>
    state.streams.get(streamId)?.health ?? null;

/** True when `stream` passes `filter` (every stream passes no filter). */
export function matchesStreamFilter(stream: RemoteStream, filter: StreamFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(stream);
  if (filter.identity !== undefined && stream.identity !== filter.identity) return false;
  if (filter.connectionId !== undefined && stream.connectionId !== filter.connectionId) return false;
  if (filter.typeOfVideo !== undefined && stream.typeOfVideo !== filter.typeOfVideo) return false;
  if (filter.hasVideo !== undefined && stream.hasVideo !== filter.hasVideo) return false;
  if (filter.hasAudio !== undefined && stream.hasAudio !== filter.hasAudio) return false;
  if (filter.health !== undefined) {
    if (![filter.health].flat().includes(stream.health)) return false;
  }
  return true;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * Wraps a list-producing function so it returns the previous array while the items are the same
 * (same length, same references, same order): a selector that returns a stable reference.
 */
function stableList<T>(
  compute: (state: SessionStoreState) => T[],
): (state: SessionStoreState) => readonly T[] {
  let last: readonly T[] = [];
  return (state) => {
    const next = compute(state);
    if (sameItems(next, last)) return last;
    last = next;
    return last;
  };
}

/**
 * Creates a memoized selector of the remote streams passing `getFilter()` (read at each call, so a
 * hook may pass a fresh filter each render), in arrival order. The array is stable while its items are.
 */
export function createStreamsSelector(
  getFilter: () => StreamFilter | undefined = () => undefined,
): (state: SessionStoreState) => readonly RemoteStream[] {
  return stableList((state) => {
    const filter = getFilter();
    const result: RemoteStream[] = [];
    for (const stream of state.streams.values()) if (matchesStreamFilter(stream, filter)) result.push(stream);
    return result;
  });
}

/**
 * Creates a memoized selector of the ids of the remote streams passing `getFilter()`. Without a filter
 * (or with one that ignores health) the array only changes when streams come or go, so a grid that
 * renders one tile per id never re-renders for a health change.
 */
export function createStreamIdsSelector(
  getFilter: () => StreamFilter | undefined = () => undefined,
): (state: SessionStoreState) => readonly string[] {
  return stableList((state) => {
    const filter = getFilter();
    const result: string[] = [];
    for (const stream of state.streams.values()) {
      if (matchesStreamFilter(stream, filter)) result.push(stream.streamId);
    }
    return result;
  });
}

/** Creates a memoized selector of the remote participants as an array (stable while they are). */
export function createParticipantsSelector(): (state: SessionStoreState) => readonly Participant[] {
  return stableList((state) => [...state.participants.values()]);
}
