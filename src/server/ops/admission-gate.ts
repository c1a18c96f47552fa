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
  /** Admissions per second while the event loop is saturated. @default a tenth of `perSec` (at least 1) */
  saturatedPerSec?: number;
}

/** The verdict on one join or resume. */
export type AdmissionVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Admits joins and resumes at a pace the server can serve: a token bucket of `perSec` refilled per
 * second, and no more than `saturatedPerSec` while `saturated()` says the event loop is behind. Not
 * closed outright then: a loop that lags because the host is busy (other processes, a GC) would refuse
 * a lone join for as long as that lasts, and a storm would make no progress at all while its own
 * refusals keep the loop behind; a trickle still serves the one and paces the other. A refused request gets
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
  #saturatedAdmitAt = Number.NEGATIVE_INFINITY;

  constructor(clock: ServerClock, options: AdmissionGateOptions, saturated: () => boolean = () => false) {
    this.#clock = clock;
    this.#options = {
      ...options,
      minRetryMs: options.minRetryMs ?? 250,
      maxRetryMs: options.maxRetryMs ?? 60_000,
      saturatedPerSec: options.saturatedPerSec ?? Math.max(1, options.perSec / 10),
    };
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
    if (this.#tokens >= 1 && this.#trickle(now)) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: this.slot() };
  }

  /** True unless the loop is saturated and the last admission made meanwhile was too recent. */
  #trickle(now: number): boolean {
    if (!this.#saturated()) return true;
    if (now - this.#saturatedAdmitAt < 1000 / this.#options.saturatedPerSec) return false;
    this.#saturatedAdmitAt = now;
    return true;
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
