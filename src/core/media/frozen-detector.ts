import type { StreamHealth } from './types';

/** One reading of a remote stream's inbound media (from `getStats`). */
export interface MediaSample {
  /** Clock time of the reading (ms). */
  at: number;
  /**
   * Decoded video frames (or received audio packets for an audio-only stream). A counter that went
   * down belongs to a new receiver (a new peer, or one Chromium rebuilt): its count starts over.
   */
  counter: number;
}

/** Options of {@link FrozenDetector}. */
export interface FrozenDetectorOptions {
  /** No progress for this long → frozen. */
  frozenAfterMs: number;
  /** Extra time allowed for the first frame of a new stream or a rebuilt peer. */
  startupMs: number;
  /**
   * A stalled stream is `live` again only once its counter has risen at every reading for this long
   * (one stray frame, e.g. a new peer's key frame from a camera that froze, is not a recovery).
   * @default 1000
   */
  steadyMs?: number;
}

/**
 * Classifies one remote stream as `live`, `frozen`, `recovering` or `muted`, from counters that must
 * keep rising (decoded frames), the publisher's own "video off" flag, and whether a repair is running.
 * Pure: fed samples and flags with their times, it never reads a clock itself.
 *
 * - `muted` whenever the publisher turned its media off (not a fault);
 * - `live` while the counter rises; after a stall, only once it has risen at every reading for
 *   `steadyMs` (a repair alone, or one stray frame, never makes it live);
 * - stalled for `frozenAfterMs` → `frozen`, or `recovering` while a repair is running.
 */
export class FrozenDetector {
  readonly #options: FrozenDetectorOptions;
  #health: StreamHealth = 'live';
  #active = true;
  #repairing = false;
  #counter = 0;
  /** When the counter last moved (the last frame's estimated time, not the reading's), or the watch (re)started. */
  #progressAt: number;
  /** Allowance added to the stall limit until the first progress after a (re)start. */
  #allowance: number;
  #lastRiseAt = Number.NEGATIVE_INFINITY;
  /** Time of the reading the last rise was counted from (the one before it). */
  #lastRiseFromAt = Number.NEGATIVE_INFINITY;
  /** Time of the last reading, and the rate (per ms) the counter rose at up to it (0: unknown). */
  #sampleAt = 0;
  #rate = 0;
  /** After a stall: the reading that began the current run of rises (null while not rising). */
  #runSince: number | null = null;

  constructor(now: number, options: FrozenDetectorOptions) {
    this.#options = options;
    this.#progressAt = now;
    this.#allowance = options.startupMs;
  }

  get health(): StreamHealth {
    return this.#health;
  }

  /** When the counter was last seen rising (−∞ before the first rise). */
  get lastRiseAt(): number {
    return this.#lastRiseAt;
  }

  /**
   * When the reading before the last rise was taken: frames rose between then and {@link lastRiseAt}. A
   * rise counted from a reading at or after a moment happened wholly after it (not frames still in the
   * jitter buffer from before it, decoded just after).
   */
  get lastRiseFromAt(): number {
    return this.#lastRiseFromAt;
  }

  /** Frames are rising again after a stall, not yet steadily enough to call the stream live. */
  get rising(): boolean {
    return this.#runSince !== null;
  }

  /** When a sample should be taken to decide a stall exactly on time (null when not stalling). */
  get checkDueAt(): number | null {
    if (!this.#active || this.#health !== 'live') return null;
    return this.#progressAt + this.#options.frozenAfterMs + this.#allowance;
  }

  /** Feeds one reading; returns the health after it. */
  observe(sample: MediaSample): StreamHealth {
    // A new receiver starts its count over: its first frames are a rise.
    const previous = sample.counter < this.#counter ? 0 : this.#counter;
    const rise = sample.counter - previous;
    const { at } = sample;
    // At the rate of the interval before, this rise took rise / rate ms: the last frame came then,
    // not at the reading (a stall that began early in the interval is dated from its real start).
    // Unknown rate (the first rise, after a stall, a new receiver): the reading's time.
    const rate = previous && this.#rate;
    const progressAt = rate ? Math.min(at, this.#sampleAt + rise / rate) : at;
    this.#rate = previous && rise > 0 ? rise / (at - this.#sampleAt) : 0;
    const from = this.#sampleAt;
    this.#sampleAt = at;
    this.#counter = sample.counter;
    if (rise > 0) {
      this.#lastRiseAt = at;
      this.#lastRiseFromAt = from;
      this.#progressAt = progressAt;
      this.#allowance = 0;
      if (!this.#active) return this.#set('muted');
      if (this.#health === 'live') return this.#health;
      this.#runSince ??= at;
      if (at - this.#runSince < (this.#options.steadyMs ?? 1000)) return this.#health;
      this.#runSince = null;
      return this.#set('live');
    }
    this.#runSince = null;
    if (!this.#active) return this.#set('muted');
    if (at - this.#progressAt >= this.#options.frozenAfterMs + this.#allowance) {
      return this.#set(this.#repairing ? 'recovering' : 'frozen');
    }
    return this.#health;
  }

  /** The publisher's "media on" flag (`videoActive`, or `audioActive` for an audio-only stream). */
  setActive(active: boolean, now: number): StreamHealth {
    if (active === this.#active) return this.#health;
    this.#active = active;
    if (!active) return this.#set('muted');
    // Turned back on: frames are due again; watch from now.
    this.#restartWatch(now, this.#options.startupMs);
    return this.#set('live');
  }

  /** A repair of the stream's link started or ended. */
  setRepairing(repairing: boolean): StreamHealth {
    this.#repairing = repairing;
    if (repairing && this.#health === 'frozen') return this.#set('recovering');
    // A repair that brought frames back stays `recovering` until they decode steadily (or stall again).
    if (!repairing && this.#health === 'recovering' && this.#runSince === null) return this.#set('frozen');
    return this.#health;
  }

  /** The link was rebuilt (new peer): expect a new receiver and give it time for its first frame. */
  restart(now: number): void {
    if (this.#health === 'live') this.#restartWatch(now, this.#options.startupMs);
    else this.#allowance = this.#options.startupMs;
  }

  #restartWatch(now: number, allowance: number): void {
    this.#progressAt = now;
    this.#allowance = allowance;
  }

  #set(health: StreamHealth): StreamHealth {
    this.#health = health;
    return health;
  }
}
