import type { LinkRef, MediaPayload } from '../../protocol';
import { clearTimer, type TimerHandle } from '../clock';
import type { ExceptionName } from '../session/events';
import { FrozenDetector } from './frozen-detector';
import { IceWatchdog, type TransportState } from './ice-watchdog';
import {
  FRESH_LINK_MEMORY,
  flowsSince,
  type LinkAction,
  type LinkFacts,
  type LinkMemory,
  type LinkObservation,
  watchesPath,
} from './link-facts';
import {
  DEPARTURE_WAIT_MS,
  decide,
  FLOW_CHECK_MS,
  INCARNATION_CONFIRM_MS,
  PATH_BACK_GRACE_MS,
  RESET_REASON,
  repairHold,
} from './link-policy';
import { LinkRepairer } from './link-repairer';
import { type LinkStats, readLinkStats } from './link-stats';
import { localCandidateAddresses } from './local-addresses';
import type { MediaHost } from './media-plane';
import { PeerGeneration } from './peer-generation';
import type { RepairPolicy } from './repair-policy';
import type { SimplePeerFactory } from './simple-peer-like';
import type { RemoteStream, StreamHealth } from './types';

/** Kept here too for their earlier users. */
export { FLOW_CHECK_MS, RESET_REASON } from './link-policy';

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
  /** This page's own path is down now (see `LinkFacts.ownPathDown`). */
  pathDown(): boolean;
  /** The link read its stats (every stats interval, with or without a peer). */
  onSampled(): void;
}

/**
 * The media link with one remote participant, keyed by identity, across peer generations. Owns the
 * current simple-peer peer, the ICE watchdog, the frozen detector of the remote stream, and the repairs.
 * Negotiation messages carry `{ linkId, gen }`; older generations are dropped, never fed to a newer peer.
 * What to do about a fault is the link policy's to decide ({@link decide}); the link gathers the facts
 * and carries out the actions.
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
  #peer: PeerGeneration | null = null;
  #watchdog: IceWatchdog | null = null;
  #remoteMedia: MediaStream | null = null;
  #statsTimer: TimerHandle | null = null;
  #deadTimer: TimerHandle | null = null;
  #pathBackTimer: TimerHandle | null = null;
  #flowTimer: TimerHandle | null = null;
  #memory: LinkMemory = FRESH_LINK_MEMORY;
  #peerBuiltAt = Number.NEGATIVE_INFINITY;
  #connectedAt = Number.NEGATIVE_INFINITY;
  #transportBytes = 0;
  #transportMovedAt = Number.NEGATIVE_INFINITY;
  /** When the remote last spoke at the current generation. */
  #remoteHeardAt = Number.NEGATIVE_INFINITY;
  /** When a repair of this link (by either side) last started or ended. */
  #repairedAt = Number.NEGATIVE_INFINITY;
  /** The remote re-joined under a new connection: its next offer/new peer is taken at any generation. */
  #adoptNext = false;
  /**
   * The remote's incarnation, once a message told it. Kept when the remote joins under a new connection
   * (its word from there says whether it is still that page), forgotten when the link starts over.
   */
  #remoteInc: string | undefined;
  /** Waiting for the remote's word from its new connection (see the `confirmIncarnation` action). */
  #confirmTimer: TimerHandle | null = null;
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
      hold: (renew) => repairHold(this.#facts(), renew),
      onHold: (reason) => this.#log('info', 'repair holds', { reason }),
      runStep: (step, attempt) => {
        this.#log('info', 'repair step', { step, attempt });
        this.#act({ type: 'repairStep', step });
      },
      isHealthy: (since) => flowsSince(this.#facts(), since),
      onRepairingChanged: () => this.#updateRepairing(),
      onFinished: (outcome, attempts, bounded) => {
        this.#log(outcome === 'healthy' ? 'info' : 'warn', 'repair ended', { outcome, attempts });
        if (outcome === 'gaveUp' && !this.#closed) this.#act({ type: 'repairGaveUp', bounded });
      },
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

  /** True while the link is broken, its media frozen, or it is silent (the path monitor keeps probing). */
  get needsPath(): boolean {
    return !this.#closed && watchesPath(this.#facts());
  }

  /** Media flows on this link, with frames counted from readings taken at `since` or later. */
  flowingSince(since: number): boolean {
    return !this.#closed && flowsSince(this.#facts(), since);
  }

  /** Evidence that this page's network changed (the browser's `online`): see the `networkChanged` rule. */
  checkFlow(why: string): void {
    if (!this.#closed) this.#act({ type: 'networkChanged', why });
  }

  /** This page's path answers again after being down (a probe launched at `downAt` still failed). */
  onPathBack(downAt: number): void {
    if (this.#closed) return;
    this.#act({ type: 'pathBack', downAt });
    this.#repairer.check();
  }

  /**
   * After the handoff at `handoffAt`, the browser came to know its new address only after this link's
   * repair had started: see the `localAddressAppeared` rule.
   */
  onLocalAddressAppeared(handoffAt: number): void {
    if (!this.#closed) this.#act({ type: 'localAddressAppeared', handoffAt });
  }

  /** The addresses of the current peer's local candidates (empty without a peer or stats). */
  async localAddresses(): Promise<string[]> {
    const report = await this.#peer?.stats();
    return report ? localCandidateAddresses(report) : [];
  }

  /** Builds the first peer (the offerer sends its offer at once). */
  start(): void {
    this.#rebuild(this.#gen, 'start');
    this.#scheduleStats(0);
  }

  /** A negotiation or control message for this link from the other side. */
  onMessage(fromConnectionId: string, ref: LinkRef, payload: MediaPayload): void {
    if (this.#closed || ref.linkId !== this.linkId || this.#pastConnections.has(fromConnectionId)) return;
    if (ref.inc !== undefined && fromConnectionId === this.#remoteConnectionId) this.#endConfirm(ref.inc);
    if (payload.type === 'rebind') {
      this.#onRebind(fromConnectionId, ref, payload.reply);
      return;
    }
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
    if (freshPeer) this.#act({ type: 'remoteFreshPeer' });
    if (ref.gen > this.#gen) {
      if (!freshPeer) return;
      this.#act({ type: 'remoteNewPeer', gen: ref.gen });
      // Deferred (`skipToGeneration`): no peer takes the offer.
      if (payload.type === 'offer') this.#peer?.signal(payload);
      return;
    }
    this.#remoteHeardAt = this.#ctx.host.clock.now();
    this.#repairer.check();
    if (payload.type === 'reset') {
      const { reason } = payload;
      if (reason === RESET_REASON.repair || reason === RESET_REASON.renew || reason === RESET_REASON.pathOk)
        this.#act({ type: 'remoteReset', reason });
      return;
    }
    if (this.#peer?.alive) this.#peer.signal(payload);
    else if (payload.type === 'offer') this.#act({ type: 'offerWithoutPeer' });
  }

  /**
   * The first message of a remote incarnation: on a new link, or from a page that replaced the one this
   * link served (reload, leave and come back, a new provider, another tab).
   */
  #onIncarnation(fromConnectionId: string, ref: LinkRef, payload: MediaPayload): void {
    const known = this.#remoteInc !== undefined;
    this.#remoteInc = ref.inc;
    if (fromConnectionId !== this.#remoteConnectionId) this.#replaceConnection(fromConnectionId);
    this.#adoptNext = false;
    for (const action of this.#decide({ type: 'remoteIncarnation', gen: ref.gen, known })) {
      if (action.type === 'deliver') this.onMessage(fromConnectionId, ref, payload);
      else this.#carryOut(action);
      // Its offer (or its candidates, queued by the peer until the offer) go to the peer built for it.
      if (action.type === 'buildForRemote' && payload.type !== 'reset' && payload.type !== 'rebind')
        this.#peer?.signal(payload);
    }
  }

  /**
   * A `rebind` from the remote: answered (unless it is an answer), then its incarnation compared with the
   * one this link serves. The same page keeps the link, bound to the connection it wrote from; another
   * page resets it. A link that knows no incarnation yet learns it from the remote's next real message.
   */
  #onRebind(fromConnectionId: string, ref: LinkRef, reply: boolean): void {
    if (!reply) this.#sendTo(fromConnectionId, { type: 'rebind', reply: true });
    if (ref.inc === undefined || this.#remoteInc === undefined) return;
    if (ref.inc !== this.#remoteInc) {
      this.#onIncarnation(fromConnectionId, ref, { type: 'rebind', reply });
      return;
    }
    if (fromConnectionId !== this.#remoteConnectionId) {
      this.#replaceConnection(fromConnectionId);
      this.#endConfirm(ref.inc);
    }
  }

  #replaceConnection(connectionId: string): void {
    this.#pastConnections.add(this.#remoteConnectionId);
    this.#remoteConnectionId = connectionId;
  }

  /** The remote participant re-joined under `connectionId` (same identity). */
  onRemoteReplaced(connectionId: string): void {
    if (this.#closed || connectionId === this.#remoteConnectionId) return;
    this.#replaceConnection(connectionId);
    this.#remoteReplaced({ type: 'remoteReplaced' });
  }

  /** The link keeps its peer while it confirms the remote's incarnation, or starts over with the remote. */
  #remoteReplaced(observation: LinkObservation): void {
    const actions = this.#decide(observation);
    // Starting over: it may be another page (a new incarnation), and its first message says.
    if (!actions.some((action) => action.type === 'confirmIncarnation')) this.#remoteInc = undefined;
    for (const action of actions) this.#carryOut(action);
  }

  /** The remote's new connection spoke with incarnation `inc`: the wait for its word is over. */
  #endConfirm(inc: string): void {
    if (this.#confirmTimer === null) return;
    this.#confirmTimer = clearTimer(this.#ctx.host.clock, this.#confirmTimer);
    const kept = inc === this.#remoteInc;
    this.#log('info', kept ? 'link kept across the remote’s rejoin' : 'remote is another page', {
      connectionId: this.#remoteConnectionId,
    });
    if (kept) this.#act({ type: 'incarnationConfirmed' });
  }

  /** The local stream was published (or replaced) or unpublished. */
  setLocalStream(next: MediaStream | null, previous: MediaStream | null): void {
    if (!this.#peer) return;
    if (previous && previous !== next) this.#peer.removeStream(previous);
    if (next && next !== previous) this.#peer.addStream(next);
  }

  /** A track of the local stream was swapped for a new one (a camera opened again). */
  replaceLocalTrack(previous: MediaStreamTrack, next: MediaStreamTrack, stream: MediaStream): void {
    this.#peer?.replaceTrack(previous, next, stream);
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
   * `addressChanged`: back from another address (a handoff), so the path this link used is gone.
   */
  onSignalingRestored(force: boolean, downtimeMs: number, addressChanged = false): void {
    if (!this.#closed) this.#act({ type: 'signalingRestored', force, downtimeMs, addressChanged });
  }

  /** Tears the link down for good: peer, connection, timers, listeners. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#repairer.cancel();
    this.#endRemoteRepair();
    this.#pathBackTimer = clearTimer(this.#ctx.host.clock, this.#pathBackTimer);
    this.#flowTimer = clearTimer(this.#ctx.host.clock, this.#flowTimer);
    this.#confirmTimer = clearTimer(this.#ctx.host.clock, this.#confirmTimer);
    this.#dropPeer();
    this.#statsTimer = clearTimer(this.#ctx.host.clock, this.#statsTimer);
    if (this.#remoteMedia) for (const track of this.#remoteMedia.getTracks()) track.stop();
  }

  // --- the policy ---------------------------------------------------------------------------------

  /** Everything the link knows now, for the policy. */
  #facts(now = this.#ctx.host.clock.now()): LinkFacts {
    const { settings } = this.#ctx.host;
    const stream = this.#ctx.remoteStream(this.identity);
    const expectsMedia = stream !== undefined && isActive(stream);
    return {
      now,
      offerer: this.initiator,
      gen: this.#gen,
      transport: this.transportState,
      peerAlive: this.#peer?.alive ?? false,
      everConnected: this.#peer?.everConnected ?? false,
      health: this.#detector.health,
      rising: this.#detector.rising,
      lastRiseAt: this.#detector.lastRiseAt,
      lastRiseFromAt: this.#detector.lastRiseFromAt,
      expectsMedia,
      expectsTraffic: expectsMedia || this.#ctx.localStream() !== null,
      repairing: this.#repairer.running,
      remoteRepairSince: this.#remoteRepair?.since ?? null,
      repairedAt: this.#repairedAt,
      peerBuiltAt: this.#peerBuiltAt,
      remoteIncarnationKnown: this.#remoteInc !== undefined,
      remoteHeardAt: this.#remoteHeardAt,
      ownPathDown: this.#ctx.pathDown(),
      transportMovedAt: this.#transportMovedAt,
      connectedAt: this.#connectedAt,
      pending: {
        flowCheck: this.#flowTimer !== null,
        pathBack: this.#pathBackTimer !== null,
        departure: this.#deadTimer !== null,
      },
      frozenAfterMs: settings.frozenAfterMs,
      statsIntervalMs: settings.statsIntervalMs,
      memory: this.#memory,
    };
  }

  /** Asks the policy about `observation` (made at `now`); keeps what it remembers and returns its actions. */
  #decide(observation: LinkObservation, now?: number): readonly LinkAction[] {
    const decision = decide(this.#facts(now), observation);
    if (decision.remember) this.#memory = { ...this.#memory, ...decision.remember };
    if (decision.note) {
      const { type, ...fields } = observation;
      this.#log('info', decision.note, { observation: type, ...fields, state: this.transportState });
    }
    return decision.actions;
  }

  #act(observation: LinkObservation, now?: number): void {
    for (const action of this.#decide(observation, now)) this.#carryOut(action);
  }

  #carryOut(action: LinkAction): void {
    const peer = this.#peer;
    switch (action.type) {
      case 'repair':
        this.#repairer.request({ renew: action.renew, maxAttempts: action.maxAttempts });
        return;
      case 'restartIce':
        if (!peer?.restartIce()) this.#act({ type: 'iceRestartRefused' });
        return;
      case 'newPeer':
        this.#send({ type: 'reset', reason: RESET_REASON.newPeer }, action.gen);
        this.#rebuild(action.gen, action.why);
        return;
      case 'buildForRemote':
        this.#rebuild(action.gen, action.why);
        return;
      case 'skipToGeneration':
        this.#moveToGeneration(action.gen);
        return;
      case 'adoptNextOffer':
        this.#adoptNext = true;
        return;
      case 'confirmIncarnation':
        this.#send({ type: 'rebind', reply: false });
        this.#confirmTimer = clearTimer(this.#ctx.host.clock, this.#confirmTimer);
        this.#confirmTimer = this.#ctx.host.clock.setTimeout(() => {
          this.#confirmTimer = null;
          if (!this.#closed) this.#remoteReplaced({ type: 'incarnationUnconfirmed' });
        }, INCARNATION_CONFIRM_MS);
        return;
      case 'askRemoteRepair':
      case 'askRemoteRenew':
      case 'sendPathOk':
        this.#send({ type: 'reset', reason: REQUEST_REASON[action.type] });
        return;
      case 'checkFlow':
        this.#flowTimer = this.#countOver(peer, FLOW_CHECK_MS, bytesReceived, (was, now, current) => {
          this.#flowTimer = null;
          if (!current || was === null || now === null) return;
          this.#log('info', 'flow check', { why: action.why, moved: now > was });
          this.#act({ type: 'flowChecked', moved: now > was });
        });
        return;
      case 'checkPath':
        this.#checkPath(peer, action.since);
        return;
      case 'watchPathBack':
        // ICE checks (or bytes) reaching the link again: ICE is healing by itself.
        this.#pathBackTimer = this.#countOver(peer, PATH_BACK_GRACE_MS, pathActivity, (was, now, current) => {
          this.#pathBackTimer = null;
          const healing = was !== null && now !== null && now > was;
          if (current) this.#act({ type: 'pathBackGraceOver', healing, downAt: action.downAt });
        });
        return;
      case 'awaitDeparture':
        this.#deadTimer = this.#ctx.host.clock.setTimeout(() => {
          this.#deadTimer = null;
          if (!this.#closed) this.#act({ type: 'departureWaitOver' });
        }, DEPARTURE_WAIT_MS);
        return;
      case 'suspect':
        this.#ctx.onSuspect();
        return;
      case 'pauseVideo':
        void peer?.setVideoActive(false);
        return;
      case 'refreshVideo':
        // Video senders start over with a key frame, by pausing and resuming their encodings.
        void peer?.setVideoActive(false).then(() => peer.setVideoActive(true));
        return;
      case 'reportFrozen':
        this.#exception('MEDIA_FROZEN');
        return;
      case 'showRemoteRepair': {
        const { clock } = this.#ctx.host;
        const timer = clock.setTimeout(
          () => this.#act({ type: 'remoteRepairTimedOut' }),
          this.#ctx.policy.newPeerBudgetMs,
        );
        this.#remoteRepair = { since: clock.now(), timer };
        this.#updateRepairing();
        return;
      }
      case 'endRemoteRepair':
        this.#endRemoteRepair();
        return;
      case 'deliver':
        return; // only for a remote incarnation's message (see #onIncarnation)
    }
  }

  // --- checks the policy asks for -----------------------------------------------------------------

  /**
   * Reads `count` from the peer's stats now and again after `ms`, then calls `done` with both (null where
   * a reading failed) and whether the peer is still this link's.
   */
  #countOver(
    peer: PeerGeneration | null,
    ms: number,
    count: (stats: LinkStats) => number,
    done: (before: number | null, after: number | null, current: boolean) => void,
  ): TimerHandle {
    const read = async () => {
      const report = await peer?.stats();
      return report ? count(readLinkStats(report)) : null;
    };
    const before = read();
    return this.#ctx.host.clock.setTimeout(() => {
      void Promise.all([before, read()]).then(([was, now]) =>
        done(was, now, !this.#closed && peer === this.#peer),
      );
    }, ms);
  }

  #checkPath(peer: PeerGeneration | null, since: number): void {
    void this.#ctx.checkPath(since).then((ok) => {
      if (!this.#closed && peer === this.#peer) this.#act({ type: 'ownPathChecked', since, ok });
    });
  }

  // --- peers --------------------------------------------------------------------------------------

  #rebuild(gen: number, why: string): void {
    const { host } = this.#ctx;
    this.#moveToGeneration(gen);
    this.#log('info', 'peer built', { why, initiator: this.initiator });
    const watchdog = new IceWatchdog(host.clock, host.settings.iceConnectionDisconnectedExceptionTimeout, {
      onException: (name) => this.#exception(name),
      onRepairNeeded: (cause) => {
        this.#log('info', 'needs repair', { cause });
        this.#act({ type: 'transportBroken', cause });
      },
    });
    this.#watchdog = watchdog;
    const peer: PeerGeneration = new PeerGeneration({
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
          if (watchdog.state === 'connected' && before !== 'connected') this.#connectedAt = host.clock.now();
          this.#act({ type: 'transportChanged', before });
          if (watchdog.state === 'connected') peer.everConnected = true;
          this.#repairer.check();
        },
        onDead: (reason) => {
          if (this.#peer !== peer) return;
          this.#log('info', 'peer died', { reason });
          this.#repairer.check();
          this.#act({ type: 'peerDied', iceFailed: this.#watchdog?.state === 'failed' });
        },
      },
    });
    this.#peer = peer;
    this.#detector.restart(host.clock.now());
    this.#transportBytes = 0;
    this.#peerBuiltAt = host.clock.now();
    this.#connectedAt = Number.NEGATIVE_INFINITY;
    this.#act({ type: 'peerBuilt' });
  }

  /** Closes the current peer and moves the link to generation `gen` (the plane remembers it). */
  #moveToGeneration(gen: number): void {
    this.#dropPeer();
    this.#gen = gen;
    this.#ctx.onGeneration(this.identity, gen);
  }

  #dropPeer(): void {
    this.#watchdog?.dispose();
    this.#watchdog = null;
    this.#peer?.close();
    this.#peer = null;
    this.#deadTimer = clearTimer(this.#ctx.host.clock, this.#deadTimer);
  }

  #send(payload: MediaPayload, gen = this.#gen): void {
    this.#sendTo(this.#remoteConnectionId, payload, gen);
  }

  #sendTo(connectionId: string, payload: MediaPayload, gen = this.#gen): void {
    const ref = { linkId: this.linkId, gen, inc: this.#ctx.incarnation };
    this.#ctx.host.sendMedia(connectionId, ref, payload);
  }

  /** Logs with the link's identity and current generation. */
  #log(level: 'debug' | 'info' | 'warn', message: string, fields: Record<string, unknown> = {}): void {
    this.#ctx.host.log(level, `media link: ${message}`, {
      identity: this.identity,
      gen: this.#gen,
      ...fields,
    });
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
        if (!this.#closed) this.#ctx.onSampled();
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
    const now = this.#ctx.host.clock.now();
    const videoTrack = this.#remoteMedia?.getVideoTracks()[0];
    const stats = readLinkStats(report, videoTrack?.id);
    if (stats.transportBytesReceived > this.#transportBytes) this.#transportMovedAt = now;
    this.#transportBytes = stats.transportBytesReceived;
    // The reading's time, not a later one: the policy compares it with the detector's last rise.
    this.#act({ type: 'transportSampled' }, now);
    const stream = this.#ctx.remoteStream(this.identity);
    if (!stream) return;
    const inbound = stream.hasVideo ? stats.video : stats.audio;
    const before = this.#detector.health;
    const health = this.#detector.observe({
      at: now,
      counter: inbound ? (stream.hasVideo ? inbound.framesDecoded : inbound.packetsReceived) : 0,
    });
    this.#setHealth(health);
    this.#act({ type: 'mediaSampled', before, framesReceived: stats.video?.framesReceived ?? 0 }, now);
    if (this.#repairer.running) this.#repairer.check();
  }
}

/** The `reset` reason each request to the offering side is sent with. */
const REQUEST_REASON = {
  askRemoteRepair: RESET_REASON.repair,
  askRemoteRenew: RESET_REASON.renew,
  sendPathOk: RESET_REASON.pathOk,
} as const;

const bytesReceived = (stats: LinkStats) => stats.transportBytesReceived;
const pathActivity = (stats: LinkStats) => stats.iceChecksReceived + stats.transportBytesReceived;

/** The remote stream is sending the media its health is judged on (video if it has any, else audio). */
function isActive(stream: RemoteStream): boolean {
  return stream.hasVideo ? stream.videoActive : stream.audioActive;
}
