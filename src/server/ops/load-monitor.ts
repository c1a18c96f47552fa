import type { ServerClock, ServerTimer } from '../clock';

/**
 * The process's own monotonic time and timers: the monitor measures this process's loop, never the
 * session logic's clock (which tests move by hand, and whose jumps are not stalls).
 */
const processClock: ServerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeJS.Timeout),
};

/** Options of a {@link LoadMonitor}. */
export interface LoadMonitorOptions {
  /** Monotonic time and timers. @default the process's (`performance.now()`, Node timers) */
  clock?: ServerClock;
  /** How often the loop is sampled. @default 100 */
  sampleMs?: number;
  /** Lag (ms) at or above which the loop counts as saturated. */
  saturatedLagMs: number;
  /** How long a saturated sample keeps the server saturated (lag comes in bursts). @default 1000 */
  holdMs?: number;
}

/** Lateness under which a sample counts as healthy (timer granularity, GC pauses). */
const TOLERANCE_MS = 50;

/**
 * Watches the server's own event loop by timer drift: a timer due every `sampleMs` that runs late
 * tells how long the loop could not run anything — heartbeats and resumes included. The rest of the
 * server asks it how stalled it has been ({@link stalledMs}, so a grace can be extended by the time the
 * server itself lost) and whether it is saturated now (to stretch ping timeouts, refuse admissions and
 * answer `/readyz`). Drift also counts a stall still going on (the timer that should measure it cannot
 * run yet), so a judgement made in the middle of a stall sees it.
 */
export class LoadMonitor {
  readonly #clock: ServerClock;
  readonly #sampleMs: number;
  readonly #saturatedLagMs: number;
  readonly #holdMs: number;
  readonly #listeners = new Set<(lagMs: number) => void>();
  #timer: ServerTimer | null = null;
  #lastTickAt = 0;
  #lagMs = 0;
  #maxLagMs = 0;
  #stalledMs = 0;
  #saturatedAt = Number.NEGATIVE_INFINITY;

  constructor(options: LoadMonitorOptions) {
    this.#clock = options.clock ?? processClock;
    this.#sampleMs = options.sampleMs ?? 100;
    this.#saturatedLagMs = options.saturatedLagMs;
    this.#holdMs = options.holdMs ?? 1000;
  }

  /** Starts sampling (idempotent). */
  start(): void {
    if (this.#timer !== null) return;
    this.#lastTickAt = this.#clock.now();
    this.#schedule();
  }

  /** Stops sampling. */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Calls `listener` with the lag after every sample; returns its disposer. */
  onSample(listener: (lagMs: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The loop's current lag (ms): the last sample's, or the stall going on now if longer. */
  get lagMs(): number {
    return Math.max(this.#lagMs, this.#ongoingMs());
  }

  /** Largest lag seen since the last call (for the metrics), then reset. */
  takeMaxLagMs(): number {
    const max = Math.max(this.#maxLagMs, this.#ongoingMs());
    this.#maxLagMs = 0;
    return max;
  }

  /** Milliseconds the loop has been stalled since it started, a stall going on now included. */
  stalledMs(): number {
    const ongoing = this.#ongoingMs();
    return this.#stalledMs + (ongoing > TOLERANCE_MS ? ongoing : 0);
  }

  /** True while the loop lags at or above the threshold, or did within the last `holdMs`. */
  get saturated(): boolean {
    if (this.lagMs >= this.#saturatedLagMs) return true;
    return this.#clock.now() - this.#saturatedAt < this.#holdMs;
  }

  #ongoingMs(): number {
    if (this.#timer === null) return 0;
    return Math.max(0, this.#clock.now() - this.#lastTickAt - this.#sampleMs);
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => this.#tick(), this.#sampleMs);
    (this.#timer as { unref?: () => void } | null)?.unref?.();
  }

  #tick(): void {
    const now = this.#clock.now();
    const lag = Math.max(0, now - this.#lastTickAt - this.#sampleMs);
    this.#lastTickAt = now;
    this.#lagMs = lag;
    this.#maxLagMs = Math.max(this.#maxLagMs, lag);
    if (lag > TOLERANCE_MS) this.#stalledMs += lag;
    if (lag >= this.#saturatedLagMs) this.#saturatedAt = now;
    this.#schedule();
    for (const listener of this.#listeners) listener(lag);
  }
}
