import type { MoveNotice } from '../../protocol';
import type { ServerTimer } from '../clock';
import { Connection } from '../connection/connection';
import { logEvent, type ServerLogger } from '../logger';
import type { MigrationDestination, SessionSnapshot } from '../migration/migration-target';
import type { ResolvedServerOptions } from '../options';
import type { ConnectionDirectory } from './connection-directory';
import type { GraceTimer } from './grace-timer';

/** What a {@link SessionTransfer} works on (the hub's parts). */
export interface SessionTransferDeps {
  options: ResolvedServerOptions;
  logger: ServerLogger;
  dir: ConnectionDirectory;
  grace: GraceTimer;
  /** Ends a member whose grace ran out. */
  evict(connection: Connection): void;
  /** A session arrived: its empty-session expiry must not fire. */
  arrived(sessionId: string): void;
}

/** Whether a session can migrate now. */
export type MigrationReadiness = 'ready' | 'gone' | 'optedOut' | 'memberAway' | 'frozen';

/** How long a moved member's old socket stays open when its client does not close it first. */
export const MOVED_SOCKET_LINGER_MS = 10_000;

/**
 * Session migration on one node, both ends: freezing a session and taking its snapshot, handing it
 * over (`hf:move` to every member, then forgetting the session without announcing anyone's departure;
 * each connection stays findable so a resume that missed the notice is sent on), putting
 * it back when the handover failed, and importing a snapshot from another node (members detached, each
 * in its grace as after a lost socket, waiting for their resume).
 */
export class SessionTransfer {
  readonly #deps: SessionTransferDeps;
  readonly #frozen = new Set<string>();
  readonly #movedAway = new Set<string>();
  readonly #lingering = new Set<ServerTimer>();

  constructor(deps: SessionTransferDeps) {
    this.#deps = deps;
  }

  /** Whether a join to `sessionId` must be refused here (it is moving or has moved away). */
  blocksJoin(sessionId: string): boolean {
    return this.#frozen.has(sessionId) || this.#movedAway.has(sessionId);
  }

  /** Whether `sessionId` can migrate now: every member opted in and has its socket. */
  readiness(sessionId: string): MigrationReadiness {
    const live = this.#deps.dir.session(sessionId);
    if (!live || live.size === 0) return 'gone';
    if (this.#frozen.has(sessionId)) return 'frozen';
    const members = live.members();
    if (!members.every((member) => member.migratable)) return 'optedOut';
    if (!members.every((member) => member.status === 'live' && member.sink !== null)) return 'memberAway';
    return 'ready';
  }

  /** Stops processing anything for `sessionId` and returns its snapshot. */
  freeze(sessionId: string): SessionSnapshot {
    const live = this.#deps.dir.session(sessionId);
    if (!live) throw new Error(`no live session ${sessionId}`);
    this.#frozen.add(sessionId);
    const members = live.members();
    for (const member of members) member.freeze();
    return {
      sessionId,
      fromNodeId: this.#deps.options.nodeId,
      members: members.map((member) => member.snapshot()),
      streams: live.streams(),
    };
  }

  /**
   * The handover failed: `sessionId` stays here. Its members' sockets are dropped so their clients
   * resume here and resend what the freeze left unanswered.
   */
  thaw(sessionId: string): void {
    this.#frozen.delete(sessionId);
    for (const member of this.#deps.dir.session(sessionId)?.members() ?? []) {
      member.thaw();
      this.#deps.grace.start(member, () => this.#deps.evict(member));
    }
  }

  /** The target imported `sessionId`: tell each member where to go, then forget the session here. */
  handOver(sessionId: string, destination: MigrationDestination, deadline: number): number {
    const live = this.#deps.dir.session(sessionId);
    this.#frozen.delete(sessionId);
    this.#movedAway.add(sessionId);
    if (!live) return 0;
    const notice: MoveNotice = { url: destination.url, nodeId: destination.nodeId, deadline };
    const clock = this.#deps.options.clock;
    const members = live.members();
    for (const member of members) {
      // Kept findable (not a member any more): a client that missed the notice and resumes here is
      // answered and told again.
      member.moveAway(notice);
      this.#deps.grace.clear(member);
      const sink = member.sink;
      if (!sink) continue;
      sink.move(notice);
      // The client closes it once resumed at the destination; this only catches one that does not.
      const timer = clock.setTimeout(() => {
        this.#lingering.delete(timer);
        if (member.sink === sink) member.detach()?.close();
      }, MOVED_SOCKET_LINGER_MS);
      this.#lingering.add(timer);
    }
    this.#deps.dir.dropSession(sessionId);
    logEvent(this.#deps.logger, 'info', 'session moved', {
      sessionId,
      to: destination.nodeId,
      members: members.length,
    });
    return members.length;
  }

  /** Imports a session another node handed over. Throws when it cannot (the sender keeps it then). */
  importSession(snapshot: SessionSnapshot): void {
    const { dir, options: o } = this.#deps;
    if (dir.session(snapshot.sessionId)) throw new Error(`session ${snapshot.sessionId} already lives here`);
    const connections = snapshot.members.map((member) => {
      if (dir.connection(member.info.connectionId)) {
        throw new Error(`connection ${member.info.connectionId} already exists here`);
      }
      const connection = new Connection({
        info: member.info,
        sessionId: snapshot.sessionId,
        resumeSecret: member.resumeSecret,
        replayCaps: { maxEvents: o.replayMaxEvents, maxBytes: o.replayMaxBytes },
        storedReplies: o.storedReplies,
        clock: o.clock,
        migratable: member.migratable,
      });
      connection.restore(member);
      return connection;
    });
    this.#movedAway.delete(snapshot.sessionId);
    this.#deps.arrived(snapshot.sessionId);
    const live = dir.sessionFor(snapshot.sessionId);
    for (const stream of snapshot.streams) live.putStream(stream);
    for (const connection of connections) {
      live.add(connection);
      dir.register(connection);
      this.#deps.grace.start(connection, () => this.#deps.evict(connection));
    }
    logEvent(this.#deps.logger, 'info', 'session arrived', {
      sessionId: snapshot.sessionId,
      from: snapshot.fromNodeId,
      members: connections.length,
    });
  }

  /** Stops every timer (server shutdown). */
  clear(): void {
    for (const timer of this.#lingering) this.#deps.options.clock.clearTimeout(timer);
    this.#lingering.clear();
  }
}
