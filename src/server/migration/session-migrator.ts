import type { ServerClock, ServerTimer } from '../clock';
import type { MigrationReadiness } from '../hub/session-transfer';
import { logEvent, type ServerLogger } from '../logger';
import type { MigrationDestination, MigrationTarget, SessionSnapshot } from './migration-target';

/** The node-side operations a migration uses (the hub's). */
export interface MigrationHost {
  readiness(sessionId: string): MigrationReadiness;
  freeze(sessionId: string): SessionSnapshot;
  thaw(sessionId: string): void;
  handOver(sessionId: string, destination: MigrationDestination, deadline: number): number;
}

/** What a {@link SessionMigrator} is built from. */
export interface SessionMigratorDeps {
  host: MigrationHost;
  target: MigrationTarget;
  clock: ServerClock;
  /** A draw in [0, 1) for spreading the sessions over the window. */
  random: () => number;
  logger: ServerLogger;
}

/** How soon a session with a member away (in its grace) is tried again. */
const RETRY_MS = 250;

/**
 * Moves every session of a draining node to another node before the rotation's deadline, spread over
 * the first half of the time left (so a thousand clients do not resume on the target at once):
 * pick a target, freeze the session, hand its snapshot over, then tell its members to follow. A session
 * with a member that did not opt in, or for which no target exists, stays: the deadline ends it.
 */
export class SessionMigrator {
  readonly #deps: SessionMigratorDeps;
  readonly #timers = new Set<ServerTimer>();
  #stopped = false;

  constructor(deps: SessionMigratorDeps) {
    this.#deps = deps;
  }

  /** Schedules the move of each of `sessionIds` before `deadline`. */
  start(deadline: number, sessionIds: readonly string[]): void {
    const { clock, random } = this.#deps;
    const now = clock.now();
    const windowEnd = now + Math.max(0, deadline - now) / 2;
    for (const sessionId of sessionIds) {
      this.#later((windowEnd - now) * random(), () => this.#try(sessionId, deadline, windowEnd));
    }
  }

  /** Cancels what is scheduled (server shutdown). */
  clear(): void {
    this.#stopped = true;
    for (const timer of this.#timers) this.#deps.clock.clearTimeout(timer);
    this.#timers.clear();
  }

  #later(ms: number, run: () => void): void {
    const timer = this.#deps.clock.setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) run();
    }, ms);
    this.#timers.add(timer);
  }

  #try(sessionId: string, deadline: number, windowEnd: number): void {
    const readiness = this.#deps.host.readiness(sessionId);
    if (readiness === 'ready') {
      this.#migrate(sessionId, deadline).catch((error: unknown) =>
        this.#log('warn', 'migration failed', { sessionId, err: error }),
      );
      return;
    }
    // A member in its grace may be back in a moment; past the window the deadline decides.
    if (
      (readiness === 'memberAway' || readiness === 'frozen') &&
      this.#deps.clock.now() + RETRY_MS < windowEnd
    ) {
      this.#later(RETRY_MS, () => this.#try(sessionId, deadline, windowEnd));
      return;
    }
    this.#log('info', 'migration skipped', { sessionId, readiness });
  }

  async #migrate(sessionId: string, deadline: number): Promise<void> {
    const { host, target } = this.#deps;
    const destination = await target.pick(sessionId);
    if (this.#stopped) return;
    if (!destination) {
      this.#log('info', 'migration skipped', { sessionId, readiness: 'noTarget' });
      return;
    }
    if (host.readiness(sessionId) !== 'ready') return;
    const snapshot = host.freeze(sessionId);
    try {
      await target.transfer(destination.nodeId, snapshot);
    } catch (error) {
      host.thaw(sessionId);
      this.#log('warn', 'migration failed', { sessionId, to: destination.nodeId, err: error });
      return;
    }
    host.handOver(sessionId, destination, deadline);
  }

  #log(level: 'info' | 'warn', event: string, context: Record<string, unknown>): void {
    logEvent(this.#deps.logger, level, event, context);
  }
}
