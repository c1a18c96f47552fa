import type {
  ConnectionInfo,
  DisconnectReason,
  IceConfig,
  LinkRef,
  MediaPayload,
  StreamInfo,
} from '../../protocol';
import { randomBase36 } from '../clock';
import { isInitiator, linkIdFor } from './link-roles';
import { browserLocalAddresses, type LocalAddressProbe, watchForNewAddress } from './local-addresses';
import { acquireLocalMedia, applyEnabled, describeLocalMedia, stopLocalMedia } from './local-media';
import { MediaLink, type MediaLinkContext } from './media-link';
import type { JoinKind, MediaHost, MediaPlane, MediaPlaneFactory } from './media-plane';
import { browserPathProbe, PathMonitor, type PathProbe } from './path-monitor';
import { RemoteStreamRegistry } from './remote-stream-registry';
import { DEFAULT_REPAIR_POLICY, type RepairPolicy } from './repair-policy';
import { createSimplePeer, type SimplePeerFactory } from './simple-peer-like';
import type { LocalStream, PublishOptions, RemoteStream } from './types';

/** Options of {@link createMeshMediaPlaneWith} (defaults suit production; tests inject fakes). */
export interface MeshMediaPlaneOptions {
  /** Builds simple-peer peers. @default simple-peer 9 from its prebuilt bundle */
  createPeer?: SimplePeerFactory;
  /** Repair budgets. @default DEFAULT_REPAIR_POLICY */
  repairPolicy?: Partial<RepairPolicy>;
  /** Time allowed for the first frame of a new stream or a rebuilt peer before it counts as frozen. @default 4000 */
  startupMs?: number;
  /** Probes this page's own path to the relay while a link is broken. @default a throwaway RTCPeerConnection */
  pathProbe?: PathProbe;
  /** Reads the browser's local addresses after a handoff. @default a throwaway RTCPeerConnection */
  localAddressProbe?: LocalAddressProbe;
}

/**
 * A full-mesh media plane: one media link per remote participant, keyed by identity (see
 * {@link MediaLink}), the remote streams with their health, and the local stream.
 */
class MeshMediaPlane implements MediaPlane {
  readonly #host: MediaHost;
  readonly #registry: RemoteStreamRegistry;
  readonly #links = new Map<string, MediaLink>();
  /** Last generation used with each identity, kept past a link's life so a new link never reuses one. */
  readonly #generations = new Map<string, number>();
  readonly #ctx: MediaLinkContext;
  readonly #pathMonitor: PathMonitor;
  readonly #addressProbe: LocalAddressProbe;
  #watchingAddress = false;
  /** Remote streams kept through a re-join until their publisher is back (ids), and why they would end. */
  readonly #held = new Set<string>();
  #heldCause: DisconnectReason = 'nodeCrashed';
  /** When the streams were last held (frames counted from readings after it end their `recovering`). */
  #heldAt = Number.NEGATIVE_INFINITY;
  #local: LocalStream | null = null;
  #ice: IceConfig | null = null;
  #closed = false;

  constructor(host: MediaHost, options: MeshMediaPlaneOptions) {
    this.#host = host;
    this.#registry = new RemoteStreamRegistry(host.emit);
    this.#ctx = {
      host,
      incarnation: `inc_${randomBase36(host.random, 12)}`,
      policy: { ...DEFAULT_REPAIR_POLICY, ...options.repairPolicy },
      createPeer: options.createPeer ?? createSimplePeer,
      startupMs: options.startupMs ?? 4000,
      iceConfiguration: () => this.#iceConfiguration(),
      localStream: () => this.#local?.mediaStream ?? null,
      localStreamId: () => this.#local?.streamId,
      remoteStream: (identity) => this.#registry.byIdentity(identity),
      onRemoteMedia: (identity, mediaStream) => {
        const stream = this.#registry.byIdentity(identity);
        if (stream) this.#registry.setMediaStream(stream.streamId, mediaStream);
      },
      onHealth: (identity, health) => {
        const stream = this.#registry.byIdentity(identity);
        if (!stream) return;
        // A held stream stays `recovering` until its publisher is back, whatever the old peer still shows,
        // unless its frames are seen rising since the hold: the link outlived the re-join (media is peer to
        // peer) and the picture never stopped.
        const flowing = health === 'live' && this.#links.get(identity)?.flowingSince(this.#heldAt) === true;
        if (!this.#held.has(stream.streamId) || flowing) this.#registry.setHealth(stream.streamId, health);
      },
      // Every stats reading: the probe's connection is closed as soon as every link is whole again.
      onSampled: () => this.#pathMonitor.reconsider(),
      onGeneration: (identity, gen) => {
        this.#generations.set(identity, Math.max(gen, this.#generations.get(identity) ?? 0));
      },
      onSuspect: () => this.#pathMonitor.wake(),
      checkPath: (since) => this.#pathMonitor.check(since),
      pathDown: () => this.#pathMonitor.down,
    };
    this.#addressProbe = options.localAddressProbe ?? browserLocalAddresses;
    this.#pathMonitor = new PathMonitor({
      clock: host.clock,
      probe: options.pathProbe ?? browserPathProbe(() => this.#iceConfiguration()),
      needed: () => [...this.#links.values()].some((link) => link.needsPath),
      onPathBack: (downAt) => {
        host.log('info', 'media path back', { sinceLastFailedProbeMs: host.clock.now() - downAt });
        for (const link of this.#links.values()) link.onPathBack(downAt);
      },
    });
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
    // The roster already took the snapshot: it still has the participants a re-join holds.
    const known = (identity: string) => this.#host.participant(identity) !== undefined;
    for (const [identity, link] of [...this.#links]) {
      if (!known(identity)) this.#closeLink(identity, link);
    }
    this.#registry.removeWhere((s) => !known(s.identity), 'networkDisconnect');
    for (const stream of info.streams) this.onStreamCreated(stream);
    for (const connection of info.connections) this.onParticipantJoined(connection, undefined);
    if (this.#local && info.kind !== 'join') {
      void this.#host
        .announcePublish(this.#local.streamId, this.#local.properties)
        .catch((error: unknown) => {
          this.#host.log('warn', 're-publish failed', { error: String(error) });
        });
    }
  }

  onParticipantJoined(connection: ConnectionInfo, _replaces: string | undefined): void {
    if (connection.identity === this.#host.identity || this.#closed) return;
    const link = this.#links.get(connection.identity);
    if (link) link.onRemoteReplaced(connection.connectionId);
    else this.#openLink(connection.identity, connection.connectionId);
  }

  onParticipantLeft(connection: ConnectionInfo, reason: DisconnectReason): void {
    this.#registry.removeWhere((s) => s.connectionId === connection.connectionId, reason);
    this.#pruneHeld();
    const link = this.#links.get(connection.identity);
    if (link && link.remoteConnectionId === connection.connectionId)
      this.#closeLink(connection.identity, link);
  }

  onStreamCreated(stream: StreamInfo): void {
    if (stream.identity === this.#host.identity) return;
    // Its publisher is back: a held stream it publishes again is adopted (same id, same tile); another
    // it held is gone.
    this.#releaseHeldWhere((s) => s.identity === stream.identity && s.streamId !== stream.streamId);
    const adopted = this.#held.delete(stream.streamId);
    const link = this.#links.get(stream.identity);
    this.#registry.add(stream, link?.health ?? 'live', link?.remoteMedia ?? null);
    if (adopted && link) this.#registry.setHealth(stream.streamId, link.health);
    link?.onRemoteStreamChanged();
  }

  onStreamDestroyed(streamId: string, _connectionId: string, reason: DisconnectReason): void {
    const stream = this.#registry.remove(streamId, reason);
    this.#pruneHeld();
    if (stream) this.#links.get(stream.identity)?.onRemoteStreamChanged();
  }

  onStreamPropertyChanged(
    streamId: string,
    property: 'audioActive' | 'videoActive' | 'videoDimensions',
    value: boolean | { width: number; height: number },
  ): void {
    const stream = this.#registry.setProperty(streamId, property, value);
    if (stream) this.#links.get(stream.identity)?.onRemoteStreamChanged();
  }

  onMediaMessage(fromConnectionId: string, fromIdentity: string, link: LinkRef, payload: MediaPayload): void {
    if (this.#closed || fromIdentity === this.#host.identity) return;
    const target = this.#links.get(fromIdentity) ?? this.#openLink(fromIdentity, fromConnectionId);
    target.onMessage(fromConnectionId, link, payload);
  }

  onRejoining(cause: DisconnectReason): void {
    this.#host.log('info', 'media held for the re-join', { links: this.#links.size, cause });
    this.#heldCause = cause;
    this.#heldAt = this.#host.clock.now();
    for (const streamId of [...this.#registry.streams.keys()]) {
      this.#held.add(streamId);
      this.#registry.setHealth(streamId, 'recovering');
    }
  }

  releaseHeld(): void {
    this.#releaseHeldWhere(() => true);
  }

  #releaseHeldWhere(predicate: (stream: RemoteStream) => boolean): void {
    this.#registry.removeWhere((s) => this.#held.has(s.streamId) && predicate(s), this.#heldCause);
    this.#pruneHeld();
  }

  /** Forgets held ids of streams no longer known. */
  #pruneHeld(): void {
    for (const streamId of [...this.#held])
      if (!this.#registry.streams.has(streamId)) this.#held.delete(streamId);
  }

  onSignalingLost(): void {
    this.#host.log('info', 'media kept', { links: this.#links.size });
  }

  onSignalingRestored(info: { downtimeMs: number; addressChanged?: boolean }): void {
    const force = this.#host.settings.forceMediaReconnectionAfterNetworkDrop;
    this.#host.log('info', 'media check', { ...info, force });
    const handoffAt = this.#host.clock.now();
    // The path may be back too: links stop holding for it until a probe from now on says otherwise.
    this.#pathMonitor.kick();
    for (const link of this.#links.values())
      link.onSignalingRestored(force, info.downtimeMs, info.addressChanged ?? false);
    if (info.addressChanged) void this.#watchNewAddress(handoffAt);
  }

  /**
   * After a handoff the links get fresh peers at once, but the browser may learn of its new address only
   * later. Chromium's fresh peers gather it by themselves; a link whose peer predates the handoff (or a
   * browser that does not gather continually) gets a fresh peer as soon as the new address shows
   * (rather than after its repair's budget, or ICE's timeout).
   */
  async #watchNewAddress(handoffAt: number): Promise<void> {
    if (this.#watchingAddress) return;
    this.#watchingAddress = true;
    try {
      const links = [...this.#links.values()];
      const known = new Set((await Promise.all(links.map((link) => link.localAddresses()))).flat());
      if (known.size === 0 || this.#closed) return;
      const outcome = await watchForNewAddress({
        clock: this.#host.clock,
        probe: this.#addressProbe,
        known,
        stopped: () => this.#closed,
      });
      this.#host.log('info', 'local address after the handoff', { outcome });
      if (outcome === 'late') for (const link of this.#links.values()) link.onLocalAddressAppeared(handoffAt);
    } finally {
      this.#watchingAddress = false;
    }
  }

  onNetworkChanged(): void {
    this.#host.log('info', 'network changed', {});
    this.#pathMonitor.kick();
    for (const link of this.#links.values()) link.checkFlow('network changed');
  }

  async publish(options: PublishOptions = {}): Promise<LocalStream> {
    if (this.#local) await this.unpublish();
    const mediaStream = await acquireLocalMedia(options);
    applyEnabled(mediaStream, options);
    const local: LocalStream = {
      streamId: `st_${randomBase36(this.#host.random, 16)}`,
      mediaStream,
      properties: describeLocalMedia(mediaStream, options),
      options: { ...options },
    };
    this.#local = local;
    for (const track of mediaStream.getTracks()) this.#watchTrack(local.streamId, track);
    this.#host.emit('localStreamChanged', { stream: local });
    try {
      await this.#host.announcePublish(local.streamId, local.properties);
    } catch (error) {
      // Refused (e.g. a subscriber may not publish): release the camera again.
      if (this.#local === local) {
        this.#local = null;
        stopLocalMedia(mediaStream);
        this.#host.emit('localStreamChanged', { stream: null });
      }
      throw error;
    }
    if (this.#local !== local) return local;
    for (const link of this.#links.values()) link.setLocalStream(mediaStream, null);
    return local;
  }

  async unpublish(): Promise<void> {
    const local = this.#local;
    if (!local) return;
    this.#local = null;
    for (const link of this.#links.values()) link.setLocalStream(null, local.mediaStream);
    this.#endLocal(local, 'disconnect');
    if (this.#host.isSignalingUp()) await this.#host.announceUnpublish(local.streamId);
  }

  setMediaEnabled(kind: 'audio' | 'video', enabled: boolean): void {
    const local = this.#local;
    if (!local) return;
    const flag = kind === 'audio' ? 'publishAudio' : 'publishVideo';
    if (enabled && !hasLiveTrack(local.mediaStream, kind)) {
      // Ended (the device went away): open it again. Never opened (no such device when published):
      // publish again with it, a new stream (a stream cannot gain a kind it was announced without).
      if (local.options.mediaStream)
        this.#host.log('warn', 'holdfast cannot open a device for a stream the app gave: publish a new one', {
          kind,
        });
      else if (hasTrack(local.mediaStream, kind)) void this.#reopen(local.streamId, kind);
      else
        void this.publish({ ...local.options, [flag]: true }).catch((error: unknown) =>
          this.#host.log('warn', 'publishing again failed', { kind, error: String(error) }),
        );
      return;
    }
    for (const track of local.mediaStream.getTracks()) if (track.kind === kind) track.enabled = enabled;
    this.#setActive(local, kind, enabled, { ...local.options, [flag]: enabled });
  }

  /** Records `kind` of the local stream as sending or not (with `options`), tells this page and the others. */
  #setActive(local: LocalStream, kind: 'audio' | 'video', active: boolean, options = local.options): void {
    const property = `${kind}Active` as const;
    this.#local = { ...local, properties: { ...local.properties, [property]: active }, options };
    this.#host.emit('localStreamChanged', { stream: this.#local });
    void this.#host.announceProperty(local.streamId, property, active).catch(() => {});
  }

  /** Calls {@link #trackEnded} when `track` of the local stream `streamId` ends by itself. */
  #watchTrack(streamId: string, track: MediaStreamTrack): void {
    track.addEventListener?.('ended', () => this.#trackEnded(streamId, track.kind), { once: true });
  }

  /**
   * The device behind a local track went away (unplugged, taken by another app, permission revoked):
   * `ended` fires only then, never on `stop()`. Others see that kind off (`muted`, not frozen, so no
   * repair chases it), and `setMediaEnabled(kind, true)` opens the device again.
   */
  #trackEnded(streamId: string, kind: string): void {
    const local = this.#local;
    if (!local || local.streamId !== streamId || (kind !== 'audio' && kind !== 'video')) return;
    if (hasLiveTrack(local.mediaStream, kind)) return;
    this.#host.log('warn', 'local track ended: the device went away', { kind });
    // The user's choice (`options`) stays: turning it on again opens the device.
    if (local.properties[`${kind}Active`]) this.#setActive(local, kind, false);
  }

  /**
   * Opens the camera (or microphone) again after its track ended, and sends the new track in place of
   * the old one on every link (same stream id, no renegotiation). Not for a stream the app gave.
   */
  async #reopen(streamId: string, kind: 'audio' | 'video'): Promise<void> {
    const options = this.#local?.options ?? {};
    let opened: MediaStream;
    try {
      opened = await acquireLocalMedia({
        audio: kind === 'audio' ? (options.audio ?? true) : false,
        video: kind === 'video' ? (options.video ?? true) : false,
      });
    } catch (error) {
      this.#host.log('warn', 'reopening the device failed', { kind, error: String(error) });
      return;
    }
    const local = this.#local;
    const track = opened.getTracks().find((t) => t.kind === kind);
    if (!local || local.streamId !== streamId || !track || hasLiveTrack(local.mediaStream, kind)) {
      stopLocalMedia(opened);
      return;
    }
    const previous = local.mediaStream.getTracks().filter((t) => t.kind === kind);
    for (const ended of previous) local.mediaStream.removeTrack(ended);
    local.mediaStream.addTrack(track);
    for (const ended of previous)
      for (const link of this.#links.values()) link.replaceLocalTrack(ended, track, local.mediaStream);
    this.#watchTrack(streamId, track);
    this.#host.log('info', 'device reopened', { kind });
    this.setMediaEnabled(kind, true);
  }

  close(reason: DisconnectReason): void {
    this.#closed = true;
    this.#pathMonitor.stop();
    for (const [identity, link] of [...this.#links]) this.#closeLink(identity, link);
    this.#held.clear();
    this.#registry.clear(reason);
    if (this.#local) {
      const local = this.#local;
      this.#local = null;
      this.#endLocal(local, reason);
    }
  }

  /** Stops the camera and microphone of a stream no longer published, and reports it gone. */
  #endLocal(local: LocalStream, reason: DisconnectReason): void {
    stopLocalMedia(local.mediaStream);
    this.#host.emit('streamDestroyed', { stream: local, reason, isLocal: true });
    this.#host.emit('localStreamChanged', { stream: null });
  }

  destroy(): void {
    this.close('disconnect');
  }

  #openLink(identity: string, connectionId: string): MediaLink {
    const last = this.#generations.get(identity);
    const link = new MediaLink(this.#ctx, {
      identity,
      linkId: linkIdFor(this.#host.identity, identity),
      initiator: isInitiator(this.#host.identity, identity),
      connectionId,
      gen: last === undefined ? 0 : last + 1,
    });
    this.#links.set(identity, link);
    link.start();
    link.onRemoteStreamChanged();
    return link;
  }

  #closeLink(identity: string, link: MediaLink): void {
    link.close();
    if (this.#links.get(identity) === link) this.#links.delete(identity);
    this.#pathMonitor.reconsider();
  }

  #iceConfiguration(): RTCConfiguration {
    const { iceServers, iceTransportPolicy } = this.#host.settings;
    return {
      iceServers: iceServers ?? this.#ice?.iceServers ?? [],
      iceTransportPolicy: iceTransportPolicy ?? this.#ice?.iceTransportPolicy ?? 'all',
    };
  }
}

/** Builds a mesh media plane factory with non-default parts (tests, benchmarks). */
export function createMeshMediaPlaneWith(options: MeshMediaPlaneOptions = {}): MediaPlaneFactory {
  return (host) => new MeshMediaPlane(host, options);
}

/**
 * Builds the mesh media plane for a session: one self-healing media link per remote participant.
 *
 * @example
 * ```ts
 * const plane = createMeshMediaPlane(host); // the session does this; apps never need to
 * ```
 */
export const createMeshMediaPlane: MediaPlaneFactory = createMeshMediaPlaneWith();

/** True when `stream` has a `kind` track (live or ended). */
function hasTrack(stream: MediaStream, kind: 'audio' | 'video'): boolean {
  return stream.getTracks().some((t) => t.kind === kind);
}

/** True when `stream` has a `kind` track still live. */
function hasLiveTrack(stream: MediaStream, kind: 'audio' | 'video'): boolean {
  return stream.getTracks().some((t) => t.kind === kind && t.readyState !== 'ended');
}
