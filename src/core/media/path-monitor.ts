import { type Clock, clearTimer, type TimerHandle } from '../clock';
import { listen } from '../listen';

/** Tries once to reach the media relay (TURN) the way links do; resolves true when it answered. */
export type PathProbe = (signal: AbortSignal) => Promise<boolean>;

/** Options of {@link PathMonitor}. */
export interface PathMonitorOptions {
  clock: Clock;
  probe: PathProbe;
  /** True while some link is broken or frozen (probing stops otherwise). */
  needed(): boolean;
  /** This page's path was down and answers again. */
  onPathBack(): void;
  /** A new probe starts this often while needed (probes overlap). @default 400 */
  intervalMs?: number;
  /** A probe that has not answered by then counts as failed. @default 1200 */
  timeoutMs?: number;
}

/**
 * Watches this page's own media path while a link is broken, by probing the relay with throwaway
 * connections. When probes that failed start answering, the path is back: links still broken a moment
 * later were not healed by ICE (a new path: the old relay allocation is gone) and are repaired at once,
 * instead of waiting out `iceConnectionDisconnectedExceptionTimeout`. A side whose path never failed
 * sees no change and waits as usual.
 */
export class PathMonitor {
  readonly #o: Required<PathMonitorOptions>;
  #timer: TimerHandle | null = null;
  #abort: AbortController | null = null;
  /** True once a probe failed since the path was last seen up. */
  #down = false;
  #inFlight = 0;
  #seq = 0;
  /** Sequence of the latest probe launched before the last answer (older failures are stale). */
  #answeredUpTo = 0;

  constructor(options: PathMonitorOptions) {
    this.#o = { intervalMs: 400, timeoutMs: 1200, ...options };
  }

  /** True while probing. */
  get running(): boolean {
    return this.#abort !== null;
  }

  /** Something broke: probe until nothing needs it any more. */
  wake(): void {
    if (this.#abort || !this.#o.needed()) return;
    this.#abort = new AbortController();
    this.#down = false;
    this.#tick();
  }

  stop(): void {
    this.#timer = clearTimer(this.#o.clock, this.#timer);
    this.#abort?.abort();
    this.#abort = null;
  }

  #tick(): void {
    this.#timer = null;
    const abort = this.#abort;
    if (!abort) return;
    if (!this.#o.needed()) {
      this.stop();
      return;
    }
    this.#launch(abort);
    this.#timer = this.#o.clock.setTimeout(() => this.#tick(), this.#o.intervalMs);
  }

  #launch(abort: AbortController): void {
    if (this.#inFlight >= Math.ceil(this.#o.timeoutMs / this.#o.intervalMs) + 1) return;
    this.#inFlight += 1;
    this.#seq += 1;
    const seq = this.#seq;
    const probe = new AbortController();
    const timer = this.#o.clock.setTimeout(() => probe.abort(), this.#o.timeoutMs);
    const unwatch = listen(abort.signal, 'abort', () => probe.abort());
    void this.#o
      .probe(probe.signal)
      .catch(() => false)
      .then((ok) => {
        this.#inFlight -= 1;
        this.#o.clock.clearTimeout(timer);
        unwatch();
        if (abort.signal.aborted || this.#abort !== abort) return;
        if (!ok) {
          // A probe sent before the path last answered says nothing about the path now.
          if (seq > this.#answeredUpTo) this.#down = true;
          return;
        }
        this.#answeredUpTo = this.#seq;
        if (this.#down) {
          this.#down = false;
          this.#o.onPathBack();
        }
      });
  }
}

/**
 * The browser probe: a throwaway RTCPeerConnection with the links' ICE servers gathers candidates;
 * a relay candidate (or, without TURN servers, a server-reflexive one) means the relay answered.
 * Closed as soon as it has answered or is aborted.
 */
export function browserPathProbe(configuration: () => RTCConfiguration): PathProbe {
  return (signal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) {
        resolve(false);
        return;
      }
      const config = configuration();
      // `urls` is one URL or a list of them: flatMap takes either.
      const urls = (config.iceServers ?? []).flatMap((server) => server.urls);
      const wantsRelay = urls.some((u) => u.startsWith('turn'));
      if (urls.length === 0 || typeof RTCPeerConnection === 'undefined') {
        resolve(true);
        return;
      }
      const pc = new RTCPeerConnection({ ...config, iceTransportPolicy: wantsRelay ? 'relay' : 'all' });
      let settled = false;
      const finish = (ok: boolean) => {
        if (settled) return;
        settled = true;
        pc.onicecandidate = null;
        unwatch();
        pc.close();
        resolve(ok);
      };
      const unwatch = listen(signal, 'abort', () => finish(false));
      pc.onicecandidate = (event) => {
        const type = event.candidate?.type;
        if (type === 'relay' || (!wantsRelay && type === 'srflx')) finish(true);
      };
      pc.createDataChannel('holdfast-path-probe');
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .catch(() => finish(false));
    });
}
