import type { ServerClock, ServerTimer } from '../clock';

/**
 * One timer per session with no members on this node: a session that stays empty for `afterMs` is
 * handed to `onExpire` (which closes it), so sessions created and never used, or left by everyone,
 * do not stay open forever.
 */
export class EmptySessionExpiry {
  readonly #timers = new Map<string, ServerTimer>();
  readonly #clock: ServerClock;
  readonly #afterMs: number;
  readonly #onExpire: (sessionId: string) => void;

  constructor(clock: ServerClock, afterMs: number, onExpire: (sessionId: string) => void) {
    this.#clock = clock;
    this.#afterMs = afterMs;
    this.#onExpire = onExpire;
  }

  /** Sessions waiting to expire. */
  get size(): number {
    return this.#timers.size;
  }

  /** `sessionId` became (or was created) empty: starts its timer unless it runs already. */
  arm(sessionId: string): void {
    if (this.#timers.has(sessionId)) return;
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(sessionId);
      this.#onExpire(sessionId);
    }, this.#afterMs);
    this.#timers.set(sessionId, timer);
  }

  /** `sessionId` has a member again, or was closed: stops its timer. */
  disarm(sessionId: string): void {
    const timer = this.#timers.get(sessionId);
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#timers.delete(sessionId);
  }

  /** Stops every timer (server shutdown). */
  clear(): void {
    for (const timer of this.#timers.values()) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }
}
