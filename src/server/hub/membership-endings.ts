import type { DisconnectReason, ServerEvent } from '../../protocol';
import type { Connection } from '../connection/connection';
import { type LogContext, logEvent, type ServerLogger } from '../logger';
import type { ConnectionDirectory } from './connection-directory';
import { eventBytes, type LiveSession } from './live-session';

/** Told of every membership that ends, with the reason its peers (or it) were given. */
export type MemberLeft = (connection: Connection, reason: DisconnectReason) => void;

/** Why a member was evicted. */
export type EvictionCause = 'graceExpired' | 'replayOverflow';

/**
 * Every way a membership ends, with what each tells whom:
 * - replaced (same identity joined again): its streams end for the others, and it gets
 *   `duplicateIdentity` (the newer page, tab or device wins);
 * - evicted (grace ran out, or replay buffer overflow): `networkDisconnect` to the others;
 * - left: `disconnect` to the others;
 * - forced by the REST API: `forceDisconnectByServer` to it and the others; by a moderator:
 *   `forceDisconnectByUser`;
 * - session closed by the REST API: `sessionClosedByServer` to every member; by a drain's deadline:
 *   `serverRotation`.
 */
export class MembershipEndings {
  readonly #dir: ConnectionDirectory;
  readonly #graceMs: number;
  readonly #log: ServerLogger;
  readonly #onLeft: MemberLeft;

  constructor(
    dir: ConnectionDirectory,
    graceMs: number,
    logger: ServerLogger,
    onLeft: MemberLeft = () => {},
  ) {
    this.#dir = dir;
    this.#graceMs = graceMs;
    this.#log = logger;
    this.#onLeft = onLeft;
  }

  /**
   * A join with the same identity: the old connection's streams end for the others (the new one takes
   * its place in their rosters, no departure is announced) and the old one ends with `duplicateIdentity`.
   */
  replace(live: LiveSession, old: Connection): void {
    live.expel(old, 'networkDisconnect', false);
    this.#retire(old, 'duplicateIdentity');
    this.#event('replace', old);
    this.#onLeft(old, 'duplicateIdentity');
  }

  evict(connection: Connection, cause: EvictionCause): void {
    if (connection.status === 'ended') return;
    this.#removeMember(connection, 'networkDisconnect', true);
    this.bury(connection);
    this.#event('evict', connection, { cause, reason: 'networkDisconnect' });
    this.#onLeft(connection, 'networkDisconnect');
  }

  /** Leaves on purpose; returns what closes the socket, to be called once the reply is sent. */
  leave(connection: Connection): () => void {
    this.#removeMember(connection, 'disconnect', true);
    const sink = connection.detach();
    this.bury(connection);
    this.#event('leave', connection);
    this.#onLeft(connection, 'disconnect');
    return () => sink?.close();
  }

  /** Ends one member with `reason`; false when it is not a member. */
  forceDisconnect(sessionId: string, connectionId: string, reason: DisconnectReason): boolean {
    const connection = this.#dir.session(sessionId)?.member(connectionId);
    if (!connection) return false;
    this.#removeMember(connection, reason, true);
    this.#retire(connection, reason);
    this.#event('force disconnect', connection, { reason });
    this.#onLeft(connection, reason);
    return true;
  }

  /**
   * Ends every member with `reason` (`sessionClosedByServer` when the REST API closed the session,
   * `serverRotation` at a drain's deadline); returns how many.
   */
  endSession(sessionId: string, reason: DisconnectReason = 'sessionClosedByServer'): number {
    const live = this.#dir.session(sessionId);
    if (!live) return 0;
    this.#dir.dropSession(sessionId);
    const members = live.members();
    for (const connection of members) {
      live.remove(connection);
      this.#retire(connection, reason);
      this.#onLeft(connection, reason);
    }
    logEvent(this.#log, 'info', 'session closed', { sessionId, members: members.length, reason });
    return members.length;
  }

  /** Forgets a connection for good; a later resume is answered `CONNECTION_EVICTED`. */
  bury(connection: Connection): void {
    connection.end();
    this.#dir.bury(connection);
  }

  #removeMember(connection: Connection, reason: DisconnectReason, announce: boolean): void {
    const live = this.#dir.sessionOf(connection);
    if (!live) return;
    live.expel(connection, reason, announce);
    this.#dir.pruneSession(live);
  }

  /**
   * Ends a connection the server removed: its final `sessionDisconnected` is queued, its socket closed,
   * and it is kept for one grace period so a client that missed the event can resume and fetch it.
   */
  #retire(connection: Connection, reason: DisconnectReason): void {
    const evt: ServerEvent = { kind: 'sessionDisconnected', reason };
    connection.retire(evt, eventBytes(evt), this.#graceMs, () => this.bury(connection));
  }

  #event(event: string, connection: Connection, extra: LogContext = {}): void {
    logEvent(this.#log, 'info', event, { ...connection.logContext, ...extra });
  }
}
