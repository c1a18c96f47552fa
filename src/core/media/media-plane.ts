import type {
  ConnectionInfo,
  DisconnectReason,
  IceConfig,
  LinkRef,
  MediaPayload,
  StreamInfo,
  StreamProperties,
} from '../../protocol';
import type { Clock, Random } from '../clock';
import type { SessionEventMap } from '../session/events';
import type { LocalStream, Participant, PublishOptions, RemoteStream } from './types';

/** Media settings the session resolved from its options. */
export interface MediaSettings {
  iceConnectionDisconnectedExceptionTimeout: number;
  forceMediaReconnectionAfterNetworkDrop: boolean;
  statsIntervalMs: number;
  frozenAfterMs: number;
  /** Overrides of the server's ICE configuration, if the app gave any. */
  iceServers: RTCIceServer[] | undefined;
  iceTransportPolicy: RTCIceTransportPolicy | undefined;
}

/**
 * What the session lends its media plane. The media plane never talks to socket.io directly: every
 * message goes through the session's reliable, sequenced outbox, so it is queued while signaling is down.
 */
export interface MediaHost {
  readonly identity: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly settings: MediaSettings;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  /** This page's current connection id, or null when not joined. */
  connectionId(): string | null;
  /** The participant (other than this page) with this identity, if present. */
  participant(identity: string): Participant | undefined;
  /** The participant (other than this page) owning this connection id, if present. */
  participantByConnection(connectionId: string): Participant | undefined;
  /** True while signaling is connected and joined. */
  isSignalingUp(): boolean;
  /** Resolves when signaling is up again (at once if it is up); rejects when the session ends. */
  whenSignalingUp(signal?: AbortSignal): Promise<void>;
  /** Sends a negotiation message to a connection; queued while signaling is down, delivered once, in order. */
  sendMedia(toConnectionId: string, link: LinkRef, payload: MediaPayload): void;
  /** Announces this page's stream to the session. */
  announcePublish(streamId: string, properties: StreamProperties): Promise<void>;
  announceUnpublish(streamId: string): Promise<void>;
  announceProperty(
    streamId: string,
    property: 'audioActive' | 'videoActive' | 'videoDimensions',
    value: boolean | { width: number; height: number },
  ): Promise<void>;
  /** Emits a session event. */
  emit<K extends keyof SessionEventMap>(event: K, payload: SessionEventMap[K]): void;
}

/** How this page entered (or re-entered) the session. */
export type JoinKind = 'join' | 'rejoin' | 'migrate';

/**
 * The session's media half: remote streams and their health, the local stream, and one media link per
 * remote participant (keyed by identity, so a link outlives a re-join). The session forwards every
 * media-related server event here.
 */
export interface MediaPlane {
  readonly streams: ReadonlyMap<string, RemoteStream>;
  readonly localStream: LocalStream | null;
  /** Joined (or re-joined, or migrated): everyone present, their streams and the ICE configuration. */
  onJoined(info: {
    kind: JoinKind;
    connectionId: string;
    ice: IceConfig;
    connections: ConnectionInfo[];
    streams: StreamInfo[];
  }): void;
  onParticipantJoined(connection: ConnectionInfo, replaces: string | undefined): void;
  onParticipantLeft(connection: ConnectionInfo, reason: DisconnectReason): void;
  onStreamCreated(stream: StreamInfo): void;
  onStreamDestroyed(streamId: string, connectionId: string, reason: DisconnectReason): void;
  onStreamPropertyChanged(
    streamId: string,
    property: 'audioActive' | 'videoActive' | 'videoDimensions',
    value: boolean | { width: number; height: number },
  ): void;
  onMediaMessage(fromConnectionId: string, fromIdentity: string, link: LinkRef, payload: MediaPayload): void;
  /** Signaling was lost (media may still flow: nothing is torn down for this alone). */
  onSignalingLost(): void;
  /**
   * Signaling resumed: check every link, renegotiate the broken or frozen ones (or all, if so
   * configured). `addressChanged`: the server saw this page come back from another address (a handoff):
   * every link's path is gone, so each is repaired at once.
   */
  onSignalingRestored(info: { downtimeMs: number; addressChanged?: boolean }): void;
  /** The device reports a network change (`online`): repair at once the links that no longer carry traffic. */
  onNetworkChanged(): void;
  publish(options?: PublishOptions): Promise<LocalStream>;
  unpublish(): Promise<void>;
  setMediaEnabled(kind: 'audio' | 'video', enabled: boolean): void;
  /**
   * The server forgot or ended this membership and a re-join follows (`cause`: `nodeCrashed`,
   * `serverRotation`). Links, the local stream and the remote streams are kept: each remote stream is
   * held, shown `recovering` (its last frame stays on screen, its id and so its tile stay the same)
   * until its publisher is back and publishes it again, when it is adopted (`streamUpdated`, never
   * destroyed and created again). One that does not come back is ended by {@link releaseHeld}.
   */
  onRejoining(cause: DisconnectReason): void;
  /**
   * The wait for the publishers of held streams is over: destroy the streams still held (emitting
   * `streamDestroyed` with the re-join's cause).
   */
  releaseHeld(): void;
  /**
   * The membership ended for good. Close every link, forget remote streams (emitting `streamDestroyed`
   * with the reason), stop the local tracks and emit the local `streamDestroyed`.
   */
  close(reason: DisconnectReason): void;
  destroy(): void;
}

export type MediaPlaneFactory = (host: MediaHost) => MediaPlane;
