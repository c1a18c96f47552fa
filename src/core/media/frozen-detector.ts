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
  /** Time since the last packet of this receiver arrived, when the browser reports it. */
  lastPacketAgeMs?: number | undefined;
}

/** Options of {@link FrozenDetector}. */
export interface FrozenDetectorOptions {
  /** No progress for this long → frozen. */
  frozenAfterMs: number;
  /** Extra time allowed for the first frame of a new stream or a rebuilt peer. */
  startupMs: number;
  /** Expected time between samples (bounds how far back a stall is dated). */
  intervalMs: number;
}

/**
 * Classifies one remote stream as `live`, `frozen`, `recovering` or `muted`, from counters that must
 * keep rising (decoded frames), the publisher's own "video off" flag, and whether a repair is running.
 * Pure: fed samples and flags with their times, it never reads a clock itself.
 *
 * - `muted` whenever the publisher turned its media off (not a fault);
 * - `live` as soon as the counter rises, and only then (a repair alone never makes it live);
 * - stalled for `frozenAfterMs` → `frozen`, or `recovering` while a repair is running.
 */
export class FrozenDetector {
  readonly #options: FrozenDetectorOptions;
  #health: StreamHealth = 'live';
  #active = true;
  #repairing = false;
  #counter = 0;
  /** When progress was last seen (or the watch (re)started). */
  #progressAt: number;
  /** Allowance added to the stall limit until the first progress after a (re)start. */
  #allowance: number;
  /** Best estimate of when the stall began. */
  #stallSince: number;
  #lastRiseAt = Number.NEGATIVE_INFINITY;

  constructor(now: number, options: FrozenDetectorOptions) {
    this.#options = options;
    this.#progressAt = now;
    this.#stallSince = now;
    this.#allowance = options.startupMs;
  }

  get health(): StreamHealth {
    return this.#health;
  }

  /** When the counter was last seen rising (−∞ before the first rise). */
  get lastRiseAt(): number {
    return this.#lastRiseAt;
  }

  /** When a sample should be taken to decide a stall exactly on time (null when not stalling). */
  get checkDueAt(): number | null {
    if (!this.#active || this.#health !== 'live') return null;
    return this.#stallSince + this.#options.frozenAfterMs + this.#allowance;
  }

  /** Feeds one reading; returns the health after it. */
  observe(sample: MediaSample): StreamHealth {
    // A new receiver starts its count over: its first frames are a rise.
    const previous = sample.counter < this.#counter ? 0 : this.#counter;
    this.#counter = sample.counter;
    if (sample.counter > previous) {
      this.#lastRiseAt = sample.at;
      this.#progressAt = sample.at;
      this.#stallSince = sample.at;
      this.#allowance = 0;
      return this.#set(this.#active ? 'live' : 'muted');
    }
    if (!this.#active) return this.#set('muted');
    // Packets stopped before the reading that last saw progress: date the stall from the packets,
    // but no earlier than one interval before that reading (frames did move within it).
    let since = this.#progressAt;
    if (sample.lastPacketAgeMs !== undefined && sample.lastPacketAgeMs >= 0) {
      const lastPacketAt = sample.at - sample.lastPacketAgeMs;
      since = Math.max(Math.min(since, lastPacketAt), this.#progressAt - this.#options.intervalMs);
    }
    this.#stallSince = since;
    if (sample.at - since >= this.#options.frozenAfterMs + this.#allowance) {
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
    if (!repairing && this.#health === 'recovering') return this.#set('frozen');
    return this.#health;
  }

  /** The link was rebuilt (new peer): expect a new receiver and give it time for its first frame. */
  restart(now: number): void {
    if (this.#health === 'live') this.#restartWatch(now, this.#options.startupMs);
    else this.#allowance = this.#options.startupMs;
  }

  #restartWatch(now: number, allowance: number): void {
    this.#progressAt = now;
    this.#stallSince = now;
    this.#allowance = allowance;
  }

  #set(health: StreamHealth): StreamHealth {
    this.#health = health;
    return health;
  }
}
