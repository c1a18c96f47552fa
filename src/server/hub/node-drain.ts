import type { ServerEvent } from '../../protocol';
import type { ServerClock, ServerTimer } from '../clock';
import { logEvent, type ServerLogger } from '../logger';

/** What a drain acts on: the sessions with members on this node. */
export interface DrainTarget {
  /** Ids of the sessions with members (live or in grace) on this node. */
  sessionIds(): string[];
  /** Queues `evt` for every member of `sessionId`. */
  notify(sessionId: string, evt: ServerEvent): void;
  /** Ends every member of `sessionId` with `serverRotation`; returns how many. */
  endForRotation(sessionId: string): number;
}

/** What a {@link NodeDrain} is built from. */
export interface NodeDrainDeps {
  target: DrainTarget;
  clock: ServerClock;
  logger: ServerLogger;
  /** Told once when the drain starts, with its notification (the `sessionNotification` webhook). */
  onNotice?: (notice: DrainNotice) => void;
  /** Told once at the deadline, after every member left was ended. */
  onDeadline?: (ended: number) => void;
}

/** The notification a drain sends, with the sessions it went to. */
export interface DrainNotice {
  reason: 'serverRotation';
  /** Epoch milliseconds by which every member must have moved. */
  deadline: number;
  sessionIds: string[];
}

/**
 * A planned rotation of this node (R1). Once started the node is draining: `/readyz` answers 503, it
 * takes no new session, every member (and whoever joins meanwhile) gets `sessionNotification`
 * `{ reason: 'serverRotation', deadline }`, and at the deadline whoever is still here ends with
 * `sessionDisconnected` `serverRotation` — clients then re-join elsewhere by themselves (with
 * `sessionMigration` they move before the deadline). Starting again keeps the first deadline.
 */
export class NodeDrain {
  readonly #deps: NodeDrainDeps;
  #deadline: number | null = null;
  #timer: ServerTimer | null = null;

  constructor(deps: NodeDrainDeps) {
    this.#deps = deps;
  }

  /** Whether a drain has started. */
  get draining(): boolean {
    return this.#deadline !== null;
  }

  /** The rotation deadline (epoch ms), once draining. */
  get deadline(): number | null {
    return this.#deadline;
  }

  /** Starts draining with members given `withinMs` to move; returns the deadline (the first one if already draining). */
  start(withinMs: number): number {
    if (this.#deadline !== null) return this.#deadline;
    const { clock, target, logger } = this.#deps;
    const deadline = clock.now() + Math.max(0, withinMs);
    this.#deadline = deadline;
    const evt = this.notice();
    const sessionIds = target.sessionIds();
    for (const sessionId of sessionIds) if (evt) target.notify(sessionId, evt);
    logEvent(logger, 'info', 'drain', { deadline, withinMs, sessions: sessionIds.length });
    this.#deps.onNotice?.({ reason: 'serverRotation', deadline, sessionIds });
    this.#timer = clock.setTimeout(() => this.#expire(), deadline - clock.now());
    return deadline;
  }

  /** The notification a member joining now must get, or null when not draining. */
  notice(): ServerEvent | null {
    if (this.#deadline === null) return null;
    return { kind: 'sessionNotification', reason: 'serverRotation', deadline: this.#deadline };
  }

  /** Stops the deadline timer (server shutdown). */
  clear(): void {
    if (this.#timer !== null) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #expire(): void {
    this.#timer = null;
    const { target, logger } = this.#deps;
    let ended = 0;
    for (const sessionId of target.sessionIds()) ended += target.endForRotation(sessionId);
    logEvent(logger, 'info', 'drain deadline', { ended });
    this.#deps.onDeadline?.(ended);
  }
}
