import { randomUUID } from 'node:crypto';
import type { SessionRecord, SessionRegistry } from './session-registry';

/** Options of {@link MemorySessionRegistry}. */
export interface MemorySessionRegistryOptions {
  /** Closed sessions remembered (answering `SESSION_CLOSED`); the oldest are forgotten first. @default 10000 */
  maxClosed?: number;
}

/** A {@link SessionRegistry} in this process's memory: one node, nothing survives a restart. */
export class MemorySessionRegistry implements SessionRegistry {
  readonly #open = new Map<string, SessionRecord>();
  readonly #closed = new Map<string, SessionRecord>();
  readonly #maxClosed: number;

  constructor(options: MemorySessionRegistryOptions = {}) {
    this.#maxClosed = options.maxClosed ?? 10_000;
  }

  async create(sessionId: string, nodeId: string, now: number) {
    const existing = this.#open.get(sessionId);
    if (existing) return { record: { ...existing }, created: false };
    this.#closed.delete(sessionId);
    const record: SessionRecord = { sessionId, createdAt: now, nodeId, incarnation: randomUUID() };
    this.#open.set(sessionId, record);
    return { record: { ...record }, created: true };
  }

  async get(sessionId: string) {
    const record = this.#open.get(sessionId) ?? this.#closed.get(sessionId);
    return record ? { ...record } : undefined;
  }

  async close(sessionId: string, now: number, onlyIfHostedBy?: string) {
    const record = this.#open.get(sessionId);
    if (!record) return undefined;
    if (onlyIfHostedBy !== undefined && record.nodeId !== '' && record.nodeId !== onlyIfHostedBy)
      return undefined;
    this.#open.delete(sessionId);
    const closed = { ...record, closedAt: now };
    this.#closed.set(sessionId, closed);
    for (const oldest of this.#closed.keys()) {
      if (this.#closed.size <= this.#maxClosed) break;
      this.#closed.delete(oldest);
    }
    return { ...closed };
  }

  /** Changes fields of the open session `sessionId` (cluster placement); false when it is not open. */
  patch(sessionId: string, fields: Partial<Pick<SessionRecord, 'nodeId' | 'crashedOn'>>): boolean {
    const record = this.#open.get(sessionId);
    if (!record) return false;
    Object.assign(record, fields);
    return true;
  }

  async countOpen() {
    return this.#open.size;
  }

  async dispose() {
    this.#open.clear();
    this.#closed.clear();
  }
}
