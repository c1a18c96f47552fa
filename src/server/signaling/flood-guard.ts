import type { ProtocolError } from '../../protocol';
import type { ServerClock } from '../clock';
import { protocolError } from '../protocol-failure';

/** Options of a {@link FloodGuard}. */
export interface FloodGuardOptions {
  /** Refill rate of the packet bucket: packets per second on average. */
  perSec: number;
  /** Packet bucket size: packets accepted at once. */
  burst: number;
  /** Refill rate of the byte bucket: bytes received per second on average. */
  bytesPerSec: number;
  /** Byte bucket size: bytes accepted at once (at least one largest packet). */
  bytesBurst: number;
  /** Refusals after which the socket is to be disconnected. */
  disconnectAfter: number;
}

/** What to do with one inbound packet. */
export type Admission = 'ok' | 'limited' | 'disconnect';

/** A token bucket that refills continuously and may go into debt. */
class TokenBucket {
  readonly #perSec: number;
  readonly #size: number;
  #tokens: number;
  #refilledAt: number;

  constructor(perSec: number, size: number, now: number) {
    this.#perSec = perSec;
    this.#size = size;
    this.#tokens = size;
    this.#refilledAt = now;
  }

  /** Tokens available at `now` (negative while in debt). */
  level(now: number): number {
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#refilledAt = now;
    this.#tokens = Math.min(this.#size, this.#tokens + (elapsed * this.#perSec) / 1000);
    return this.#tokens;
  }

  get full(): boolean {
    return this.#tokens >= this.#size;
  }

  take(n: number, now: number): void {
    this.#tokens = this.level(now) - n;
  }
}

/**
 * Rate limit of one socket: two token buckets, one counting packets and one counting bytes.
 *
 * - Every packet that gets in takes a packet token; without one it is refused (`limited`).
 * - Every byte received is charged to the byte bucket as it arrives, refused packets' too (reading and
 *   parsing them was the cost); while that bucket is in debt every packet is refused.
 * - A socket refused more than `disconnectAfter` times without ever calming down (a full packet bucket
 *   and no byte debt) is told to go (`disconnect`).
 */
export class FloodGuard {
  readonly #clock: ServerClock;
  readonly #options: FloodGuardOptions;
  readonly #packets: TokenBucket;
  readonly #bytes: TokenBucket;
  #refusals = 0;
  #limitedBy: 'packets' | 'bytes' = 'packets';

  constructor(clock: ServerClock, options: FloodGuardOptions) {
    this.#clock = clock;
    this.#options = options;
    this.#packets = new TokenBucket(options.perSec, options.burst, clock.now());
    this.#bytes = new TokenBucket(options.bytesPerSec, options.bytesBurst, clock.now());
  }

  /** Refusals since the socket last calmed down. */
  get refusals(): number {
    return this.#refusals;
  }

  /** Charges `bytes` just received (before the packet they carry is admitted or refused). */
  received(bytes: number): void {
    this.#bytes.take(bytes, this.#clock.now());
  }

  /** Takes a packet token for one packet, unless the socket is over either rate. */
  admit(): Admission {
    const now = this.#clock.now();
    const packets = this.#packets.level(now);
    const bytes = this.#bytes.level(now);
    // A full packet bucket and no byte debt mean the socket calmed down: earlier refusals are forgiven.
    if (this.#packets.full && bytes >= 0) this.#refusals = 0;
    if (bytes >= 0 && packets >= 1) {
      this.#packets.take(1, now);
      return 'ok';
    }
    this.#limitedBy = bytes < 0 ? 'bytes' : 'packets';
    this.#refusals += 1;
    return this.#refusals > this.#options.disconnectAfter ? 'disconnect' : 'limited';
  }

  /** The `RATE_LIMITED` answer to the last refusal, naming the rate it broke. */
  refusal(): ProtocolError {
    return this.#limitedBy === 'bytes'
      ? protocolError(
          'RATE_LIMITED',
          `too many bytes from this socket: over ${this.#options.bytesPerSec} bytes per second (burst ${this.#options.bytesBurst})`,
        )
      : protocolError(
          'RATE_LIMITED',
          `too many messages from this socket: over ${this.#options.perSec} per second (burst ${this.#options.burst})`,
        );
  }
}
