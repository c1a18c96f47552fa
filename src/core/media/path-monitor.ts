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
  /** This page's path was down and answers again. */
  onPathBack(): void;
  /** The first probes (8 s of them) start this often while needed (probes overlap); later ones back off. @default 400 */
  intervalMs?: number;
  /** A probe that has not answered by then counts as failed. @default 1200 */
  timeoutMs?: number;
  /**
   * At most this many probes in any {@link PROBE_WINDOW_MS}, the probes of episodes that ended with the
   * path answering not counted. Past it, probing pauses: a long outage is found over by signaling coming
   * back or the browser's `online`. (A minute-long outage takes 27 on the default schedule.)
   * @default 30
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
 * Watches this page's own media path while a link is broken, by probing the relay with throwaway
 * connections. When probes that failed start answering, the path is back: links still broken a moment
 * later were not healed by ICE (a new path: the old relay allocation is gone) and are repaired at once,
 * instead of waiting out `iceConnectionDisconnectedExceptionTimeout`. A side whose path never failed
 * sees no change and waits as usual. Probing is bounded: it stops when the path answers, after the first
 * few probes the interval doubles, and an outage (probes that never answer) starts no more than
 * `maxProbes` in a minute.
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
  /** When the schedule launches its next probe. */
  #nextTickAt = Number.NEGATIVE_INFINITY;
  /** Launch time of the latest probe that failed. */
  #failedLaunchAt = Number.NEGATIVE_INFINITY;
  #checks: { since: number; resolve: (ok: boolean) => void }[] = [];

  constructor(options: PathMonitorOptions) {
    this.#options = { intervalMs: 400, timeoutMs: 1200, maxProbes: 30, ...options };
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
      // Out of budget, the start stops at once and answers the check with false.
      if (!this.#abort) this.#start();
      else if (this.#lastLaunchAt < since) {
        // Nothing launched since: one now, out of turn.
        this.#launch(this.#abort);
      }
    });
  }

  /** True while probing. */
  get running(): boolean {
    return this.#abort !== null;
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
    this.#timer = clearTimer(this.#options.clock, this.#timer);
    this.#abort?.abort();
    this.#abort = null;
    this.#settleChecks(false, Number.POSITIVE_INFINITY);
    this.#options.probe.release?.();
  }

  #tick(): void {
    this.#timer = null;
    const abort = this.#abort;
    if (!abort) return;
    if (!this.#options.needed() && this.#checks.length === 0) {
      this.stop();
      return;
    }
    if (!this.#launch(abort)) {
      // Out of budget: pause (a later wake starts again once the window has room).
      this.stop();
      return;
    }
    const { intervalMs } = this.#options;
    const doublings = Math.max(0, this.#launchedInWake - STEADY_PROBES);
    const delay = intervalMs * 2 ** Math.min(doublings, 6);
    this.#nextTickAt = this.#options.clock.now() + delay;
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
          // Backed off, nothing under way until the next probe: hold nothing meanwhile (the links may
          // heal by themselves long before it).
          if (this.#inFlight === 0 && this.#nextTickAt - this.#options.clock.now() > this.#options.timeoutMs)
            this.#options.probe.release?.();
          return;
        }
        this.#answeredUpTo = this.#seq;
        this.#refund();
        this.#settleChecks(true, launchedAt);
        if (this.#down) {
          this.#down = false;
          this.#options.onPathBack();
        }
        // The path answers: more probes would say nothing new until something breaks again (a later
        // wake or check). Probing on would only spend the budget that a real outage needs.
        if (this.#checks.length === 0) this.stop();
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
 * is kept while tries follow each other: each later try restarts its ICE and gathers again (a new relay
 * allocation), so the first 8 s of an outage (20 tries) cost one peer connection; `release` closes it
 * (the monitor does when it stops, and while backed off between two tries).
 */
export function browserPathProbe(configuration: () => RTCConfiguration): PathProbe {
  let pc: RTCPeerConnection | null = null;
  /** Tries under way: a relay candidate answers them all; a gathering that ends without one fails them. */
  const waiting = new Set<(ok: boolean) => void>();
  const answer = (ok: boolean) => {
    for (const settle of [...waiting]) settle(ok);
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
          const type = candidate?.type;
          if (type === 'relay' || (!wantsRelay && type === 'srflx')) answer(true);
          // Gathering ended without such a candidate (e.g. the relay's port refused us): failed, now.
          else if (candidate === null) answer(false);
        };
        created.createDataChannel('holdfast-path-probe');
        pc = created;
      } else pc.restartIce();
      const settle = (ok: boolean) => {
        waiting.delete(settle);
        unwatch();
        resolve(ok);
      };
      waiting.add(settle);
      const unwatch = listen(signal, 'abort', () => settle(false));
      const current = pc;
      current
        .createOffer()
        .then((offer) => current.setLocalDescription(offer))
        .catch(() => settle(false));
    });
  probe.release = () => {
    answer(false);
    if (!pc) return;
    pc.onicecandidate = null;
    pc.close();
    pc = null;
  };
  return probe;
}
