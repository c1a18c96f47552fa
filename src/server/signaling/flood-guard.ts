import type { ServerClock } from '../clock';

/** Options of a {@link FloodGuard}. */
export interface FloodGuardOptions {
  /** Refill rate: packets per second on average. */
  perSec: number;
  /** Bucket size: packets accepted at once. */
  burst: number;
  /** Refusals after which the socket is to be disconnected. */
  disconnectAfter: number;
}

/** What to do with one inbound packet. */
export type Admission = 'ok' | 'limited' | 'disconnect';

/**
 * Token bucket of one socket. Each packet takes a token; without one it is refused (`limited`). A
 * socket refused more than `disconnectAfter` times without ever letting its bucket fill up again is
 * told to go (`disconnect`).
 */
export class FloodGuard {
  readonly #clock: ServerClock;
  readonly #o: FloodGuardOptions;
  #tokens: number;
  #refilledAt: number;
  #refusals = 0;

  constructor(clock: ServerClock, options: FloodGuardOptions) {
    this.#clock = clock;
    this.#o = options;
    this.#tokens = options.burst;
    this.#refilledAt = clock.now();
  }

  /** Refusals since the bucket was last full. */
  get refusals(): number {
    return this.#refusals;
  }

  /** Takes a token for one packet. */
  admit(): Admission {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#refilledAt = now;
    this.#tokens = Math.min(this.#o.burst, this.#tokens + (elapsed * this.#o.perSec) / 1000);
    // A full bucket means the socket calmed down: earlier refusals are forgiven.
    if (this.#tokens >= this.#o.burst) this.#refusals = 0;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 'ok';
    }
    this.#refusals += 1;
    return this.#refusals > this.#o.disconnectAfter ? 'disconnect' : 'limited';
  }
}
