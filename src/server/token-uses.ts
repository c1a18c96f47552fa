import type { ServerClock } from './clock';

/**
 * How many joins each token has admitted, so a token admits at most its `uses` claim (one by default).
 * An entry is kept until its token expires (an expired token is refused anyway), so memory is bounded
 * by the joins of the last token lifetime. In this process's memory: a restarted node forgets the
 * counts, but it also forgets the sessions the tokens were bound to.
 */
export class TokenUses {
  readonly #used = new Map<string, { count: number; expiresAt: number }>();
  readonly #clock: ServerClock;
  #sweepAt = 1024;

  constructor(clock: ServerClock) {
    this.#clock = clock;
  }

  /** Tokens with at least one use remembered. */
  get size(): number {
    return this.#used.size;
  }

  /**
   * Counts one use of token `tokenId`; false (and nothing counted) when it has already admitted
   * `maxUses` joins.
   */
  consume(tokenId: string, maxUses: number, expiresAt: number): boolean {
    const entry = this.#used.get(tokenId) ?? { count: 0, expiresAt };
    if (entry.count >= maxUses) return false;
    entry.count += 1;
    this.#used.set(tokenId, entry);
    if (this.#used.size >= this.#sweepAt) this.#sweep();
    return true;
  }

  /** Forgets every count. */
  clear(): void {
    this.#used.clear();
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [tokenId, { expiresAt }] of this.#used) if (expiresAt <= now) this.#used.delete(tokenId);
    // Sweep again once the map has doubled, so the cost stays linear in the number of uses.
    this.#sweepAt = Math.max(1024, this.#used.size * 2);
  }
}
