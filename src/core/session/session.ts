import type { Disposer } from '../emitter';
import type { LocalStream, Participant, PublishOptions, RemoteStream } from '../media/types';
import type { SessionEventMap } from './events';
import type { SessionState } from './state';

/** What `signal()` sends. */
export interface SignalOptions {
  /** App-defined message type. */
  type: string;
  /** Any JSON value. */
  data?: unknown;
  /** Connection ids to deliver to; everyone else in the session when omitted. */
  to?: string[];
}

/**
 * One participant's membership in one session: signaling, media, and their recovery.
 *
 * @example
 * ```ts
 * const session = createSession({ serverUrl, sessionId: 'daily-standup', getToken });
 * session.on('reconnecting', () => showBanner());
 * await session.join();
 * await session.publish();
 * ```
 */
export interface Session {
  readonly sessionId: string;
  /** Stable identity of this participant for the life of the page. */
  readonly identity: string;
  /** The current lifecycle state. */
  readonly state: SessionState;
  /** The connection id the server assigned at the latest join, if any. */
  readonly connectionId: string | null;
  /** Everyone in the session except this page, keyed by identity. */
  readonly participants: ReadonlyMap<string, Participant>;
  /** Remote streams, keyed by stream id. */
  readonly streams: ReadonlyMap<string, RemoteStream>;
  /** This page's published stream, if any. */
  readonly localStream: LocalStream | null;

  /** Joins the session (fetching a token with `getToken`). Resolves once connected; rejects with the reason. */
  join(): Promise<void>;
  /** Leaves the session. Wins over any recovery in flight. */
  leave(): Promise<void>;
  /** Skips the wait before the next signaling retry (e.g. a "retry now" button). */
  reconnectNow(): void;
  /**
   * Sends an app message. While reconnecting it is queued and delivered exactly once, in order, after
   * `reconnected`. Resolves when the server has accepted it; rejects with the server's error otherwise.
   */
  signal(options: SignalOptions): Promise<void>;
  /**
   * Moderators only (a token created with `role: 'moderator'`): removes the participant on connection
   * `connectionId`, which gets `sessionDisconnected` with reason `forceDisconnectByUser` (everyone else
   * sees its `connectionDestroyed` with that reason). Resolves once the server has done it; rejects
   * with `FORBIDDEN` for any other role, `TARGET_NOT_IN_SESSION` when no such participant is there.
   *
   * @example
   * ```ts
   * const bob = session.participants.get('bob');
   * if (bob) await session.forceDisconnect(bob.connectionId);
   * ```
   */
  forceDisconnect(connectionId: string): Promise<void>;
  /** Publishes camera/microphone (or the given stream) to every other participant. */
  publish(options?: PublishOptions): Promise<LocalStream>;
  /** Stops publishing and stops the local tracks. */
  unpublish(): Promise<void>;
  /** Turns the published audio/video on or off without renegotiating (shown to others as muted). */
  setMediaEnabled(kind: 'audio' | 'video', enabled: boolean): void;
  /** Subscribes to an event; returns the disposer. */
  on<K extends keyof SessionEventMap>(event: K, handler: (payload: SessionEventMap[K]) => void): Disposer;
  once<K extends keyof SessionEventMap>(event: K, handler: (payload: SessionEventMap[K]) => void): Disposer;
  /** Leaves (if needed) and releases every resource; the session cannot be used afterwards. */
  destroy(): void;
}
