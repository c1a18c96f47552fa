import type {
  ConnectionInfo,
  DisconnectReason,
  IceConfig,
  LinkRef,
  MediaPayload,
  StreamInfo,
} from '../../protocol';
import { acquireLocalMedia, applyEnabled, describeLocalMedia, stopLocalMedia } from './local-media';
import type { JoinKind, MediaHost, MediaPlane, MediaPlaneFactory } from './media-plane';
import { RemoteStreamRegistry } from './remote-stream-registry';
import type { LocalStream, PublishOptions, RemoteStream } from './types';

const randomId = (random: () => number): string => {
  let id = '';
  for (let i = 0; i < 16; i++) id += Math.floor(random() * 36).toString(36);
  return `st_${id}`;
};

/**
 * A full-mesh media plane: one simple-peer link per remote participant, keyed by identity.
 * This first version keeps the remote-stream bookkeeping and the local stream; links follow.
 */
class MeshMediaPlane implements MediaPlane {
  readonly #host: MediaHost;
  readonly #registry: RemoteStreamRegistry;
  #local: LocalStream | null = null;
  #ice: IceConfig | null = null;
  #closed = false;

  constructor(host: MediaHost) {
    this.#host = host;
    this.#registry = new RemoteStreamRegistry((event, payload) => host.emit(event, payload));
  }

  get streams(): ReadonlyMap<string, RemoteStream> {
    return this.#registry.streams;
  }

  get localStream(): LocalStream | null {
    return this.#local;
  }

  onJoined(info: {
    kind: JoinKind;
    connectionId: string;
    ice: IceConfig;
    connections: ConnectionInfo[];
    streams: StreamInfo[];
  }): void {
    this.#closed = false;
    this.#ice = info.ice;
    const present = new Set(info.connections.map((c) => c.connectionId));
    this.#registry.removeWhere((s) => !present.has(s.connectionId), 'networkDisconnect');
    for (const stream of info.streams) {
      if (stream.identity === this.#host.identity) continue;
      this.#registry.add(stream, 'live', null);
    }
    if (this.#local && info.kind !== 'join') {
      void this.#host.announcePublish(this.#local.streamId, this.#local.properties);
    }
  }

  onParticipantJoined(_connection: ConnectionInfo, _replaces: string | undefined): void {}

  onParticipantLeft(connection: ConnectionInfo, reason: DisconnectReason): void {
    this.#registry.removeWhere((s) => s.connectionId === connection.connectionId, reason);
  }

  onStreamCreated(stream: StreamInfo): void {
    if (stream.identity === this.#host.identity) return;
    this.#registry.add(stream, 'live', null);
  }

  onStreamDestroyed(streamId: string, _connectionId: string, reason: DisconnectReason): void {
    this.#registry.remove(streamId, reason);
  }

  onStreamPropertyChanged(
    streamId: string,
    property: 'audioActive' | 'videoActive' | 'videoDimensions',
    value: boolean | { width: number; height: number },
  ): void {
    this.#registry.setProperty(streamId, property, value);
  }

  onMediaMessage(_from: string, _fromIdentity: string, _link: LinkRef, _payload: MediaPayload): void {}

  onSignalingLost(): void {}

  onSignalingRestored(_info: { downtimeMs: number }): void {}

  async publish(options: PublishOptions = {}): Promise<LocalStream> {
    if (this.#local) await this.unpublish();
    const mediaStream = await acquireLocalMedia(options);
    applyEnabled(mediaStream, options);
    const local: LocalStream = {
      streamId: randomId(this.#host.random),
      mediaStream,
      properties: describeLocalMedia(mediaStream, options),
      options: { ...options },
    };
    this.#local = local;
    this.#host.emit('localStreamChanged', { stream: local });
    await this.#host.announcePublish(local.streamId, local.properties);
    return local;
  }

  async unpublish(): Promise<void> {
    const local = this.#local;
    if (!local) return;
    this.#local = null;
    stopLocalMedia(local.mediaStream);
    this.#host.emit('streamDestroyed', { stream: local, reason: 'disconnect', isLocal: true });
    this.#host.emit('localStreamChanged', { stream: null });
    if (this.#host.isSignalingUp()) await this.#host.announceUnpublish(local.streamId);
  }

  setMediaEnabled(kind: 'audio' | 'video', enabled: boolean): void {
    const local = this.#local;
    if (!local) return;
    const tracks = kind === 'audio' ? local.mediaStream.getAudioTracks() : local.mediaStream.getVideoTracks();
    for (const track of tracks) track.enabled = enabled;
    const property = kind === 'audio' ? 'audioActive' : 'videoActive';
    const options: PublishOptions = {
      ...local.options,
      [kind === 'audio' ? 'publishAudio' : 'publishVideo']: enabled,
    };
    this.#local = { ...local, properties: { ...local.properties, [property]: enabled }, options };
    this.#host.emit('localStreamChanged', { stream: this.#local });
    void this.#host.announceProperty(local.streamId, property, enabled).catch(() => {});
  }

  close(reason: DisconnectReason, options: { keepLocalMedia: boolean }): void {
    this.#closed = true;
    this.#registry.clear(reason);
    if (!options.keepLocalMedia && this.#local) {
      const local = this.#local;
      this.#local = null;
      stopLocalMedia(local.mediaStream);
      this.#host.emit('streamDestroyed', { stream: local, reason, isLocal: true });
      this.#host.emit('localStreamChanged', { stream: null });
    }
  }

  destroy(): void {
    if (!this.#closed) this.close('disconnect', { keepLocalMedia: false });
  }
}

/**
 * Builds the mesh media plane for a session.
 *
 * @example
 * ```ts
 * const session = createSession({ serverUrl, sessionId, getToken, mediaPlane: createMeshMediaPlane });
 * ```
 */
export const createMeshMediaPlane: MediaPlaneFactory = (host) => new MeshMediaPlane(host);
