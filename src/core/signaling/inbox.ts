import { type Clock, clearTimer, type TimerHandle } from '../clock';

/** When to acknowledge received server events. */
export interface InboxAckPolicy {
  /** Acknowledge at least this often while events arrive. @default 500 */
  ackIntervalMs: number;
  /** Acknowledge at once after this many unacknowledged events. @default 64 */
  ackEveryEvents: number;
}

/**
 * Inbound sequence tracking for one connection: each server event sequence is processed once (a
 * replayed or repeated sequence is recognised and dropped), and the highest processed one is
 * acknowledged with `hf:ack` so the server can trim its replay buffer.
 */
export class Inbox {
  readonly #clock: Clock;
  readonly #policy: InboxAckPolicy;
  #send: ((seq: number) => boolean) | null = null;
  #lastSeq = 0;
  #ackedSeq = 0;
  #unacked = 0;
  #timer: TimerHandle | null = null;

  constructor(clock: Clock, policy: Partial<InboxAckPolicy> = {}) {
    this.#clock = clock;
    this.#policy = { ackIntervalMs: 500, ackEveryEvents: 64, ...policy };
  }

  /** Highest sequence processed so far (what a resume asks the server to replay after). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Starts a new connection whose events already reflected go up to `seq` (the join answer's `seq`). */
  reset(seq: number): void {
    this.#cancelTimer();
    this.#lastSeq = seq;
    this.#ackedSeq = seq;
    this.#unacked = 0;
  }

  /** Where acknowledgements go; `null` while signaling is down. `send` returns false when it could not. */
  attach(send: ((seq: number) => boolean) | null): void {
    this.#send = send;
    if (send) this.flush();
    else this.#cancelTimer();
  }

  /**
   * Records `seq` as received. Returns true when it is new and must be processed, false for a
   * duplicate (already processed).
   */
  accept(seq: number): boolean {
    if (seq <= this.#lastSeq) return false;
    this.#lastSeq = seq;
    this.#unacked += 1;
    if (this.#unacked >= this.#policy.ackEveryEvents) this.flush();
    else if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, this.#policy.ackIntervalMs);
    }
    return true;
  }

  /** Acknowledges everything processed so far, now. */
  flush(): void {
    this.#cancelTimer();
    if (this.#lastSeq <= this.#ackedSeq || !this.#send) return;
    if (this.#send(this.#lastSeq)) {
      this.#ackedSeq = this.#lastSeq;
      this.#unacked = 0;
    }
  }

  /** Stops the acknowledgement timer. */
  dispose(): void {
    this.#cancelTimer();
    this.#send = null;
  }

  #cancelTimer(): void {
    this.#timer = clearTimer(this.#clock, this.#timer);
  }
}
