import type { ServerClock, ServerTimer } from '../clock';
import { logEvent, type ServerLogger } from '../logger';
import type { SessionRegistry } from '../registry/session-registry';

/** What an {@link EmptySessionExpiry} is built from. */
export interface EmptySessionExpiryDeps {
  clock: ServerClock;
  registry: SessionRegistry;
  logger: ServerLogger;
  /** How long a session may stay without members. */
  afterMs: number;
  /** This node: a session another node hosts is not closed from here (that node's own expiry does it). */
  nodeId: string;
  /** Whether `sessionId` has members on this node (then it does not expire). */
  hasMembers: (sessionId: string) => boolean;
  /** Told of each session this closed. */
  onExpired?: (sessionId: string) => void;
}

/**
 * One timer per session with no members on this node: a session that stays empty for `afterMs` is
 * closed in the registry (as a REST `DELETE` would), so sessions created and never used, or left by
 * everyone, do not stay open forever. In a cluster, only while it is unplaced or placed on this node
 * (checked atomically by the registry): the node that hosts a session arms its own timer.
 */
export class EmptySessionExpiry {
  readonly #timers = new Map<string, ServerTimer>();
  readonly #deps: EmptySessionExpiryDeps;

  constructor(deps: EmptySessionExpiryDeps) {
    this.#deps = deps;
  }

  /** Sessions waiting to expire. */
  get size(): number {
    return this.#timers.size;
  }

  /** `sessionId` became (or was created) empty: starts its timer unless it runs already. */
  arm(sessionId: string): void {
    if (this.#timers.has(sessionId)) return;
    const timer = this.#deps.clock.setTimeout(() => {
      this.#timers.delete(sessionId);
      void this.#expire(sessionId);
    }, this.#deps.afterMs);
    this.#timers.set(sessionId, timer);
  }

  /** `sessionId` has a member again, or was closed: stops its timer. */
  disarm(sessionId: string): void {
    const timer = this.#timers.get(sessionId);
    if (timer === undefined) return;
    this.#deps.clock.clearTimeout(timer);
    this.#timers.delete(sessionId);
  }

  /** Stops every timer (server shutdown). */
  clear(): void {
    for (const timer of this.#timers.values()) this.#deps.clock.clearTimeout(timer);
    this.#timers.clear();
  }

  async #expire(sessionId: string): Promise<void> {
    const { registry, logger, clock } = this.#deps;
    if (this.#deps.hasMembers(sessionId)) return;
    try {
      const closed = await registry.close(sessionId, clock.now(), this.#deps.nodeId);
      if (!closed) return;
      logEvent(logger, 'info', 'session expired', { sessionId });
      this.#deps.onExpired?.(sessionId);
    } catch (error) {
      logEvent(logger, 'error', 'session expiry failed', { sessionId, err: error });
    }
  }
}
