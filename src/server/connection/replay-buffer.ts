import type { ServerEnvelope } from '../../protocol';

/** One kept event with its JSON size. */
export interface ReplayEntry {
  envelope: ServerEnvelope;
  bytes: number;
}

/** Caps of a {@link ReplayBuffer}. */
export interface ReplayCaps {
  maxEvents: number;
  maxBytes: number;
}

/**
 * The server events of one connection not yet acknowledged by its client, in sequence order, kept for
 * replay after a resume. Bounded: {@link append} refuses an event that would exceed a cap.
 */
export class ReplayBuffer {
  #entries: ReplayEntry[] = [];
  #head = 0;
  #bytes = 0;
  readonly #caps: ReplayCaps;

  constructor(caps: ReplayCaps) {
    this.#caps = caps;
  }

  /** Events kept. */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** JSON characters of the events kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Keeps `envelope`; returns false (keeping nothing) when a cap would be exceeded. */
  append(envelope: ServerEnvelope, bytes: number): boolean {
    if (this.size + 1 > this.#caps.maxEvents || this.#bytes + bytes > this.#caps.maxBytes) return false;
    this.#entries.push({ envelope, bytes });
    this.#bytes += bytes;
    return true;
  }

  /** Forgets every event with `seq <= seq` (the client has processed them). */
  trimThrough(seq: number): void {
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head];
      if (!entry || entry.envelope.seq > seq) break;
      this.#bytes -= entry.bytes;
      this.#head += 1;
    }
    // Compact once the dead prefix dominates, so trimming stays O(1) amortised.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The events with `seq > seq`, in order. */
  after(seq: number): ServerEnvelope[] {
    const out: ServerEnvelope[] = [];
    for (let i = this.#head; i < this.#entries.length; i += 1) {
      const entry = this.#entries[i];
      if (entry && entry.envelope.seq > seq) out.push(entry.envelope);
    }
    return out;
  }

  /** Every kept event with its size, in order (for a session snapshot). */
  entries(): ReplayEntry[] {
    return this.#entries.slice(this.#head).map((entry) => ({ ...entry }));
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
