import type { ServerClock } from '../clock';

/**
 * Ids of connections that are gone for good (evicted, replaced, left, ended), remembered for a while
 * so a late resume is answered `CONNECTION_EVICTED` rather than `CONNECTION_NOT_FOUND`. Bounded in
 * time and count; the oldest are forgotten first.
 */
export class Tombstones {
  readonly #expiry = new Map<string, number>();
  readonly #clock: ServerClock;
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(clock: ServerClock, ttlMs: number, max: number) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** Ids remembered now. */
  get size(): number {
    this.#purge();
    return this.#expiry.size;
  }

  /** Remembers `id` for the configured time. */
  add(id: string): void {
    this.#expiry.delete(id);
    this.#expiry.set(id, this.#clock.now() + this.#ttlMs);
    this.#purge();
  }

  /** Whether `id` is remembered. */
  has(id: string): boolean {
    this.#purge();
    return this.#expiry.has(id);
  }

  #purge(): void {
    const now = this.#clock.now();
    // Insertion order is expiry order (same ttl), so the expired ones are at the front.
    for (const [id, expiresAt] of this.#expiry) {
      if (expiresAt > now && this.#expiry.size <= this.#max) break;
      this.#expiry.delete(id);
    }
  }
}
