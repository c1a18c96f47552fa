import type { ServerClock } from '../clock';

/** Options of a {@link HandshakeGate}. */
export interface HandshakeGateOptions {
  /**
   * Sockets that may be open without having joined or resumed yet. Beyond, a socket that completes its
   * handshake is refused with a slot to come back at; beyond twice as many, handshakes are refused at
   * the door.
   */
  maxPending: number;
}

/**
 * Paces the websocket handshake itself. A socket that has connected but not yet joined or resumed is
 * pending. Two bounds:
 * - past `maxPending`, a socket that completes its handshake is refused at once by socket.io's
 *   connection middleware with `OVERLOADED` and a `retryAfterMs` slot (`connect_error` carries it, and
 *   a browser can read it): each refused client comes back at its own slot, spread at the admission
 *   pace, so a herd turns into a queue instead of retrying in step every second;
 * - past `2 × maxPending`, handshakes are refused before the upgrade (engine.io's `allowRequest`: a short
 *   HTTP answer, no websocket, no timers). Cheaper, but a browser cannot read why, so it is the valve
 *   for when even slot refusals would not keep up.
 *
 * The time spent refusing is the server's own: {@link refusingMs} lets the eviction grace give it back,
 * like a stalled loop, so a member refused at the handshake is not evicted for it.
 */
export class HandshakeGate {
  readonly #clock: ServerClock;
  readonly #maxPending: number;
  readonly #pending = new Set<object>();
  #refusingSince: number | null = null;
  #refusedMs = 0;
  #refusals = 0;

  constructor(clock: ServerClock, options: HandshakeGateOptions) {
    this.#clock = clock;
    this.#maxPending = options.maxPending;
  }

  /** At the door (before the upgrade): whether a new handshake may proceed. */
  allow(): boolean {
    return this.#judge(this.#pending.size < 2 * this.#maxPending);
  }

  /** After the handshake (`socket` already {@link opened}): whether it may go on to join or resume. */
  admit(socket: object): boolean {
    return this.#judge(!this.#pending.has(socket) || this.#pending.size <= this.#maxPending);
  }

  /** A socket completed its handshake: pending until {@link settled}. */
  opened(socket: object): void {
    this.#pending.add(socket);
  }

  /** The socket joined, resumed or closed. */
  settled(socket: object): void {
    if (this.#pending.delete(socket) && this.#pending.size <= this.#maxPending)
      this.#stopRefusing(this.#clock.now());
  }

  /** Sockets open that have not joined or resumed yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Handshakes refused so far (at the door or after it). */
  get refusals(): number {
    return this.#refusals;
  }

  /** Milliseconds spent refusing handshakes so far (a refusal going on now included); a growing counter. */
  refusingMs(): number {
    const ongoing = this.#refusingSince === null ? 0 : this.#clock.now() - this.#refusingSince;
    return this.#refusedMs + ongoing;
  }

  #judge(allowed: boolean): boolean {
    const now = this.#clock.now();
    if (allowed) {
      this.#stopRefusing(now);
      return true;
    }
    this.#refusingSince ??= now;
    this.#refusals += 1;
    return false;
  }

  #stopRefusing(now: number): void {
    if (this.#refusingSince === null) return;
    this.#refusedMs += now - this.#refusingSince;
    this.#refusingSince = null;
  }
}
