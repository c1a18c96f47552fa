import {
  type DisconnectReason,
  type IceConfig,
  type JoinRequest,
  type JoinSuccess,
  PROTOCOL_VERSION,
  type ResumeRequest,
  type ResumeSuccess,
  type ServerEvent,
} from '../../protocol';
import { Connection, type EventSink } from '../connection/connection';
import { type LogContext, logEvent, type ServerLogger } from '../logger';
import type { ResolvedServerOptions } from '../options';
import { ProtocolFailure } from '../protocol-failure';
import type { SessionRegistry } from '../registry/session-registry';
import type { TokenGrant, TokenService } from '../tokens';
import { eventBytes, LiveSession } from './live-session';
import { Tombstones } from './tombstones';

/** Who answered: this node and this boot of it. */
export type NodeInfo = JoinSuccess['node'];
/** Timing echoed in join and resume answers. */
export type ServerTiming = JoinSuccess['timing'];

/** What the hub is built from. */
export interface SessionHubDeps {
  options: ResolvedServerOptions;
  registry: SessionRegistry;
  tokens: TokenService;
  logger: ServerLogger;
  bootId: string;
}

/** A successful resume: send `reply` first, then call `replay`. */
export interface ResumeOutcome {
  reply: ResumeSuccess;
  connection: Connection;
  replay: () => void;
}

/**
 * The live state of this node: sessions' members, their connections (with sequences, replay buffers
 * and timers), and every transition of a membership — join, identity replacement, loss and grace,
 * resume, leave, eviction, and the endings the REST API orders.
 */
export class SessionHub {
  readonly node: NodeInfo;
  readonly timing: ServerTiming;
  readonly ice: IceConfig;
  readonly #o: ResolvedServerOptions;
  readonly #registry: SessionRegistry;
  readonly #tokens: TokenService;
  readonly #log: ServerLogger;
  readonly #live = new Map<string, LiveSession>();
  /** Members, plus ended connections kept for a final replay. */
  readonly #index = new Map<string, Connection>();
  readonly #tombstones: Tombstones;
  #closing = false;

  constructor(deps: SessionHubDeps) {
    const o = deps.options;
    this.#o = o;
    this.#registry = deps.registry;
    this.#tokens = deps.tokens;
    this.#log = deps.logger;
    this.node = { nodeId: o.nodeId, bootId: deps.bootId };
    this.timing = { graceMs: o.graceMs, pingIntervalMs: o.pingIntervalMs, pingTimeoutMs: o.pingTimeoutMs };
    this.ice = { iceServers: o.iceServers, iceTransportPolicy: o.iceTransportPolicy };
    this.#tombstones = new Tombstones(o.clock, o.evictedMemoryMs, o.evictedMemoryMax);
  }

  /** Epoch milliseconds on the hub's clock. */
  now(): number {
    return this.#o.clock.now();
  }

  /** Members on this node (live or in grace). */
  get memberCount(): number {
    let count = 0;
    for (const live of this.#live.values()) count += live.size;
    return count;
  }

  /** The live session `sessionId`, if it has members on this node. */
  liveSession(sessionId: string): LiveSession | undefined {
    return this.#live.get(sessionId);
  }

  /** The session `connection` is a member of, or undefined once it is not a member any more. */
  sessionOf(connection: Connection): LiveSession | undefined {
    const live = this.#live.get(connection.sessionId);
    return live?.member(connection.id) === connection ? live : undefined;
  }

  /**
   * Checks a join: token (signature, expiry, session binding) and session (exists, open). Throws a
   * {@link ProtocolFailure} on refusal. Call {@link admit} right after, in the same tick.
   */
  async authorize(request: JoinRequest): Promise<TokenGrant> {
    const grant = await this.#tokens.verify(request.token);
    if (grant.sessionId !== request.sessionId) {
      throw new ProtocolFailure('TOKEN_SESSION_MISMATCH', 'token was issued for another session');
    }
    const record = await this.#registry.get(request.sessionId);
    if (!record) throw new ProtocolFailure('SESSION_NOT_FOUND', `no session "${request.sessionId}"`);
    if (record.closedAt !== undefined) throw new ProtocolFailure('SESSION_CLOSED', 'session was closed');
    if (this.#closing) throw new ProtocolFailure('INTERNAL', 'server is shutting down');
    return grant;
  }

  /**
   * Makes the new member (replacing a connection with the same identity) and tells the others.
   * Send `reply` before anything else happens on the socket: events for the member follow it.
   */
  admit(
    request: JoinRequest,
    grant: TokenGrant,
    sink: EventSink,
  ): { reply: JoinSuccess; connection: Connection } {
    const live = this.#liveFor(request.sessionId);
    const replaced = live.memberWithIdentity(request.identity);
    if (replaced) this.#replace(live, replaced);
    const o = this.#o;
    const resumeSecret = o.ids.resumeSecret();
    const connection = new Connection({
      info: {
        connectionId: o.ids.connectionId(),
        identity: request.identity,
        role: grant.role,
        data: grant.data,
        createdAt: o.clock.now(),
      },
      sessionId: request.sessionId,
      resumeSecret,
      replayCaps: { maxEvents: o.replayMaxEvents, maxBytes: o.replayMaxBytes },
      storedReplies: o.storedReplies,
      clock: o.clock,
    });
    const reply: JoinSuccess = {
      ok: true,
      v: PROTOCOL_VERSION,
      sessionId: request.sessionId,
      connectionId: connection.id,
      identity: connection.identity,
      role: grant.role,
      data: grant.data,
      resumeSecret,
      connections: live.members().map((member) => member.info),
      streams: live.streams(),
      ice: this.ice,
      timing: this.timing,
      node: this.node,
      seq: 0,
    };
    if (replaced) reply.replaced = replaced.id;
    live.add(connection);
    this.#index.set(connection.id, connection);
    connection.attach(sink);
    const created: ServerEvent = { kind: 'connectionCreated', connection: connection.info };
    if (replaced) created.replaces = replaced.id;
    live.broadcast(created, connection);
    this.#event('info', 'join', connection, { socketId: sink.id, role: grant.role, replaced: replaced?.id });
    return { reply, connection };
  }

  /** Re-attaches a connection to a new socket. Throws a {@link ProtocolFailure} on refusal. */
  resume(request: ResumeRequest, sink: EventSink): ResumeOutcome {
    const connection = this.#index.get(request.connectionId);
    if (!connection || connection.sessionId !== request.sessionId) {
      if (this.#tombstones.has(request.connectionId)) {
        throw new ProtocolFailure('CONNECTION_EVICTED', 'connection was evicted or has ended');
      }
      throw new ProtocolFailure('CONNECTION_NOT_FOUND', 'no such connection on this node');
    }
    if (!connection.resumeSecretMatches(request.resumeSecret)) {
      throw new ProtocolFailure('RESUME_SECRET_INVALID', 'resume secret does not match');
    }
    const previous = connection.detach();
    if (connection.status === 'grace') {
      connection.cancelTimer();
      connection.status = 'live';
    }
    connection.attach(sink);
    // The client may notice a half-open link before the server does: drop the old socket.
    previous?.close();
    const reply: ResumeSuccess = {
      ok: true,
      connectionId: connection.id,
      lastClientSeq: connection.lastClientSeq,
      timing: this.timing,
      node: this.node,
    };
    const replay = () => {
      const replayed = connection.replayAfter(request.lastSeq);
      this.#event('info', 'resume', connection, {
        socketId: sink.id,
        lastSeq: request.lastSeq,
        replayed,
        ended: connection.status === 'ended',
      });
      // An ended connection only came back for its final event.
      if (connection.status === 'ended') this.#bury(connection);
    };
    return { reply, connection, replay };
  }

  /** The socket behind `sink` closed: a live member enters its grace. */
  socketClosed(connection: Connection, sink: EventSink, reason: string): void {
    if (connection.sink !== sink) return;
    connection.detach();
    if (connection.status !== 'live' || this.#closing) return;
    connection.status = 'grace';
    connection.schedule(this.#o.graceMs, () => this.#evict(connection, 'graceExpired'));
    this.#event('info', 'grace start', connection, { socketId: sink.id, reason, graceMs: this.#o.graceMs });
  }

  /**
   * `connection` leaves on purpose: the others get `streamDestroyed` and `connectionDestroyed` (reason
   * `disconnect`). Returns what closes its socket, to be called after the reply is sent.
   */
  leave(connection: Connection): () => void {
    this.#removeMember(connection, 'disconnect', true);
    const sink = connection.detach();
    this.#bury(connection);
    this.#event('info', 'leave', connection);
    return () => sink?.close();
  }

  /** REST: ends `connectionId` with `forceDisconnectByServer`; false when it is not a member. */
  forceDisconnect(sessionId: string, connectionId: string): boolean {
    const connection = this.#live.get(sessionId)?.member(connectionId);
    if (!connection) return false;
    this.#removeMember(connection, 'forceDisconnectByServer', true);
    this.#retire(connection, 'forceDisconnectByServer');
    this.#event('info', 'force disconnect', connection);
    return true;
  }

  /** REST: every member gets `sessionDisconnected` `sessionClosedByServer`; returns how many. */
  endSession(sessionId: string): number {
    const live = this.#live.get(sessionId);
    if (!live) return 0;
    this.#live.delete(sessionId);
    const members = live.members();
    for (const connection of members) {
      live.remove(connection);
      this.#retire(connection, 'sessionClosedByServer');
    }
    logEvent(this.#log, 'info', 'session closed', { sessionId, members: members.length });
    return members.length;
  }

  /** Stops every timer and drops every socket (server shutdown). */
  shutdown(): void {
    this.#closing = true;
    for (const connection of this.#index.values()) {
      connection.cancelTimer();
      connection.detach()?.close();
    }
    this.#index.clear();
    this.#live.clear();
  }

  #liveFor(sessionId: string): LiveSession {
    let live = this.#live.get(sessionId);
    if (!live) {
      live = new LiveSession(sessionId, (connection) => this.#evict(connection, 'replayOverflow'));
      this.#live.set(sessionId, live);
    }
    return live;
  }

  /** A join with the same identity: the old connection's streams end, it vanishes without a word. */
  #replace(live: LiveSession, old: Connection): void {
    for (const stream of live.remove(old)) {
      live.broadcast({
        kind: 'streamDestroyed',
        streamId: stream.streamId,
        connectionId: old.id,
        reason: 'networkDisconnect',
      });
    }
    this.#bury(old);
    this.#event('info', 'replace', old);
  }

  #evict(connection: Connection, cause: 'graceExpired' | 'replayOverflow'): void {
    if (connection.status === 'ended') return;
    this.#removeMember(connection, 'networkDisconnect', true);
    this.#bury(connection);
    this.#event('info', 'evict', connection, { cause, reason: 'networkDisconnect' });
  }

  /** Removes a member and tells the others about its streams (and itself, when `announce`). */
  #removeMember(connection: Connection, reason: DisconnectReason, announce: boolean): void {
    const live = this.sessionOf(connection);
    if (!live) return;
    const streams = live.remove(connection);
    for (const stream of streams) {
      live.broadcast({
        kind: 'streamDestroyed',
        streamId: stream.streamId,
        connectionId: connection.id,
        reason,
      });
    }
    if (announce) {
      live.broadcast({
        kind: 'connectionDestroyed',
        connectionId: connection.id,
        identity: connection.identity,
        reason,
      });
    }
    if (live.size === 0 && this.#live.get(live.sessionId) === live) this.#live.delete(live.sessionId);
  }

  /**
   * Ends a connection the server removed: its final `sessionDisconnected` is queued, its socket closed,
   * and it is kept for one grace period so a client that missed the event can resume and fetch it.
   */
  #retire(connection: Connection, reason: DisconnectReason): void {
    connection.status = 'ended';
    const evt: ServerEvent = { kind: 'sessionDisconnected', reason };
    connection.push(evt, eventBytes(evt));
    connection.detach()?.close();
    connection.schedule(this.#o.graceMs, () => this.#bury(connection));
  }

  /** Forgets a connection for good; a later resume is answered `CONNECTION_EVICTED`. */
  #bury(connection: Connection): void {
    connection.status = 'ended';
    connection.cancelTimer();
    connection.dropBuffer();
    connection.detach()?.close();
    if (this.#index.get(connection.id) === connection) this.#index.delete(connection.id);
    this.#tombstones.add(connection.id);
  }

  #event(level: 'info' | 'warn', event: string, connection: Connection, extra: LogContext = {}): void {
    logEvent(this.#log, level, event, {
      sessionId: connection.sessionId,
      connectionId: connection.id,
      identity: connection.identity,
      ...extra,
    });
  }
}
