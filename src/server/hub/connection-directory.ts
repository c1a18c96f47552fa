import type { ServerClock } from '../clock';
import type { Connection } from '../connection/connection';
import { LiveSession } from './live-session';
import { Tombstones } from './tombstones';

/** What a {@link ConnectionDirectory} is built from. */
export interface ConnectionDirectoryOptions {
  clock: ServerClock;
  /** How long and how many gone connection ids are remembered. */
  tombstoneMs: number;
  tombstoneMax: number;
  /** Called when a member's replay buffer overflows. */
  onOverflow: (connection: Connection) => void;
  /** Called when the last member of a session is gone (not when the session is closed). */
  onEmpty: (sessionId: string) => void;
}

/**
 * Where this node finds things: live sessions by id, connections by id (members, plus ended ones
 * kept for a final replay), and the ids of connections gone for good.
 */
export class ConnectionDirectory {
  readonly #sessions = new Map<string, LiveSession>();
  readonly #connections = new Map<string, Connection>();
  readonly #tombstones: Tombstones;
  readonly #onOverflow: (connection: Connection) => void;
  readonly #onEmpty: (sessionId: string) => void;

  constructor(options: ConnectionDirectoryOptions) {
    this.#tombstones = new Tombstones(options.clock, options.tombstoneMs, options.tombstoneMax);
    this.#onOverflow = options.onOverflow;
    this.#onEmpty = options.onEmpty;
  }

  /** Members on this node (live or in grace). */
  get memberCount(): number {
    let count = 0;
    for (const live of this.#sessions.values()) count += live.size;
    return count;
  }

  /** The live session `sessionId`, if it has members here. */
  session(sessionId: string): LiveSession | undefined {
    return this.#sessions.get(sessionId);
  }

  /** The live session `sessionId`, created when missing. */
  sessionFor(sessionId: string): LiveSession {
    let live = this.#sessions.get(sessionId);
    if (!live) {
      live = new LiveSession(sessionId, this.#onOverflow);
      this.#sessions.set(sessionId, live);
    }
    return live;
  }

  /** The session `connection` is a member of, or undefined once it is not a member any more. */
  sessionOf(connection: Connection): LiveSession | undefined {
    const live = this.#sessions.get(connection.sessionId);
    return live?.member(connection.id) === connection ? live : undefined;
  }

  /** Forgets `live` if nobody is left in it. */
  pruneSession(live: LiveSession): void {
    if (live.size !== 0 || this.#sessions.get(live.sessionId) !== live) return;
    this.#sessions.delete(live.sessionId);
    this.#onEmpty(live.sessionId);
  }

  /** Forgets `sessionId` at once (it was closed). */
  /** Ids of the sessions with members on this node. */
  sessionIds(): string[] {
    return [...this.#sessions.keys()];
  }

  dropSession(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  /** The connection `connectionId` (member or ended, still kept). */
  connection(connectionId: string): Connection | undefined {
    return this.#connections.get(connectionId);
  }

  /** Every connection kept. */
  connections(): Connection[] {
    return [...this.#connections.values()];
  }

  /** Makes `connection` findable by its id. */
  register(connection: Connection): void {
    this.#connections.set(connection.id, connection);
  }

  /** Forgets `connection` and remembers its id as gone for good. */
  bury(connection: Connection): void {
    if (this.#connections.get(connection.id) === connection) this.#connections.delete(connection.id);
    this.#tombstones.add(connection.id);
  }

  /** Whether `connectionId` is remembered as gone for good. */
  isGone(connectionId: string): boolean {
    return this.#tombstones.has(connectionId);
  }

  /** Forgets everything (server shutdown). */
  clear(): void {
    this.#sessions.clear();
    this.#connections.clear();
  }
}
