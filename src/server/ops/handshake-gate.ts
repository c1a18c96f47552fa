import type { ServerClock } from '../clock';

/** Options of a {@link HandshakeGate}. */
export interface HandshakeGateOptions {
  /** Sockets that may be open without having joined or resumed yet; beyond, new handshakes are refused. */
  maxPending: number;
}

/**
 * Paces the websocket handshake itself. A socket that has connected but not yet joined or resumed is
 * pending; while `maxPending` of them are open, new handshakes are refused
 * before the upgrade (engine.io's `allowRequest`: a short HTTP answer, no websocket, no engine.io
 * socket, no timers), so the sockets already admitted finish inside their clients' attempt timeout
 * instead of every client's handshake timing out in a queue that only grows. A saturated loop alone
 * does not shut the door: the admission gate then answers joins and resumes with a retry slot, which
 * tells the client more than a refused handshake can.
 *
 * The time spent refusing is the server's own: {@link refusingMs} lets the eviction grace give it back,
 * like a stalled loop, so a member refused at the door is not evicted for it.
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

  /** Whether a new handshake may proceed now. */
  allow(): boolean {
    const now = this.#clock.now();
    if (this.#pending.size >= this.#maxPending) {
      this.#refusingSince ??= now;
      this.#refusals += 1;
      return false;
    }
    this.#stopRefusing(now);
    return true;
  }

  /** A socket completed its handshake: pending until {@link settled}. */
  opened(socket: object): void {
    this.#pending.add(socket);
  }

  /** The socket joined, resumed or closed. */
  settled(socket: object): void {
    if (this.#pending.delete(socket) && this.#pending.size < this.#maxPending)
      this.#stopRefusing(this.#clock.now());
  }

  /** Sockets open that have not joined or resumed yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Handshakes refused so far. */
  get refusals(): number {
    return this.#refusals;
  }

  /** Milliseconds spent refusing handshakes so far (a refusal going on now included); a growing counter. */
  refusingMs(): number {
    const ongoing = this.#refusingSince === null ? 0 : this.#clock.now() - this.#refusingSince;
    return this.#refusedMs + ongoing;
  }

  #stopRefusing(now: number): void {
    if (this.#refusingSince === null) return;
    this.#refusedMs += now - this.#refusingSince;
    this.#refusingSince = null;
  }
}
