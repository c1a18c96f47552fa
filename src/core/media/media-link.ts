import type { LinkRef, MediaPayload } from '../../protocol';
import { clearTimer, type TimerHandle } from '../clock';
import type { ExceptionName } from '../session/events';
import { FrozenDetector } from './frozen-detector';
import { IceWatchdog, type TransportState } from './ice-watchdog';
import { LinkRepairer } from './link-repairer';
import { readLinkStats } from './link-stats';
import type { MediaHost } from './media-plane';
import { PeerLink } from './peer-link';
import type { RepairPolicy, RepairStep } from './repair-policy';
import type { SimplePeerFactory } from './simple-peer-like';
import type { RemoteStream, StreamHealth } from './types';

/** `reset` reasons on the wire (the `reason` field of the `reset` media payload). */
export const RESET_REASON = {
  /** From the offerer, at a new generation: "I built a fresh peer; build yours". */
  newPeer: 'new-peer',
  /** From the answerer, at the current generation: "please repair this link". */
  repair: 'repair',
  /** From the answerer, at the current generation: "please build a fresh peer". */
  renew: 'renew',
  /**
   * From the answerer: "this link carries nothing while ICE says connected, and my own path answers".
   * With the same evidence on the offering side (its path answers too, the link is silent), neither end
   * is cut off: the relay lost the allocation (a TURN restart) or a path moved, and ICE would notice
   * only after seconds. The offerer restarts ICE at once.
   */
  pathOk: 'path-ok',
} as const;

/** What a link needs from its media plane. */
export interface MediaLinkContext {
  readonly host: MediaHost;
  /** This session instance's incarnation id, sent on every link message. */
  readonly incarnation: string;
  readonly policy: RepairPolicy;
  readonly createPeer: SimplePeerFactory;
  /** Extra time for the first frame of a new stream or peer. */
  readonly startupMs: number;
  iceConfiguration(): RTCConfiguration;
  localStream(): MediaStream | null;
  localStreamId(): string | undefined;
  /** The stream the remote participant publishes, if known. */
  remoteStream(identity: string): RemoteStream | undefined;
  /** The remote media (or its health) changed. */
  onRemoteMedia(identity: string, mediaStream: MediaStream): void;
  onHealth(identity: string, health: StreamHealth): void;
  /** The link moved to generation `gen` (the plane remembers it past the link's life). */
  onGeneration(identity: string, gen: number): void;
  /** This link broke (or its media froze on a silent path): watch this page's own path. */
  onSuspect(): void;
  /** Whether this page's own path answers a probe launched from `since` on (none failed since). */
  checkPath(since: number): Promise<boolean>;
}

/** After evidence of a network change (signaling back, `online`), how long a link gets to show traffic. */
export const FLOW_CHECK_MS = 400;
/** A signaling outage at most this long, then back, counts as evidence of a network change. */
export const QUICK_RECONNECT_MS = 2_000;
/** How recent both ends' "silent but my path answers" evidence must be to restart ICE at once. */
export const PATH_OK_AGREE_MS = 10_000;

/** After this page's path answers again, how long ICE gets to heal by itself before a repair. */
export const PATH_BACK_GRACE_MS = 400;

/**
 * After a link heals by itself (ICE back on the same path, no repair), how long a new stall still counts
 * as the sender catching up: its bandwidth estimate and encoder wound down during the outage, and its
 * first frames may be followed by a gap. Such a stall is reported as `frozen` at once, but repaired only
 * if it lasts one more `frozenAfterMs`; frames rising meanwhile leave the link untouched.
 */
export const HEALED_SETTLE_MS = 5_000;
/** Repairs of a stall on a working path before it is taken for the sender's own source stalling. */
export const MAX_FRUITLESS_REPAIRS = 2;
/** Attempts of one such repair by the offering side: an ICE restart, then a fresh peer. */
export const STALL_REPAIR_ATTEMPTS = 2;
/** Frames received without one decoded that mark a receiver as wedged, during a repair or up to {@link HEALED_SETTLE_MS} after. */
export const STALLED_FRAMES = 6;

/**
 * The media link with one remote participant, keyed by identity, across peer generations. Owns the
 * current simple-peer peer, the ICE watchdog, the frozen detector of the remote stream, and the repairs.
 * Negotiation messages carry `{ linkId, gen }`; older generations are dropped, never fed to a newer peer.
 */
export class MediaLink {
  readonly identity: string;
  readonly linkId: string;
  readonly initiator: boolean;
  readonly #ctx: MediaLinkContext;
  readonly #detector: FrozenDetector;
  readonly #repairer: LinkRepairer;
  #remoteConnectionId: string;
  #gen: number;
  #peer: PeerLink | null = null;
  #watchdog: IceWatchdog | null = null;
  #remoteMedia: MediaStream | null = null;
  #statsTimer: TimerHandle | null = null;
  #deadTimer: TimerHandle | null = null;
  #pathBackTimer: TimerHandle | null = null;
  #flowTimer: TimerHandle | null = null;
  /** The link carries nothing while ICE says connected (since when), and this side's path check on it. */
  #silentSince: number | null = null;
  #peerBuiltAt = Number.NEGATIVE_INFINITY;
  #ownPathOkAt = Number.NEGATIVE_INFINITY;
  #remotePathOkAt = Number.NEGATIVE_INFINITY;
  #transportBytes = 0;
  /** Video frames received when frames last decoded (a new receiver's lower count resets it). */
  #framesAtRise = 0;
  /** When a repair of this link (by either side) last started or ended. */
  #repairedAt = Number.NEGATIVE_INFINITY;
  #transportMovedAt = Number.NEGATIVE_INFINITY;
  /** When the transport last came back by itself (no repair from either side). */
  #healedAt = Number.NEGATIVE_INFINITY;
  /** A stall soon after such a heal: repaired at this time if the stream is still frozen. */
  #frozenRepairAt: number | null = null;
  /** Frames rose while the stream stayed frozen (not steady): the next stall is a new one. */
  #strayRise = false;
  /** Repairs of stalls on a working path since the stream was last steadily live. */
  #fruitlessRepairs = 0;
  /** The remote re-joined under a new connection: its next offer/new peer is taken at any generation. */
  #adoptNext = false;
  /** The remote's incarnation, once a message told it (forgotten when it joins under a new connection). */
  #remoteInc: string | undefined;
  /** Connections of the remote that a newer one replaced: their late messages are dropped. */
  readonly #pastConnections = new Set<string>();
  #remoteStreamId: string | null = null;
  /** (Answering side) the offerer is repairing the link: shown as `recovering` until media flows. */
  #remoteRepair: { since: number; timer: TimerHandle } | null = null;
  #closed = false;

  constructor(
    ctx: MediaLinkContext,
    init: { identity: string; linkId: string; initiator: boolean; connectionId: string; gen: number },
  ) {
    this.#ctx = ctx;
    this.identity = init.identity;
    this.linkId = init.linkId;
    this.initiator = init.initiator;
    this.#remoteConnectionId = init.connectionId;
    this.#gen = init.gen;
    const { settings, clock } = ctx.host;
    this.#detector = new FrozenDetector(clock.now(), {
      frozenAfterMs: settings.frozenAfterMs,
      startupMs: ctx.startupMs,
    });
    this.#repairer = new LinkRepairer(clock, ctx.policy, {
      context: (renew) => ({ offerer: this.initiator, peerAlive: this.#peer?.alive ?? false, renew }),
      whenSignalingUp: (signal) => ctx.host.whenSignalingUp(signal),
      runStep: (step, attempt) => this.#runStep(step, attempt),
      isHealthy: (since) => this.#isHealthy(since),
      onRepairingChanged: () => this.#updateRepairing(),
      onFinished: (outcome, attempts) =>
        this.#log(outcome === 'healthy' ? 'info' : 'warn', 'repair ended', { outcome, attempts }),
    });
  }

  get remoteConnectionId(): string {
    return this.#remoteConnectionId;
  }

  get health(): StreamHealth {
    return this.#detector.health;
  }

  /** The remote participant's media as received (tracks swapped in place across repairs). */
  get remoteMedia(): MediaStream | null {
    return this.#remoteMedia;
  }

  get transportState(): TransportState {
    if (!this.#peer?.alive) return 'closed';
    return this.#watchdog?.state ?? 'new';
  }

  /** True while the link is broken or its media frozen (the path monitor keeps probing). */
  get needsPath(): boolean {
    return !this.#closed && (isDown(this.transportState) || this.#troubled || this.#silentSince !== null);
  }

  /**
   * Evidence that this page's network changed (signaling came back, the browser's `online`): a link that
   * ICE still calls connected but that receives nothing for {@link FLOW_CHECK_MS} sits on a path that is
   * gone (an address change, a Wi-Fi → cellular handoff): repair it now, not after ICE notices (~5.5 s)
   * and the disconnected timeout. A link still carrying traffic is left alone.
   */
  checkFlow(why: string): void {
    const peer = this.#peer;
    if (this.#closed || this.#flowTimer !== null || !peer?.alive || !this.#expectsTraffic) return;
    if (this.transportState !== 'connected') return;
    const before = peer.stats();
    this.#flowTimer = this.#ctx.host.clock.setTimeout(() => {
      void Promise.all([before, peer.stats()]).then(([a, b]) => {
        this.#flowTimer = null;
        if (this.#closed || peer !== this.#peer || !a || !b) return;
        const moved = readLinkStats(b).transportBytesReceived > readLinkStats(a).transportBytesReceived;
        this.#log('info', 'flow check', { why, moved });
        if (!moved) this.#repairer.request();
      });
    }, FLOW_CHECK_MS);
  }

  /**
   * This page's path answers again after being down. A link ICE has not healed shortly after was left
   * on a dead relay allocation (a new path): repair it now rather than after the disconnected timeout.
   */
  onPathBack(): void {
    if (this.#closed) return;
    const { clock } = this.#ctx.host;
    if (this.#pathBackTimer !== null) return;
    const peer = this.#peer;
    const before = this.#pathActivity(peer);
    this.#pathBackTimer = clock.setTimeout(() => {
      void this.#repairIfNotHealing(peer, before).finally(() => {
        this.#pathBackTimer = null;
      });
    }, PATH_BACK_GRACE_MS);
  }

  /**
   * The grace after this page's path came back is over: repair the link if it is still broken (down, or
   * its stream frozen before ICE noticed), unless the other side's ICE checks (or bytes) reach it again.
   * Then its relay allocation survived (the same path) and ICE is healing by itself; the watchdog's
   * timeout stays the backstop.
   */
  async #repairIfNotHealing(peer: PeerLink | null, before: Promise<number | null>): Promise<void> {
    const was = await before;
    const now = await this.#pathActivity(peer);
    const state = this.transportState;
    if (this.#closed || peer !== this.#peer) return;
    // Frozen while ICE still says connected: it has not noticed the outage yet, and on a new path it
    // would notice only to wait out the disconnected timeout.
    if (!isDown(state) && !this.#troubled) return;
    const healing = was !== null && now !== null && now > was;
    this.#log('info', 'path back', { state, healing });
    if (!healing) this.#repairer.request();
  }

  /** ICE checks and bytes the link has received so far (null without a peer or stats). */
  async #pathActivity(peer: PeerLink | null): Promise<number | null> {
    const report = await peer?.stats();
    if (!report) return null;
    const stats = readLinkStats(report);
    return stats.iceChecksReceived + stats.transportBytesReceived;
  }

  /** Builds the first peer (the offerer sends its offer at once). */
  start(): void {
    this.#rebuild(this.#gen, 'start');
    this.#scheduleStats(0);
  }

  /** A negotiation or control message for this link from the other side. */
  onMessage(fromConnectionId: string, ref: LinkRef, payload: MediaPayload): void {
    if (this.#closed || ref.linkId !== this.linkId || this.#pastConnections.has(fromConnectionId)) return;
    const freshPeer =
      payload.type === 'offer' || (payload.type === 'reset' && payload.reason === RESET_REASON.newPeer);
    if (ref.inc !== undefined && ref.inc !== this.#remoteInc) {
      this.#onIncarnation(fromConnectionId, ref, payload);
      return;
    }
    if (fromConnectionId !== this.#remoteConnectionId || this.#adoptNext) {
      if (freshPeer) {
        // The participant re-joined under a new connection: its generations start over.
        this.#remoteConnectionId = fromConnectionId;
        this.#adoptNext = false;
        this.#rebuild(ref.gen, 'remote re-joined');
        if (payload.type === 'offer') this.#peer?.signal(payload);
        return;
      }
      if (fromConnectionId !== this.#remoteConnectionId) return;
    }
    if (ref.gen < this.#gen) {
      this.#log('debug', 'stale message dropped', { stale: ref.gen, type: payload.type });
      return;
    }
    if (!this.initiator && freshPeer) this.#noteRemoteRepair();
    if (ref.gen > this.#gen) {
      if (!freshPeer) return;
      this.#rebuild(ref.gen, 'remote new peer');
      if (payload.type === 'offer') this.#peer?.signal(payload);
      return;
    }
    if (payload.type === 'reset') {
      if (!this.initiator) return;
      if (payload.reason === RESET_REASON.repair) this.#repairer.request();
      else if (payload.reason === RESET_REASON.renew) this.#repairer.request({ renew: true });
      else if (payload.reason === RESET_REASON.pathOk) {
        this.#remotePathOkAt = this.#ctx.host.clock.now();
        this.#repairIfBothPathsOk();
      }
      return;
    }
    if (this.#peer?.alive) this.#peer.signal(payload);
    else if (!this.initiator && payload.type === 'offer') this.#repairer.request({ renew: true });
  }

  /**
   * The first message of a remote incarnation: on a new link, or from a page that replaced the one this
   * link served (reload, leave and come back, a new provider, another tab). Its generations start over,
   * so its messages are taken at their generation, never dropped as stale; a link that served another
   * incarnation starts over with a fresh peer.
   */
  #onIncarnation(fromConnectionId: string, ref: LinkRef, payload: MediaPayload): void {
    const known = this.#remoteInc;
    this.#remoteInc = ref.inc;
    if (fromConnectionId !== this.#remoteConnectionId) this.#replaceConnection(fromConnectionId);
    this.#adoptNext = false;
    if (this.initiator) {
      // The answering side speaks only to a peer it has: one from this side's former partner is gone.
      if (known !== undefined) this.#renew('remote restarted', Math.max(this.#gen, ref.gen) + 1);
      else if (ref.gen === this.#gen) this.onMessage(fromConnectionId, ref, payload);
      else if (ref.gen > this.#gen || !this.#peer?.alive) this.#renew('remote restarted', ref.gen + 1);
      return;
    }
    // Answering side: the offerer's generation rules; its offer (or its candidates, queued by the
    // peer until the offer) go to a peer built for it. A first contact at this side's own generation
    // goes to the peer already waiting for it.
    if (known === undefined && ref.gen === this.#gen && this.#peer?.alive) {
      this.onMessage(fromConnectionId, ref, payload);
      return;
    }
    this.#rebuild(ref.gen, known === undefined ? 'remote first message' : 'remote restarted');
    if (payload.type !== 'reset') this.#peer?.signal(payload);
  }

  #replaceConnection(connectionId: string): void {
    this.#pastConnections.add(this.#remoteConnectionId);
    this.#remoteConnectionId = connectionId;
  }

  /** The remote participant re-joined under `connectionId` (same identity). */
  onRemoteReplaced(connectionId: string): void {
    if (this.#closed || connectionId === this.#remoteConnectionId) return;
    this.#replaceConnection(connectionId);
    // It may be another page (a new incarnation): its first message says.
    this.#remoteInc = undefined;
    if (this.initiator) this.#renew('remote re-joined');
    else this.#adoptNext = true;
  }

  /** The local stream was published (or replaced) or unpublished. */
  setLocalStream(next: MediaStream | null, previous: MediaStream | null): void {
    if (!this.#peer) return;
    if (previous && previous !== next) this.#peer.removeStream(previous);
    if (next && next !== previous) this.#peer.addStream(next);
  }

  /** The remote participant's stream appeared, changed or went away. */
  onRemoteStreamChanged(): void {
    const stream = this.#ctx.remoteStream(this.identity);
    if (!stream) {
      this.#remoteStreamId = null;
      return;
    }
    const now = this.#ctx.host.clock.now();
    if (stream.streamId !== this.#remoteStreamId) {
      // A new stream: its first frame is due from now, not from when the link was built.
      this.#remoteStreamId = stream.streamId;
      this.#detector.restart(now);
    }
    this.#setHealth(this.#detector.setActive(isActive(stream), now));
  }

  /**
   * Signaling is back after a drop: repair this link if it is broken or frozen (or always, if forced).
   * A link whose transport went down with the drop gets a fresh peer rather than an ICE restart: after
   * such an outage an ICE-restarted sender often takes seconds to send a decodable frame again (its
   * encoder and bandwidth estimate wound down on the dead path), while a fresh peer starts clean. On
   * this machine (S2, 9 s, new path, 10 trials × 4 streams): ICE restart p50 786 / p95 3068 ms to the
   * first decoded frame, fresh peer p50 859 / p95 1118 ms.
   */
  onSignalingRestored(force: boolean, downtimeMs: number, addressChanged = false): void {
    if (this.#closed) return;
    if (force || isDown(this.transportState)) {
      this.#repairer.request({ renew: true });
      return;
    }
    // Back from another address (a handoff): the path this link used is gone, whatever ICE says yet.
    if (this.transportState !== 'connected' || this.#troubled || this.#repairer.running || addressChanged)
      this.#repairer.request();
    // A quick reconnect is the mark of a network change (the old socket died at once, a new one
    // connected); after a longer outage the path-back check (M2) judges, and ICE on the same path may
    // still be healing.
    else if (downtimeMs <= QUICK_RECONNECT_MS) this.checkFlow('signaling back');
  }

  /** Tears the link down for good: peer, connection, timers, listeners. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#repairer.cancel();
    this.#endRemoteRepair();
    this.#pathBackTimer = clearTimer(this.#ctx.host.clock, this.#pathBackTimer);
    this.#flowTimer = clearTimer(this.#ctx.host.clock, this.#flowTimer);
    this.#dropPeer();
    this.#statsTimer = clearTimer(this.#ctx.host.clock, this.#statsTimer);
    if (this.#remoteMedia) for (const track of this.#remoteMedia.getTracks()) track.stop();
  }

  // --- peers --------------------------------------------------------------------------------------

  #rebuild(gen: number, why: string): void {
    const { host } = this.#ctx;
    this.#dropPeer();
    this.#gen = gen;
    this.#ctx.onGeneration(this.identity, gen);
    this.#log('info', 'peer built', { why, initiator: this.initiator });
    const watchdog = new IceWatchdog(host.clock, host.settings.iceConnectionDisconnectedExceptionTimeout, {
      onException: (name) => this.#exception(name),
      onRepairNeeded: (cause) => {
        this.#log('info', 'needs repair', { cause });
        this.#repairer.request();
      },
    });
    this.#watchdog = watchdog;
    const peer: PeerLink = new PeerLink({
      initiator: this.initiator,
      config: this.#ctx.iceConfiguration(),
      localStream: this.#ctx.localStream(),
      createPeer: this.#ctx.createPeer,
      events: {
        onSignal: (payload) => {
          if (this.#peer === peer) this.#send(payload);
        },
        onTrack: (track) => {
          if (this.#peer === peer) this.#addRemoteTrack(track);
        },
        onTransport: (ice, connection) => {
          if (this.#peer !== peer) return;
          const before = watchdog.state;
          watchdog.update(ice, connection);
          if (watchdog.state === 'connected' && before !== 'connected' && peer.everConnected) {
            if (!this.#repairer.running && !this.#remoteRepair) this.#healedAt = host.clock.now();
            // Back after an outage (healed, or ICE restarted): video senders start over with a key frame,
            // by pausing and resuming their encodings. After an outage the receiver holds only frames that
            // depend on lost ones and may wait seconds before asking for a key frame itself.
            void peer.setVideoActive(false).then(() => peer.setVideoActive(true));
          } else if (before === 'connected' && isDown(watchdog.state)) {
            // Down: video pauses, so nothing is encoded into the dead path (and retransmitted late, ahead
            // of the new key frame, once the path is back). The refresh above resumes it.
            void peer.setVideoActive(false);
          }
          if (watchdog.state === 'connected') peer.everConnected = true;
          if (this.needsPath) this.#ctx.onSuspect();
          this.#repairer.check();
        },
        onDead: (reason) => {
          if (this.#peer === peer) this.#onPeerDead(reason);
        },
      },
    });
    this.#peer = peer;
    this.#detector.restart(host.clock.now());
    this.#transportBytes = 0;
    this.#peerBuiltAt = host.clock.now();
    this.#silentSince = null;
    this.#healedAt = Number.NEGATIVE_INFINITY;
    this.#frozenRepairAt = null;
  }

  #dropPeer(): void {
    this.#watchdog?.dispose();
    this.#watchdog = null;
    this.#peer?.close();
    this.#peer = null;
    this.#deadTimer = clearTimer(this.#ctx.host.clock, this.#deadTimer);
  }

  /** Offerer: a fresh peer under the next generation (or `gen`); the answerer is told first. */
  #renew(why: string, gen = this.#gen + 1): void {
    this.#send({ type: 'reset', reason: RESET_REASON.newPeer }, gen);
    this.#rebuild(gen, why);
  }

  #onPeerDead(reason: string): void {
    const { host } = this.#ctx;
    this.#ctx.onSuspect();
    this.#log('info', 'peer died', { reason });
    this.#repairer.check();
    if (this.#watchdog?.state === 'failed') return; // the watchdog already asked for a repair
    // The other side may be leaving (its departure is on the way): give it a moment first.
    if (this.#deadTimer !== null) return;
    this.#deadTimer = host.clock.setTimeout(() => {
      this.#deadTimer = null;
      if (!this.#closed && !this.#peer?.alive) this.#repairer.request();
    }, 1000);
  }

  #runStep(step: RepairStep, attempt: number): void {
    this.#log('info', 'repair step', { step, attempt });
    switch (step) {
      case 'iceRestart':
        if (!this.#peer?.restartIce()) this.#renew('no ice restart');
        break;
      case 'newPeer':
        this.#renew('repair');
        break;
      case 'requestRepair':
        this.#send({ type: 'reset', reason: RESET_REASON.repair });
        break;
      case 'requestNewPeer':
        this.#send({ type: 'reset', reason: RESET_REASON.renew });
        break;
    }
  }

  #isHealthy(since: number): boolean {
    if (this.transportState !== 'connected') return false;
    const stream = this.#ctx.remoteStream(this.identity);
    return !stream || !isActive(stream) || this.#detector.lastRiseAt >= since;
  }

  #send(payload: MediaPayload, gen = this.#gen): void {
    const ref = { linkId: this.linkId, gen, inc: this.#ctx.incarnation };
    this.#ctx.host.sendMedia(this.#remoteConnectionId, ref, payload);
  }

  /** Logs with the link's identity and current generation. */
  #log(level: 'debug' | 'info' | 'warn', message: string, fields: Record<string, unknown> = {}): void {
    this.#ctx.host.log(level, `media link: ${message}`, {
      identity: this.identity,
      gen: this.#gen,
      ...fields,
    });
  }

  /** The remote media is frozen or being repaired. */
  get #troubled(): boolean {
    return this.health === 'frozen' || this.health === 'recovering';
  }

  #exception(name: ExceptionName): void {
    const stream = this.#ctx.remoteStream(this.identity);
    const streamId = stream?.streamId ?? this.#ctx.localStreamId();
    this.#ctx.host.emit('exception', {
      name,
      message: `${name} on the media link with ${this.identity}`,
      origin: {
        ...(streamId !== undefined ? { streamId } : {}),
        connectionId: this.#remoteConnectionId,
        identity: this.identity,
      },
    });
  }

  /** Media flows one way or the other on this link, so its transport should receive packets (media or RTCP). */
  get #expectsTraffic(): boolean {
    const stream = this.#ctx.remoteStream(this.identity);
    return (stream !== undefined && isActive(stream)) || this.#ctx.localStream() !== null;
  }

  /**
   * A link that ICE calls connected but that has received nothing for two stats intervals is silent.
   * This side then checks its own path; if it answers, that is half the evidence that neither end is cut
   * off (see {@link RESET_REASON.pathOk}).
   */
  #watchSilence(now: number, intervalMs: number): void {
    // Only a peer that has carried traffic can fall silent (not one still starting up).
    const silent =
      this.transportState === 'connected' &&
      (this.#peer?.everConnected ?? false) &&
      this.#transportMovedAt >= this.#peerBuiltAt &&
      this.#expectsTraffic &&
      now - this.#transportMovedAt > 2 * intervalMs;
    if (!silent) {
      this.#silentSince = null;
      return;
    }
    if (this.#silentSince !== null) return;
    const since = now;
    this.#silentSince = since;
    const peer = this.#peer;
    void this.#ctx.checkPath(since).then((ok) => {
      if (this.#closed || peer !== this.#peer || this.#silentSince !== since) return;
      this.#log('info', 'silent link: own path', { ok });
      if (!ok) return;
      this.#ownPathOkAt = this.#ctx.host.clock.now();
      if (this.initiator) this.#repairIfBothPathsOk();
      else this.#send({ type: 'reset', reason: RESET_REASON.pathOk });
    });
  }

  /** Offerer: both ends are silent with working paths of their own, recently: restart ICE now. */
  #repairIfBothPathsOk(): void {
    const now = this.#ctx.host.clock.now();
    const agreed =
      this.#silentSince !== null &&
      now - this.#ownPathOkAt <= PATH_OK_AGREE_MS &&
      now - this.#remotePathOkAt <= PATH_OK_AGREE_MS;
    if (!agreed) return;
    this.#log('info', 'both paths answer, link silent: repair');
    this.#ownPathOkAt = Number.NEGATIVE_INFINITY;
    this.#remotePathOkAt = Number.NEGATIVE_INFINITY;
    this.#repairer.request();
  }

  // --- remote media and health --------------------------------------------------------------------

  #addRemoteTrack(track: MediaStreamTrack): void {
    if (!this.#remoteMedia) this.#remoteMedia = new MediaStream();
    const media = this.#remoteMedia;
    for (const old of media.getTracks()) {
      if (old.kind === track.kind && old !== track) media.removeTrack(old);
    }
    if (!media.getTracks().includes(track)) media.addTrack(track);
    this.#ctx.onRemoteMedia(this.identity, media);
  }

  /**
   * An offer (ICE restart) or a fresh peer arrived from the offerer while this side's media is broken:
   * the offerer is repairing. Show it as `recovering` (until frames rise, or one fresh-peer budget).
   */
  #noteRemoteRepair(): void {
    // Only a link that was working and broke is being repaired (not one still being set up).
    const broken = this.health === 'frozen' || isDown(this.transportState);
    if (!broken || this.#remoteRepair) return;
    const { clock } = this.#ctx.host;
    const timer = clock.setTimeout(() => this.#endRemoteRepair(), this.#ctx.policy.newPeerBudgetMs);
    this.#remoteRepair = { since: clock.now(), timer };
    this.#updateRepairing();
  }

  #endRemoteRepair(): void {
    if (!this.#remoteRepair) return;
    this.#ctx.host.clock.clearTimeout(this.#remoteRepair.timer);
    this.#remoteRepair = null;
    this.#updateRepairing();
  }

  #updateRepairing(): void {
    if (this.#closed) return;
    this.#repairedAt = this.#ctx.host.clock.now();
    this.#setHealth(this.#detector.setRepairing(this.#repairer.running || this.#remoteRepair !== null));
  }

  #setHealth(health: StreamHealth): void {
    this.#ctx.onHealth(this.identity, health);
  }

  #scheduleStats(delay: number): void {
    if (this.#closed) return;
    const { clock } = this.#ctx.host;
    this.#statsTimer = clock.setTimeout(() => {
      this.#statsTimer = null;
      void this.#sample().finally(() => {
        const { statsIntervalMs } = this.#ctx.host.settings;
        const due = this.#detector.checkDueAt;
        const now = clock.now();
        const next = due !== null && due > now ? Math.min(statsIntervalMs, due - now + 5) : statsIntervalMs;
        this.#scheduleStats(next);
      });
    }, delay);
  }

  async #sample(): Promise<void> {
    const peer = this.#peer;
    if (!peer) return;
    const report = await peer.stats();
    if (!report || this.#closed || peer !== this.#peer) return;
    const { clock, settings } = this.#ctx.host;
    const now = clock.now();
    const videoTrack = this.#remoteMedia?.getVideoTracks()[0];
    const stats = readLinkStats(report, videoTrack?.id);
    if (stats.transportBytesReceived > this.#transportBytes) this.#transportMovedAt = now;
    this.#transportBytes = stats.transportBytesReceived;
    this.#watchSilence(now, settings.statsIntervalMs);
    const stream = this.#ctx.remoteStream(this.identity);
    if (!stream) return;
    const inbound = stream.hasVideo ? stats.video : stats.audio;
    const before = this.#detector.health;
    const health = this.#detector.observe({
      at: now,
      counter: inbound ? (stream.hasVideo ? inbound.framesDecoded : inbound.packetsReceived) : 0,
    });
    this.#setHealth(health);
    // During a repair or soon after, frames that arrive but do not decode mean a receiver Chromium left
    // wedged after the ICE restart (even after its first frame): only a fresh peer brings it back, so
    // build one now (skipping what is left of a running ICE restart).
    const received = stats.video?.framesReceived ?? 0;
    if (this.#detector.lastRiseAt === now || received < this.#framesAtRise) this.#framesAtRise = received;
    else if (
      received - this.#framesAtRise >= STALLED_FRAMES &&
      (this.#repairer.running || now - this.#repairedAt < HEALED_SETTLE_MS)
    ) {
      this.#framesAtRise = received;
      this.#repairer.request({ renew: true });
    }
    if (this.#repairer.running) this.#repairer.check();
    if (this.#remoteRepair && this.#isHealthy(this.#remoteRepair.since)) this.#endRemoteRepair();
    if (health !== 'frozen') this.#frozenRepairAt = null;
    if (health === 'live') this.#fruitlessRepairs = 0;
    const rose = this.#detector.lastRiseAt === now;
    if (health === 'frozen' && rose) this.#strayRise = true;
    // A stall, or frames that came and stopped again without ever decoding steadily.
    const stalled = health === 'frozen' && (before !== 'frozen' || (this.#strayRise && !rose));
    if (stalled) {
      this.#strayRise = false;
      this.#exception('MEDIA_FROZEN');
      // Frames stopped but the path still carries traffic: ICE will not notice, so repair now (or,
      // soon after the link healed by itself, once the sender had one more frozen period to catch up).
      // A silent path is the ICE watchdog's to judge (it may heal by itself).
      const pathAlive = now - this.#transportMovedAt <= 2 * settings.statsIntervalMs;
      if (this.transportState !== 'connected' || !pathAlive) this.#ctx.onSuspect();
      else if (now - this.#healedAt < HEALED_SETTLE_MS) {
        this.#frozenRepairAt = now + settings.frozenAfterMs;
        this.#log('info', 'frozen after healing: wait');
      } else this.#repairStall();
    } else if (health === 'frozen' && this.#frozenRepairAt !== null && now >= this.#frozenRepairAt) {
      // Frames rising again (the sender catching up) leave the link untouched while they keep coming.
      if (this.#detector.rising) this.#frozenRepairAt = now + settings.frozenAfterMs;
      else {
        this.#frozenRepairAt = null;
        if (this.transportState === 'connected') this.#repairStall();
      }
    }
  }

  /**
   * Repairs a stall on a path that still carries traffic, at most {@link MAX_FRUITLESS_REPAIRS} times
   * until the stream decodes steadily again: a sender whose own camera froze is not helped by new
   * peers (each brings one key frame, then nothing), so the stream stays `frozen`, truthfully, without
   * a peer connection every few seconds.
   */
  #repairStall(): void {
    if (this.#fruitlessRepairs >= MAX_FRUITLESS_REPAIRS) {
      this.#log('info', 'stall on a working path persists after repairs: the sender’s source, not repaired');
      return;
    }
    this.#fruitlessRepairs += 1;
    // The answering side reaches its request for a fresh peer one attempt later (see repairStep).
    this.#repairer.request({ maxAttempts: STALL_REPAIR_ATTEMPTS + (this.initiator ? 0 : 1) });
  }
}

/** The transport is down (not merely still connecting). */
function isDown(state: TransportState): boolean {
  return state === 'disconnected' || state === 'failed' || state === 'closed';
}

/** The remote stream is sending the media its health is judged on (video if it has any, else audio). */
function isActive(stream: RemoteStream): boolean {
  return stream.hasVideo ? stream.videoActive : stream.audioActive;
}
