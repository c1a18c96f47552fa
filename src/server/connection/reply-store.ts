import type { MessageReply } from '../../protocol';

/**
 * The replies to the last N client messages of one connection, by sequence, so a resent duplicate is
 * answered with exactly what the original got.
 */
export class ReplyStore {
  readonly #replies = new Map<number, MessageReply>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Remembers `reply` for its `seq`, forgetting the oldest beyond the cap. */
  remember(reply: MessageReply): void {
    this.#replies.set(reply.seq, reply);
    for (const oldest of this.#replies.keys()) {
      if (this.#replies.size <= this.#max) break;
      this.#replies.delete(oldest);
    }
  }

  /** Every stored reply, oldest first (for a session snapshot). */
  all(): MessageReply[] {
    return [...this.#replies.values()];
  }

  /** The stored reply for `seq`, if still kept. */
  get(seq: number): MessageReply | undefined {
    return this.#replies.get(seq);
  }
}
