import type { LocalStream, Participant, RemoteStream } from '../core/media/types';
import type { RecoveryCause, SessionState, SessionStatus } from '../core/session/state';
import type { DisconnectReason, NotificationReason, ProtocolError } from '../protocol';
import { IDLE_RECONNECT_STATE, type ReconnectState } from './reconnect-state';

/** A `sessionNotification` the server sent and that has not played out yet (e.g. a coming rotation). */
export interface PendingNotification {
  reason: NotificationReason;
  /** When the announced change happens (epoch ms). */
  deadline: number;
  message: string | null;
  /** When the notification arrived (epoch ms). */
  receivedAt: number;
}

/** How the session last ended for good. */
export interface LastDisconnect {
  reason: DisconnectReason;
  error: ProtocolError | null;
  /** When it ended (epoch ms). */
  at: number;
}

/** The latest return from an outage (signaling resume, re-join, migration, or media repair). */
export interface LastRecovery {
  reason: RecoveryCause | 'mediaFailure';
  /** When holdfast was back (epoch ms). */
  at: number;
  /** How long the outage lasted (ms), when known. */
  downtimeMs: number | null;
  /** How many tries it took, when known. */
  attempts: number | null;
}

/**
 * Everything the React layer shows about one session. Only the core writes it (through
 * {@link bindSessionToStore}); every field is replaced, never mutated, when it changes, and maps keep
 * the core's per-entry snapshots, so a selector of one stream only sees that stream change.
 */
export interface SessionStoreState {
  /** The core's lifecycle state. */
  session: SessionState;
  /** `session.status`, as a primitive for cheap selection. */
  status: SessionStatus;
  sessionId: string | null;
  /** This page's stable identity. */
  identity: string | null;
  /** This page's current connection id. */
  connectionId: string | null;
  /** What the UI should say about continuity right now. */
  reconnect: ReconnectState;
  /** Everyone in the session except this page, keyed by identity. */
  participants: ReadonlyMap<string, Participant>;
  /** Remote streams (with their health), keyed by stream id. */
  streams: ReadonlyMap<string, RemoteStream>;
  /** This page's published stream. */
  localStream: LocalStream | null;
  /** A pending advance notice from the server. */
  notification: PendingNotification | null;
  /** The reason the session last ended for good. */
  lastDisconnect: LastDisconnect | null;
  /** The latest recovery from an outage. */
  lastRecovery: LastRecovery | null;
}

/** Empty and read-only, so one map serves as the initial roster and the initial streams. */
const EMPTY: ReadonlyMap<string, never> = new Map<string, never>();

/** The state of a store whose session has not been bound yet (also what a server render sees). */
export function initialSessionStoreState(): SessionStoreState {
  return {
    session: { status: 'idle' },
    status: 'idle',
    sessionId: null,
    identity: null,
    connectionId: null,
    reconnect: IDLE_RECONNECT_STATE,
    participants: EMPTY,
    streams: EMPTY,
    localStream: null,
    notification: null,
    lastDisconnect: null,
    lastRecovery: null,
  };
}
