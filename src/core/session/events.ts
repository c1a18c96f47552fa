import type { DisconnectReason, NotificationReason, ProtocolError } from '../../protocol';
import type { LocalStream, Participant, RemoteStream, StreamHealth } from '../media/types';
import type { RecoveryCause, SessionState } from './state';

/** Exception names carried by the `exception` event. */
export type ExceptionName =
  | 'ICE_CONNECTION_FAILED'
  | 'ICE_CONNECTION_DISCONNECTED'
  | 'MEDIA_FROZEN'
  | 'SIGNAL_REJECTED'
  | 'TOKEN_FETCH_FAILED'
  | 'PROTOCOL_ERROR';

/** Everything a session tells its listeners, by event name. */
export interface SessionEventMap {
  /** Any change of `session.state`. */
  stateChanged: { state: SessionState; previous: SessionState };
  /** First join succeeded. */
  connected: { connectionId: string };
  /** Signaling was lost; retries start. */
  reconnecting: { cause: RecoveryCause; connectionId: string };
  /** Signaling resumed inside the grace with the same connection id; nothing was lost. */
  reconnected: { connectionId: string; downtimeMs: number; attempts: number };
  /** The connection was ended by the server side (node crash, rotation); joining again with a new token. */
  rejoining: { cause: RecoveryCause; previousConnectionId: string | null };
  /** Re-joined the same session id under a new connection id. */
  rejoined: { connectionId: string; previousConnectionId: string | null; downtimeMs: number };
  /** Moving to another node ahead of a planned rotation. */
  migrating: { deadline: number };
  migrated: { connectionId: string };
  /** Out of the session for good; no retry follows. */
  sessionDisconnected: { reason: DisconnectReason; error: ProtocolError | null };
  /**
   * A participant joined, or (with `replaces`) the same identity came back on a new connection id:
   * update the entry keyed by identity, never add a second one. Emitted for everyone already present
   * at the first join, and after a re-join for each identity that is new or changed connection.
   */
  connectionCreated: { connection: Participant; replaces?: string };
  connectionDestroyed: { connection: Participant; reason: DisconnectReason };
  streamCreated: { stream: RemoteStream };
  streamDestroyed: { stream: RemoteStream | LocalStream; reason: DisconnectReason; isLocal: boolean };
  /** A remote stream's properties (audioActive, videoActive, …) or media changed. */
  streamUpdated: { stream: RemoteStream };
  streamHealthChanged: { stream: RemoteStream; health: StreamHealth; previous: StreamHealth };
  /** This page's published stream changed (published, replaced, unpublished: null). */
  localStreamChanged: { stream: LocalStream | null };
  exception: {
    name: ExceptionName;
    message: string;
    /** The stream (media exceptions) or the connection the exception is about. */
    origin: { streamId?: string; connectionId?: string; identity?: string } | null;
    error?: ProtocolError;
  };
  /** Advance notice from the server (e.g. `serverRotation` with its deadline). */
  sessionNotification: { reason: NotificationReason; deadline: number; message?: string };
  /** An app message from another participant (`from` null when sent by the app backend). */
  signal: { type: string; data: unknown; from: Participant | null };
}

export type SessionEventName = keyof SessionEventMap;
