import { type Clock, clearTimer, type TimerHandle } from '../clock';
import { listen } from '../listen';

/**
 * Tries once to reach the media relay (TURN) the way links do; resolves true when it answered.
 * `release` (optional) frees what probing holds between tries; called when the monitor stops probing.
 */
export interface PathProbe {
  (signal: AbortSignal): Promise<boolean>;
  release?(): void;
}

/** Options of {@link PathMonitor}. */
export interface PathMonitorOptions {
  clock: Clock;
  probe: PathProbe;
  /** True while some link is broken or frozen (probing stops otherwise). */
  needed(): boolean;
  /** This page's path was down and answers again; `downAt`: when the last probe that failed was launched. */
  onPathBack(downAt: number): void;
  /**
   * The first probes (8 s of them) start this often while needed (probes overlap); later ones back off,
   * doubling up to 8 times this (3.2 s). @default 400
   */
  intervalMs?: number;
  /** A probe that has not answered by then counts as failed. @default 1200 */
  timeoutMs?: number;
  /**
   * At most this many probes in any {@link PROBE_WINDOW_MS}, the probes of episodes that ended with the
   * path answering not counted. Past it, probing pauses until the window has room again (the path still
   * counts as down). A minute-long outage takes 38 on the default schedule.
   * @default 45
   */
  maxProbes?: number;
}

/** The window {@link PathMonitorOptions.maxProbes} counts in. */
export const PROBE_WINDOW_MS = 60_000;
/**
 * Probes at the first interval before the interval starts doubling: most outages are short, and the
 * path back is seen at most one interval late while they last (a probe is one gathering on a connection
 * kept while tries follow each other, see {@link browserPathProbe}, not a new peer connection).
 */
const STEADY_PROBES = 20;
/**
 * The back-off doubles the interval at most this many times (400 ms → 3.2 s): links hold their repairs
 * while the path is down, so a long outage's end is seen at most this late (a try costs one gathering on
 * the kept connection, not a peer connection).
 */
const MAX_DOUBLINGS = 3;

/**
 * Watches this page's own media path while a link is broken, by probing the relay (one connection that
 * gathers again for each try). When probes that failed start answering, the path is back: links still
 * broken a moment later were not healed by ICE (a new path: the old relay allocation is gone) and are
 * repaired at once, instead of waiting out `iceConnectionDisconnectedExceptionTimeout`. A side whose path
 * never failed sees no change and waits as usual. While the path is {@link down}, links hold their
 * repairs (a peer connection into a dead path gathers nothing). Probing is bounded: it stops when the path
 * answers or no link needs it, after the first 8 s the interval doubles up to 3.2 s, and an outage
 * (probes that never answer) starts no more than `maxProbes` in a minute.
 */
export class PathMonitor {
  readonly #options: Required<PathMonitorOptions>;
  #timer: TimerHandle | null = null;
  #abort: AbortController | null = null;
  /** True once a probe failed since the path was last seen up. */
  #down = false;
  #inFlight = 0;
  #seq = 0;
  /** Sequence of the latest probe launched before the last answer (older failures are stale). */
  #answeredUpTo = 0;
  /** Probes launched in this wake (drives the back-off). */
  #launchedInWake = 0;
  /**
   * Launch times of recent probes that count against the budget: those that failed or are under way.
   * The probes of an episode that ends with the path answering are given back (see {@link #refund}).
   */
  readonly #launches: number[] = [];
  /** Launch times of the probes since the path last answered (this episode). */
  #episode: number[] = [];
  #lastLaunchAt = Number.NEGATIVE_INFINITY;
  /** Launch time of the latest probe that failed. */
  #failedLaunchAt = Number.NEGATIVE_INFINITY;
  /** Probing paused on an answer with the probe's connection kept (released by {@link reconsider} or stop). */
  #holding = false;
  /** When evidence of a network change last came (see {@link kick}): failures before it are stale. */
  #kickedAt = Number.NEGATIVE_INFINITY;
  #checks: { since: number; resolve: (ok: boolean) => void }[] = [];

  constructor(options: PathMonitorOptions) {
    this.#options = { intervalMs: 400, timeoutMs: 1200, maxProbes: 45, ...options };
  }

  /** Probes started in the last {@link PROBE_WINDOW_MS} that count against the budget. */
  get recentProbes(): number {
    this.#prune();
    return this.#launches.length;
  }

  /**
   * Whether this page's own path works now: resolves with the first answer of a probe launched from
   * `since` on, true only if no probe launched since then failed (false when no probe can run).
   */
  check(since: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.#checks.push({ since, resolve });
      // Out of budget, the start answers the check with false at once.
      if (!this.#abort) this.#start();
      else if (this.#lastLaunchAt < since && !this.#launch(this.#abort)) {
        // Nothing launched since, and no room for one now, out of turn: no answer to wait for.
        this.#settleChecks(false, Number.POSITIVE_INFINITY);
      }
    });
  }

  /** True while probing. */
  get running(): boolean {
    return this.#abort !== null;
  }

  /**
   * This page's path is down: a probe launched since the last {@link kick} failed and none answered
   * since (false when not probing: nothing is known).
   */
  get down(): boolean {
    return this.#abort !== null && this.#down && this.#failedLaunchAt >= this.#kickedAt;
  }

  /**
   * Evidence that the network changed (signaling back, the browser's `online`): the path may work again.
   * It no longer counts as down until a probe launched from now on fails, one is launched now, and the
   * schedule starts over at its first interval.
   */
  kick(): void {
    if (!this.#abort) {
      this.wake();
      return;
    }
    this.#kickedAt = this.#options.clock.now();
    this.#launchedInWake = 0;
    this.#timer = clearTimer(this.#options.clock, this.#timer);
    this.#tick();
  }

  /**
   * The links' state may have changed (asked on every stats reading): once none needs the path any more,
   * probing stops and the probe's connection is released at once (not at the next try).
   */
  reconsider(): void {
    if ((this.#abort || this.#holding) && !this.#options.needed() && this.#checks.length === 0) this.stop();
  }

  /** Something broke: probe until nothing needs it any more. */
  wake(): void {
    if (this.#abort || !this.#options.needed()) return;
    this.#start();
  }

  #start(): void {
    this.#abort = new AbortController();
    this.#down = false;
    this.#launchedInWake = 0;
    this.#tick();
  }

  stop(): void {
    this.#pause();
    this.#settleChecks(false, Number.POSITIVE_INFINITY);
    this.#holding = false;
    this.#options.probe.release?.();
  }

  /** Stops probing, keeping what the probe holds (the next wake tries on it). */
  #pause(): void {
    this.#timer = clearTimer(this.#options.clock, this.#timer);
    this.#abort?.abort();
    this.#abort = null;
  }

  #tick(): void {
    this.#timer = null;
    const abort = this.#abort;
    if (!abort) return;
    if (!this.#options.needed() && this.#checks.length === 0) {
      this.stop();
      return;
    }
    const { intervalMs } = this.#options;
    if (!this.#launch(abort)) {
      // Out of budget: checks get their answer (false) now; probing pauses until the window has room,
      // the path still counting as down.
      this.#settleChecks(false, Number.POSITIVE_INFINITY);
      if (!this.#options.needed()) {
        this.stop();
        return;
      }
      const room = (this.#launches[0] ?? this.#options.clock.now()) + PROBE_WINDOW_MS;
      const wait = Math.max(intervalMs, room - this.#options.clock.now());
      this.#timer = this.#options.clock.setTimeout(() => this.#tick(), wait);
      return;
    }
    const doublings = Math.max(0, this.#launchedInWake - STEADY_PROBES);
    const delay = intervalMs * 2 ** Math.min(doublings, MAX_DOUBLINGS);
    this.#timer = this.#options.clock.setTimeout(() => this.#tick(), delay);
  }

  #prune(): void {
    const from = this.#options.clock.now() - PROBE_WINDOW_MS;
    while ((this.#launches[0] ?? Number.POSITIVE_INFINITY) <= from) this.#launches.shift();
  }

  /** Starts a probe; false when the budget is spent. */
  #launch(abort: AbortController): boolean {
    if (this.#inFlight >= Math.ceil(this.#options.timeoutMs / this.#options.intervalMs) + 1) return true;
    this.#prune();
    if (this.#launches.length >= this.#options.maxProbes) return false;
    const launchedAt = this.#options.clock.now();
    this.#launches.push(launchedAt);
    this.#episode.push(launchedAt);
    this.#lastLaunchAt = launchedAt;
    this.#launchedInWake += 1;
    this.#inFlight += 1;
    this.#seq += 1;
    const seq = this.#seq;
    const probe = new AbortController();
    const timer = this.#options.clock.setTimeout(() => probe.abort(), this.#options.timeoutMs);
    const unwatch = listen(abort.signal, 'abort', () => probe.abort());
    void this.#options
      .probe(probe.signal)
      .catch(() => false)
      .then((ok) => {
        this.#inFlight -= 1;
        this.#options.clock.clearTimeout(timer);
        unwatch();
        if (abort.signal.aborted || this.#abort !== abort) return;
        if (!ok) {
          this.#failedLaunchAt = Math.max(this.#failedLaunchAt, launchedAt);
          // A probe sent before the path last answered says nothing about the path now.
          if (seq > this.#answeredUpTo) this.#down = true;
          this.#settleChecks(false, launchedAt);
          return;
        }
        this.#answeredUpTo = this.#seq;
        this.#refund();
        this.#settleChecks(true, launchedAt);
        if (this.#down) {
          this.#down = false;
          this.#options.onPathBack(this.#failedLaunchAt);
        }
        // The path answers: more probes would say nothing new until something breaks again (a later
        // wake or check). Probing on would only spend the budget that a real outage needs. While a link
        // still needs the path (the other side is cut off), the probe's connection is kept for the next
        // wake, which each change of that link brings: one connection, not one per wake.
        if (this.#checks.length > 0) return;
        if (this.#options.needed()) {
          this.#pause();
          this.#holding = true;
        } else this.stop();
      });
    return true;
  }

  /**
   * The path answered: this episode's probes are given back to the budget. The budget bounds what an
   * outage costs (a page cut off for a minute starts at most `maxProbes`, all failing); a path that comes
   * back ends the episode, and a relay restarted twice in a minute must not find the budget spent by the
   * first restart's probes.
   */
  #refund(): void {
    for (const at of this.#episode) {
      const index = this.#launches.indexOf(at);
      if (index >= 0) this.#launches.splice(index, 1);
    }
    this.#episode = [];
  }

  /** Answers the checks a probe launched at `launchedAt` speaks for. */
  #settleChecks(ok: boolean, launchedAt: number): void {
    const open = this.#checks;
    this.#checks = [];
    for (const check of open) {
      if (launchedAt < check.since) this.#checks.push(check);
      else check.resolve(ok && this.#failedLaunchAt < check.since);
    }
  }
}

/**
 * The browser probe: an RTCPeerConnection with the links' ICE servers gathers candidates; a relay
 * candidate (or, without TURN servers, a server-reflexive one) means the relay answered. The connection
 * is kept while the monitor probes: each later try restarts its ICE and gathers again (a new relay
 * allocation), so an outage costs one peer connection; `release` closes it (the monitor does when it
 * stops: the path answered, or no link needs it any more).
 */
export function browserPathProbe(configuration: () => RTCConfiguration): PathProbe {
  let pc: RTCPeerConnection | null = null;
  /** The ICE username fragment of the gathering under way (set once its offer is applied). */
  let currentUfrag: string | null = null;
  /**
   * Tries under way, each `started` once its gathering began: a relay candidate of the current gathering
   * answers those; a candidate of an earlier gathering (a try restarts ICE on the kept connection while
   * the last one may still be finishing) is ignored. A try without an answer fails by its timeout: the end
   * of a gathering cannot be told apart (Chromium reports the previous gathering's end after the next one
   * began, with `iceGatheringState` still `complete`, and the event carries no username fragment), so it
   * fails nothing.
   */
  const waiting = new Map<(ok: boolean) => void, { started: boolean }>();
  const answered = () => {
    for (const [settle, state] of [...waiting]) if (state.started) settle(true);
  };
  const probe: PathProbe = (signal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) {
        resolve(false);
        return;
      }
      if (!pc) {
        const config = configuration();
        // `urls` is one URL or a list of them: flatMap takes either.
        const urls = (config.iceServers ?? []).flatMap((server) => server.urls);
        if (urls.length === 0 || typeof RTCPeerConnection === 'undefined') {
          resolve(true);
          return;
        }
        const wantsRelay = urls.some((u) => u.startsWith('turn'));
        const created = new RTCPeerConnection({
          ...config,
          iceTransportPolicy: wantsRelay ? 'relay' : 'all',
        });
        created.onicecandidate = ({ candidate }) => {
          const ufrag = candidate?.usernameFragment;
          if (ufrag && currentUfrag !== null && ufrag !== currentUfrag) return;
          const type = candidate?.type;
          if (type === 'relay' || (!wantsRelay && type === 'srflx')) answered();
        };
        created.createDataChannel('holdfast-path-probe');
        pc = created;
      } else pc.restartIce();
      const state = { started: false };
      const settle = (ok: boolean) => {
        waiting.delete(settle);
        unwatch();
        resolve(ok);
      };
      waiting.set(settle, state);
      const unwatch = listen(signal, 'abort', () => settle(false));
      const current = pc;
      current
        .createOffer()
        .then(async (offer) => {
          await current.setLocalDescription(offer);
          if (current !== pc) return;
          currentUfrag = /a=ice-ufrag:(\S+)/.exec(offer.sdp ?? '')?.[1] ?? null;
          state.started = true;
        })
        .catch(() => settle(false));
    });
  probe.release = () => {
    for (const settle of [...waiting.keys()]) settle(false);
    currentUfrag = null;
    if (!pc) return;
    pc.onicecandidate = null;
    pc.close();
    pc = null;
  };
  return probe;
}
