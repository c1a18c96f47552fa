import type {
  ConnectionTokenResponse,
  CreateConnectionRequest,
  DevTokenRequest,
  DrainResponse,
  HealthResponse,
  RestSignalRequest,
  SessionDescription,
} from '../../protocol';
import type { ClusterBroadcast, SignalOutcome } from '../cluster/cluster-bus';
import type { ClusterNode } from '../cluster/cluster-node';
import { logEvent, type ServerLogger } from '../logger';
import type { ResolvedServerOptions } from '../options';
import { ProtocolFailure } from '../protocol-failure';
import type { SessionRecord, SessionRegistry } from '../registry/session-registry';
import type { TokenService } from '../tokens';
import type { SessionHub } from './session-hub';

/** What {@link SessionAdmin} is built from. */
export interface SessionAdminDeps {
  hub: SessionHub;
  registry: SessionRegistry;
  tokens: TokenService;
  options: ResolvedServerOptions;
  logger: ServerLogger;
  /** In a cluster: placement of sessions on nodes. */
  cluster?: ClusterNode;
  /** In a cluster: asks the other nodes to act on the members they host. */
  broadcast?: ClusterBroadcast;
}

/**
 * What the app backend may do (the REST API's operations): sessions, tokens, forced endings, server
 * signals, health. Throws {@link ProtocolFailure} for every refusal.
 */
export class SessionAdmin {
  readonly #deps: SessionAdminDeps;

  constructor(deps: SessionAdminDeps) {
    this.#deps = deps;
  }

  /** Creates a session, or answers the open one with `customSessionId` (idempotent). */
  async createSession(customSessionId?: string): Promise<SessionDescription> {
    const { registry, options, hub } = this.#deps;
    const sessionId = customSessionId ?? options.ids.sessionId();
    if (hub.drain.draining && !this.#deps.cluster) {
      // A draining single node hosts no new session (an open one may still be asked for,
      // idempotently). In a cluster, placement sends new sessions to nodes that are not draining.
      const known = await registry.get(sessionId);
      if (!known || known.closedAt !== undefined) {
        throw new ProtocolFailure(
          'NODE_DRAINING',
          'this node is draining for a rotation and takes no new session',
        );
      }
    }
    // In a cluster the session is placed when its first token is asked for, on the node with room.
    const host = this.#deps.cluster ? '' : options.nodeId;
    const { record, created } = await registry.create(sessionId, host, hub.now());
    if (created) {
      logEvent(this.#deps.logger, 'info', 'session created', { sessionId });
      hub.sessionOpened(sessionId);
      hub.sessionCreated(sessionId);
    }
    return this.#describe(record);
  }

  /**
   * Starts draining this node for a planned rotation (R1): members get `sessionNotification`
   * `serverRotation` with a deadline `withinMs` from now and end with `serverRotation` at it. Returns
   * the deadline (the first one when already draining).
   */
  drain(withinMs: number = this.#deps.options.drainMs): DrainResponse {
    const { hub } = this.#deps;
    return { nodeId: hub.node.nodeId, deadline: hub.drain.start(withinMs) };
  }

  /**
   * The open session `sessionId` with its members and streams. In a cluster, when this node does not
   * host its members, the node that does answers for them.
   */
  async describe(sessionId: string): Promise<SessionDescription> {
    const record = await this.#open(sessionId);
    const local = this.#describe(record);
    if (this.#deps.hub.liveSession(sessionId) || !this.#deps.broadcast) return local;
    const answers = await this.#deps.broadcast({ op: 'describe', sessionId });
    const hosted = answers.find(isMembers);
    return hosted ? { ...local, connections: hosted.connections, streams: hosted.streams } : local;
  }

  /** The members and streams of `sessionId` on this node, or false when it hosts none of them. */
  describeHere(sessionId: string): Pick<SessionDescription, 'connections' | 'streams'> | false {
    const live = this.#deps.hub.liveSession(sessionId);
    if (!live) return false;
    return { connections: live.members().map((member) => member.info), streams: live.streams() };
  }

  /** Closes `sessionId`: every member gets `sessionDisconnected` `sessionClosedByServer`. */
  async close(sessionId: string): Promise<void> {
    const record = await this.#deps.registry.get(sessionId);
    if (!record) throw new ProtocolFailure('SESSION_NOT_FOUND', `no session "${sessionId}"`);
    if (record.closedAt !== undefined) return;
    const closed = await this.#deps.registry.close(sessionId, this.#deps.hub.now());
    this.#deps.hub.endSession(sessionId);
    if (closed) this.#deps.hub.sessionDestroyed(sessionId, 'sessionClosedByServer');
    await this.#deps.broadcast?.({ op: 'endSession', sessionId });
  }

  /**
   * A signed token for `sessionId` (which must be open), bound to its current incarnation and to
   * `request.identity` (a new identity when none is given).
   */
  async issueToken(sessionId: string, request: CreateConnectionRequest): Promise<ConnectionTokenResponse> {
    const { incarnation } = await this.#open(sessionId);
    const { options } = this.#deps;
    const grant = {
      sessionId,
      incarnation,
      identity: request.identity ?? options.ids.identity(),
      role: request.role ?? 'publisher',
      data: request.data ?? '',
      maxUses: request.maxUses ?? 1,
    };
    const ttlSeconds = request.ttlSeconds ?? options.tokenTtlSeconds;
    const placed = this.#deps.cluster ? { url: (await this.#deps.cluster.place(sessionId)).url } : {};
    const { token, expiresAt } = await this.#deps.tokens.issue({ ...grant, ...placed, ttlSeconds });
    const { identity, role, data, maxUses } = grant;
    return { sessionId, token, identity, role, data, expiresAt, maxUses, ...placed };
  }

  /** Dev mode: a token for `request.sessionId`, creating the session when it is missing or closed. */
  async devToken(request: DevTokenRequest): Promise<ConnectionTokenResponse> {
    const { sessionId, ...connection } = request;
    await this.createSession(sessionId);
    return this.issueToken(sessionId, connection);
  }

  /** Ends one member with `forceDisconnectByServer` (REST). */
  async forceDisconnect(sessionId: string, connectionId: string): Promise<void> {
    await this.#open(sessionId);
    this.#deps.hub.assertServing(sessionId);
    if (this.#deps.hub.forceDisconnect(sessionId, connectionId)) return;
    const elsewhere =
      (await this.#deps.broadcast?.({ op: 'forceDisconnect', sessionId, connectionId })) ?? [];
    if (!elsewhere.includes(true)) {
      throw new ProtocolFailure('CONNECTION_NOT_FOUND', `no connection "${connectionId}" in this session`);
    }
  }

  /**
   * Sends an app signal from the server (`from: null`) to everyone, or to the members in `to`. In a
   * cluster, when this node does not host the session's members, the node that does delivers it.
   */
  async signal(sessionId: string, request: RestSignalRequest): Promise<void> {
    await this.#open(sessionId);
    let outcome = this.signalHere(sessionId, request);
    if (outcome === 'notHere' && this.#deps.broadcast) {
      const answers = await this.#deps.broadcast({ op: 'signal', sessionId, request });
      outcome =
        (answers.find((a) => a === 'delivered' || isMissing(a)) as SignalOutcome | undefined) ?? outcome;
    } else if (outcome === 'notHere') {
      // No other node to ask: one the session moved away from refuses the order rather than swallow it.
      this.#deps.hub.assertServing(sessionId);
    }
    // Nobody hosts a member: a signal to everyone reaches no one; one to named members names a stranger.
    const missing = isMissing(outcome)
      ? outcome.missing
      : outcome === 'notHere'
        ? request.to?.[0]
        : undefined;
    if (missing !== undefined)
      throw new ProtocolFailure('TARGET_NOT_IN_SESSION', `"${missing}" is not a connection of this session`);
  }

  /** Delivers a server signal to the members of `sessionId` this node hosts (see {@link SignalOutcome}). */
  signalHere(sessionId: string, request: RestSignalRequest): SignalOutcome {
    const live = this.#deps.hub.liveSession(sessionId);
    if (!live) return 'notHere';
    this.#deps.hub.assertServing(sessionId);
    const targets = request.to === undefined ? live.members() : [];
    for (const id of request.to ?? []) {
      const member = live.member(id);
      if (!member) return { missing: id };
      targets.push(member);
    }
    live.deliver(targets, { kind: 'signal', from: null, type: request.type, data: request.data });
    return 'delivered';
  }

  /** Liveness and load of this node. */
  async health(): Promise<HealthResponse> {
    const { hub, registry } = this.#deps;
    return {
      ok: true,
      nodeId: hub.node.nodeId,
      bootId: hub.node.bootId,
      sessions: await registry.countOpen(),
      connections: hub.memberCount,
    };
  }

  async #open(sessionId: string): Promise<SessionRecord> {
    const record = await this.#deps.registry.get(sessionId);
    if (!record) throw new ProtocolFailure('SESSION_NOT_FOUND', `no session "${sessionId}"`);
    if (record.closedAt !== undefined) throw new ProtocolFailure('SESSION_CLOSED', 'session was closed');
    return record;
  }

  #describe(record: SessionRecord): SessionDescription {
    const here = this.describeHere(record.sessionId) || { connections: [], streams: [] };
    return { sessionId: record.sessionId, createdAt: record.createdAt, ...here };
  }
}

const isMissing = (answer: unknown): answer is { missing: string } =>
  typeof answer === 'object' &&
  answer !== null &&
  typeof (answer as { missing?: unknown }).missing === 'string';

const isMembers = (answer: unknown): answer is Pick<SessionDescription, 'connections' | 'streams'> =>
  typeof answer === 'object' &&
  answer !== null &&
  Array.isArray((answer as { connections?: unknown }).connections) &&
  Array.isArray((answer as { streams?: unknown }).streams);
