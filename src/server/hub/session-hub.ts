import {
  type ClusterPeer,
  type DisconnectReason,
  type IceConfig,
  type JoinRequest,
  type JoinSuccess,
  PROTOCOL_VERSION,
  type ProtocolError,
  type ResumeRequest,
  type ResumeSuccess,
  type ServerEvent,
} from '../../protocol';
import type { ClusterNode } from '../cluster/cluster-node';
import { Connection, type EventSink } from '../connection/connection';
import { type LogContext, logEvent, type ServerLogger } from '../logger';
import type { MigrationTarget, SessionSnapshot } from '../migration/migration-target';
import { SessionMigrator } from '../migration/session-migrator';
import type { ResolvedServerOptions } from '../options';
import { ProtocolFailure } from '../protocol-failure';
import type { SessionRegistry } from '../registry/session-registry';
import type { TokenGrant, TokenService } from '../tokens';
import { noWebhooks, type SessionEndReason, type WebhookEmitter } from '../webhooks/webhook-events';
import { ConnectionDirectory } from './connection-directory';
import { EmptySessionExpiry } from './empty-session-expiry';
import { GraceTimer } from './grace-timer';
import { JoinGate } from './join-gate';
import type { LiveSession } from './live-session';
import { type EvictionCause, MembershipEndings } from './membership-endings';
import { type DrainNotice, NodeDrain } from './node-drain';
import { SessionTransfer } from './session-transfer';

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
  /** Milliseconds this process's event loop has been stalled so far (given back to graces). @default none */
  stalledMs?: () => number;
  /** Told of every eviction (metrics). */
  onEvict?: (cause: EvictionCause) => void;
  /** Told once when a drain starts (the `sessionNotification` webhook). */
  onDrainNotice?: (notice: DrainNotice) => void;
  /** Where membership and session events go as webhooks. @default none */
  webhooks?: WebhookEmitter;
  /** Where sessions move when this node drains. @default none: members stay until the deadline */
  migrationTarget?: MigrationTarget;
  /** A draw in [0, 1) (spreads migrations over their window). @default Math.random */
  random?: () => number;
  /** This node's side of the cluster, when the server is one node of a cluster. */
  cluster?: ClusterNode;
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
  readonly #options: ResolvedServerOptions;
  readonly #log: ServerLogger;
  readonly #dir: ConnectionDirectory;
  readonly #endings: MembershipEndings;
  readonly #gate: JoinGate;
  readonly #emptyExpiry: EmptySessionExpiry;
  readonly #grace: GraceTimer;
  readonly #onEvict: (cause: EvictionCause) => void;
  readonly #transfer: SessionTransfer;
  readonly #migrator: SessionMigrator | null;
  /** Planned rotation of this node (R1). */
  readonly drain: NodeDrain;
  readonly #webhooks: WebhookEmitter;
  readonly #cluster: ClusterNode | undefined;
  #closing = false;

  constructor(deps: SessionHubDeps) {
    const o = deps.options;
    this.#options = o;
    this.#webhooks = deps.webhooks ?? noWebhooks;
    this.#log = deps.logger;
    this.node = { nodeId: o.nodeId, bootId: deps.bootId };
    this.timing = {
      graceMs: o.graceMs,
      pingIntervalMs: o.pingIntervalMs,
      pingTimeoutMs: o.pingTimeoutMs,
      ...(o.maxGraceExtensionMs > 0 ? { holdMs: o.graceMs + o.maxGraceExtensionMs } : {}),
    };
    this.ice = {
      iceServers: o.iceServers.map((server) => ({ ...server, urls: [server.urls].flat() })),
      iceTransportPolicy: o.iceTransportPolicy,
    };
    this.#dir = new ConnectionDirectory({
      clock: o.clock,
      tombstoneMs: o.evictedMemoryMs,
      tombstoneMax: o.evictedMemoryMax,
      onOverflow: (connection) => this.#evict(connection, 'replayOverflow'),
      onEmpty: (sessionId) => this.#emptyExpiry.arm(sessionId),
    });
    this.#cluster = deps.cluster;
    const cluster = deps.cluster;
    this.#gate = new JoinGate({
      ...deps,
      clock: o.clock,
      maxSessionMembers: o.maxSessionMembers,
      ...(cluster ? { checkHost: (record) => cluster.checkHost(record) } : {}),
    });
    this.#emptyExpiry = new EmptySessionExpiry({
      ...deps,
      clock: o.clock,
      afterMs: o.emptySessionTtlMs,
      nodeId: o.nodeId,
      hasMembers: (sessionId) => this.#closing || this.#dir.session(sessionId) !== undefined,
      onExpired: (sessionId) => this.sessionDestroyed(sessionId, 'emptySessionExpired'),
    });
    this.#endings = new MembershipEndings(this.#dir, o.graceMs, deps.logger, (connection, reason) =>
      this.#webhooks.emit({
        type: 'participantLeft',
        data: {
          sessionId: connection.sessionId,
          nodeId: o.nodeId,
          connectionId: connection.id,
          identity: connection.identity,
          reason,
        },
      }),
    );
    this.#onEvict = deps.onEvict ?? (() => {});
    this.drain = new NodeDrain({
      clock: o.clock,
      logger: deps.logger,
      target: {
        sessionIds: () => this.#dir.sessionIds(),
        notify: (sessionId, evt) => this.#dir.session(sessionId)?.broadcast(evt),
        endForRotation: (sessionId) => this.#endings.endSession(sessionId, 'serverRotation'),
      },
      onNotice: (notice) => {
        deps.onDrainNotice?.(notice);
        this.#migrator?.start(notice.deadline, notice.sessionIds);
      },
    });
    this.#grace = new GraceTimer({
      clock: o.clock,
      graceMs: o.graceMs,
      maxExtensionMs: o.maxGraceExtensionMs,
      stormMembers: o.stormGraceMembers,
      stalledMs: deps.stalledMs ?? (() => 0),
    });
    this.#transfer = new SessionTransfer({
      options: o,
      logger: deps.logger,
      dir: this.#dir,
      grace: this.#grace,
      evict: (connection) => this.#evict(connection, 'graceExpired'),
      arrived: (sessionId) => this.#emptyExpiry.disarm(sessionId),
    });
    const transfer = this.#transfer;
    this.#migrator = deps.migrationTarget
      ? new SessionMigrator({
          host: {
            readiness: (sessionId) => transfer.readiness(sessionId),
            freeze: (sessionId) => transfer.freeze(sessionId),
            thaw: (sessionId) => transfer.thaw(sessionId),
            handOver: (sessionId, destination, deadline) =>
              transfer.handOver(sessionId, destination, deadline),
          },
          target: deps.migrationTarget,
          clock: o.clock,
          random: deps.random ?? Math.random,
          logger: deps.logger,
        })
      : null;
  }

  /**
   * Takes over a session another node hands over (migration): its members wait, each in its grace,
   * for their clients to resume here. Throws when this node cannot take it (draining, closing, the
   * session or a connection already here); the sender keeps the session then.
   */
  importSession(snapshot: SessionSnapshot): void {
    if (this.#closing || this.drain.draining) throw new Error('this node takes no session');
    this.#transfer.importSession(snapshot);
  }

  /** Epoch milliseconds on the hub's clock. */
  now(): number {
    return this.#options.clock.now();
  }

  /** Members on this node (live or in grace). */
  get memberCount(): number {
    return this.#dir.memberCount;
  }

  /**
   * Refuses (`NODE_DRAINING`) an order for `sessionId` while it moves to another node or once it has:
   * what this node did with it now would be lost or split from the session's new home.
   */
  assertServing(sessionId: string): void {
    if (this.#transfer.blocksJoin(sessionId)) {
      throw new ProtocolFailure('NODE_DRAINING', 'the session is moving or has moved to another node');
    }
  }

  /** The live session `sessionId`, if it has members on this node. */
  liveSession(sessionId: string): LiveSession | undefined {
    return this.#dir.session(sessionId);
  }

  /** The session `connection` is a member of, or undefined once it is not a member any more. */
  sessionOf(connection: Connection): LiveSession | undefined {
    return this.#dir.sessionOf(connection);
  }

  /**
   * Checks a join: token (signature, expiry, session incarnation and identity binding) and session
   * (exists, open). Throws a {@link ProtocolFailure} on refusal. Call {@link admit} right after, in the
   * same tick.
   */
  async authorize(request: JoinRequest): Promise<TokenGrant> {
    const refusal = this.#cluster?.refusal();
    if (refusal) throw refusal;
    const grant = await this.#gate.check(request);
    if (this.#closing) throw new ProtocolFailure('INTERNAL', 'server is shutting down');
    return grant;
  }

  /**
   * Makes the new member (replacing a connection with the same identity) and tells the others.
   * Send `reply` before anything else happens on the socket: events for the member follow it.
   * Throws a {@link ProtocolFailure} when the session is full or the token has no use left.
   */
  admit(
    request: JoinRequest,
    grant: TokenGrant,
    sink: EventSink,
  ): { reply: JoinSuccess; connection: Connection } {
    this.assertServing(request.sessionId);
    const existing = this.#dir.session(request.sessionId);
    this.#gate.claim(grant, existing, existing?.memberWithIdentity(request.identity) !== undefined);
    this.#emptyExpiry.disarm(request.sessionId);
    const live = this.#dir.sessionFor(request.sessionId);
    const replaced = live.memberWithIdentity(request.identity);
    if (replaced) this.#endings.replace(live, replaced);
    const o = this.#options;
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
      migratable: request.migration === true,
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
      ...this.peers(),
      seq: 0,
    };
    if (replaced) reply.replaced = replaced.id;
    live.add(connection);
    this.#dir.register(connection);
    connection.attach(sink);
    const created: ServerEvent = { kind: 'connectionCreated', connection: connection.info };
    if (replaced) created.replaces = replaced.id;
    live.broadcast(created, connection);
    this.#event('join', connection, { socketId: sink.id, role: grant.role, replaced: replaced?.id });
    const { connectionId, identity, role, data } = connection.info;
    const joined = { sessionId: request.sessionId, nodeId: o.nodeId, connectionId, identity, role, data };
    this.#webhooks.emit({
      type: 'participantJoined',
      data: replaced ? { ...joined, replaces: replaced.id } : joined,
    });
    return { reply, connection };
  }

  /**
   * Call right after the join answer was sent: queues what a member joining now must hear first (the
   * rotation notice while this node drains).
   */
  welcome(connection: Connection): void {
    const notice = this.drain.notice();
    if (notice) this.#dir.sessionOf(connection)?.deliver([connection], notice);
  }

  /** Re-attaches a connection to a new socket. Throws a {@link ProtocolFailure} on refusal. */
  resume(request: ResumeRequest, sink: EventSink): ResumeOutcome {
    const refusal = this.#cluster?.refusal();
    if (refusal) throw refusal;
    const connection = this.#dir.connection(request.connectionId);
    if (!connection || connection.sessionId !== request.sessionId) {
      if (this.#dir.isGone(request.connectionId)) {
        throw new ProtocolFailure('CONNECTION_EVICTED', 'connection was evicted or has ended');
      }
      throw new ProtocolFailure('CONNECTION_NOT_FOUND', 'no such connection on this node');
    }
    if (!connection.resumeSecretMatches(request.resumeSecret)) {
      throw new ProtocolFailure('RESUME_SECRET_INVALID', 'resume secret does not match');
    }
    const reply: ResumeSuccess = {
      ok: true,
      connectionId: connection.id,
      lastClientSeq: connection.lastClientSeq,
      timing: this.timing,
      node: this.node,
      ...this.peers(),
    };
    // The client may notice a half-open socket before the server does: the old one is dropped.
    const previous = connection.resumeOn(sink);
    previous?.close();
    const moved = connection.movedTo;
    if (moved) return { reply, connection, replay: () => sink.move(moved) };
    this.#grace.clear(connection);
    const replay = () => {
      const replayed = connection.replayAfter(request.lastSeq);
      this.#event('resume', connection, {
        socketId: sink.id,
        lastSeq: request.lastSeq,
        replayed,
        ended: connection.status === 'ended',
      });
      // An ended connection only came back for its final event.
      if (connection.status === 'ended') this.#endings.bury(connection);
    };
    return { reply, connection, replay };
  }

  /** In a cluster: why this node may not serve right now (fenced, or no lease), if so. */
  clusterRefusal(): ProtocolError | undefined {
    return this.#cluster?.refusal()?.toWire();
  }

  /** In a cluster: `{ nodes }`, the other healthy nodes, for every join and resume answer. */
  peers(): { nodes?: ClusterPeer[] } {
    return this.#cluster ? { nodes: this.#cluster.peers() } : {};
  }

  /**
   * In a cluster, a resume refused `CONNECTION_NOT_FOUND` may be for a connection another node hosts
   * (`NOT_OWNER`) or hosted by a node declared crashed (`NODE_CRASHED`): the answer, asked of the
   * store. Undefined when the refusal stands as it is.
   */
  explainResumeRefusal(request: ResumeRequest, error: unknown): Promise<ProtocolError> | undefined {
    const cluster = this.#cluster;
    if (!cluster || !(error instanceof ProtocolFailure) || error.code !== 'CONNECTION_NOT_FOUND')
      return undefined;
    return cluster.resumeRefusal(request.sessionId).then(
      (explained) => (explained ?? error).toWire(),
      () => error.toWire(),
    );
  }

  /** The socket behind `sink` closed: a live member enters its grace. */
  socketClosed(connection: Connection, sink: EventSink, reason: string): void {
    if (connection.sink !== sink) return;
    connection.detach();
    if (connection.frozen || this.#closing) return;
    if (!this.#grace.start(connection, () => this.#evict(connection, 'graceExpired'))) return;
    this.#event('grace start', connection, { socketId: sink.id, reason, graceMs: this.#options.graceMs });
  }

  /** True when this node holds the connection `request` names (a resume of it is worth admitting). */
  holds(request: Pick<ResumeRequest, 'sessionId' | 'connectionId'>): boolean {
    return this.#dir.connection(request.connectionId)?.sessionId === request.sessionId;
  }

  /**
   * A resume the server could not admit now and told to come back at `until` (epoch ms): the member,
   * if in its grace and the secret matches, keeps its place until then (within the extension cap).
   */
  holdForRetry(request: ResumeRequest, until: number): void {
    const connection = this.#dir.connection(request.connectionId);
    if (!connection || connection.sessionId !== request.sessionId) return;
    if (!connection.resumeSecretMatches(request.resumeSecret)) return;
    this.#grace.hold(connection, until);
  }

  /** Leaves on purpose (see {@link MembershipEndings.leave}). */
  leave(connection: Connection): () => void {
    return this.#endings.leave(connection);
  }

  /**
   * Ends `connectionId` with `reason` (`forceDisconnectByServer` from the REST API,
   * `forceDisconnectByUser` from a moderator); false when it is not a member.
   */
  forceDisconnect(
    sessionId: string,
    connectionId: string,
    reason: Extract<DisconnectReason, `forceDisconnect${string}`> = 'forceDisconnectByServer',
  ): boolean {
    return this.#endings.forceDisconnect(sessionId, connectionId, reason);
  }

  /**
   * A session was created (REST), unplaced from a crashed node, or is placed here: it expires unless
   * someone joins in time (a timer already running is kept).
   */
  sessionOpened(sessionId: string): void {
    if (!this.#dir.session(sessionId)) this.#emptyExpiry.arm(sessionId);
  }

  /** Sessions with members on this node. */
  liveSessionIds(): string[] {
    return this.#dir.sessionIds();
  }

  /** A session was created in the registry by this node (webhook). */
  sessionCreated(sessionId: string): void {
    this.#webhooks.emit({ type: 'sessionCreated', data: { sessionId, nodeId: this.#options.nodeId } });
  }

  /** A session was closed in the registry by this node, after its members' endings (webhook). */
  sessionDestroyed(sessionId: string, reason: SessionEndReason): void {
    this.#webhooks.emit({
      type: 'sessionDestroyed',
      data: { sessionId, nodeId: this.#options.nodeId, reason },
    });
  }

  /** REST: every member gets `sessionDisconnected` `sessionClosedByServer`; returns how many. */
  endSession(sessionId: string): number {
    this.#emptyExpiry.disarm(sessionId);
    return this.#endings.endSession(sessionId);
  }

  /** Stops every timer and drops every socket (server shutdown). */
  shutdown(): void {
    this.#closing = true;
    this.drain.clear();
    this.#migrator?.clear();
    this.#transfer.clear();
    this.#emptyExpiry.clear();
    this.#gate.clear();
    for (const connection of this.#dir.connections()) connection.shutdown();
    this.#dir.clear();
  }

  #evict(connection: Connection, cause: EvictionCause): void {
    if (connection.status === 'ended') return;
    this.#endings.evict(connection, cause);
    this.#onEvict(cause);
  }

  #event(event: string, connection: Connection, extra: LogContext): void {
    logEvent(this.#log, 'info', event, { ...connection.logContext, ...extra });
  }
}
