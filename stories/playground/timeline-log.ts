/** What kind of line: the session's state, an event it emitted, what the banner said, or a fault. */
export type TimelineTone = 'state' | 'event' | 'banner' | 'media' | 'fault' | 'node';

/** One line of a participant's timeline. */
export interface TimelineEntry {
  /** Unique in its log: the React key. */
  id: number;
  /** Epoch ms. */
  at: number;
  tone: TimelineTone;
  text: string;
}

/** Lines a log keeps (the oldest go first). */
const MAX_ENTRIES = 300;

/**
 * What one participant saw, in order: an external store for `useSyncExternalStore` (the entries array
 * is replaced on every push, never mutated).
 */
export class TimelineLog {
  readonly startedAt: number;
  #entries: readonly TimelineEntry[] = [];
  #nextId = 1;
  readonly #listeners = new Set<() => void>();

  constructor(now = Date.now()) {
    this.startedAt = now;
  }

  push(tone: TimelineTone, text: string): void {
    const entry = { id: this.#nextId++, at: Date.now(), tone, text };
    this.#entries = [...this.#entries, entry].slice(-MAX_ENTRIES);
    for (const listener of this.#listeners) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getEntries = (): readonly TimelineEntry[] => this.#entries;
}
