import type { ServerClock } from '../clock';

/** Options of an {@link AdmissionGate}. */
export interface AdmissionGateOptions {
  /** Joins and resumes admitted per second, on average. */
  perSec: number;
  /** Joins and resumes admitted at once. */
  burst: number;
  /** Shortest retry delay handed out (ms). @default 250 */
  minRetryMs?: number;
  /** Longest retry delay handed out (ms). @default 60000 */
  maxRetryMs?: number;
}

/** The verdict on one join or resume. */
export type AdmissionVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Admits joins and resumes at a pace the server can serve: a token bucket of `perSec` refilled per
 * second, closed outright while `saturated()` says the event loop is behind. A refused request gets
 * its own slot: slots are handed out one `1000 / perSec` ms apart, after the ones already promised, so
 * a storm of refused clients comes back spread at the rate the bucket refills instead of all at once.
 */
export class AdmissionGate {
  readonly #clock: ServerClock;
  readonly #options: Required<AdmissionGateOptions>;
  readonly #saturated: () => boolean;
  #tokens: number;
  #refilledAt: number;
  #nextSlotAt = 0;

  constructor(clock: ServerClock, options: AdmissionGateOptions, saturated: () => boolean = () => false) {
    this.#clock = clock;
    this.#options = { minRetryMs: 250, maxRetryMs: 60_000, ...options };
    this.#saturated = saturated;
    this.#tokens = options.burst;
    this.#refilledAt = clock.now();
  }

  /** Takes a place for one join or resume, or hands out a slot to come back at. */
  admit(): AdmissionVerdict {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#refilledAt = now;
    this.#tokens = Math.min(this.#options.burst, this.#tokens + (elapsed * this.#options.perSec) / 1000);
    if (this.#tokens >= 1 && !this.#saturated()) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: this.slot() };
  }

  /**
   * Hands out the next slot to come back at (ms from now) without admitting anything: for a client
   * refused before it could even ask (its handshake came while too many others were pending). Slots of
   * both kinds share one queue, `1000 / perSec` ms apart.
   */
  slot(): number {
    const now = this.#clock.now();
    const slot = Math.max(now + this.#options.minRetryMs, this.#nextSlotAt);
    const retryAfterMs = Math.min(this.#options.maxRetryMs, Math.ceil(slot - now));
    this.#nextSlotAt = now + retryAfterMs + 1000 / this.#options.perSec;
    return retryAfterMs;
  }
}
