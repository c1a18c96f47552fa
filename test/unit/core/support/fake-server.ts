import * as v from 'valibot';
import type { TimerHandle } from '../../../../src/core/clock';
import type { SocketFactory } from '../../../../src/core/signaling/socket';
import type {
  ClientMessage,
  ConnectionInfo,
  DisconnectReason,
  ErrorCode,
  JoinReply,
  MessageReply,
  ProtocolError,
  ResumeReply,
  ServerEnvelope,
  ServerEvent,
} from '../../../../src/protocol';
import { ClientMessageSchema, JoinRequestSchema, ResumeRequestSchema } from '../../../../src/protocol';
import type { FakeClock } from './fake-clock';
import { FakeSocket, type FakeSocketPeer } from './fake-socket';

interface Conn {
  info: ConnectionInfo;
  secret: string;
  lastClientSeq: number;
  replies: Map<number, MessageReply>;
  buffer: ServerEnvelope[];
  nextSeq: number;
  socket: FakeSocket | null;
  evictTimer: TimerHandle | null;
  /** A member with no socket of its own (the test plays it). */
  virtual: boolean;
}

/** How the network between client and server behaves. */
export type NetMode = 'up' | 'down' | 'blackhole';

/**
 * An in-memory holdfast server speaking the protocol semantics (join, resume inside a grace, replay,
 * exactly-once sequenced messages with stored replies, eviction, node restart), on the fake clock.
 * One session; members the test plays are "virtual" (no socket).
 */
export class FakeServer implements FakeSocketPeer {
  readonly sockets: FakeSocket[] = [];
  /** Every client message processed (once each), in order. */
  readonly processed: Array<{ from: string; msg: ClientMessage }> = [];
  /** Highest `hf:ack` per connection id. */
  readonly acks = new Map<string, number>();
  mode: NetMode = 'up';
  /** Process messages but lose their answers (as if the link died right after). */
  loseReplies = false;
  /** Answer even on sockets the client already closed (an answer already in flight). */
  lateReplies = false;
  /** Delay every answer by this long (fake clock); 0 answers on the next microtask. */
  replyDelayMs = 0;
  /** Called with each request event the server receives, before it answers. */
  onRequest: ((event: string, socket: FakeSocket) => void) | null = null;
  /** Fake-clock time at which each socket was opened (one per attempt). */
  readonly openedAt: number[] = [];
  graceMs = 12_000;
  /** Announced as `timing.holdMs` when set. */
  holdMs: number | undefined = undefined;
  /** The client's address the server reports in join and resume answers (none when null). */
  clientAddress: string | null = null;
  nodeId = 'node-1';
  bootId = 'boot-1';
  sessionId = 'room';
  sessionExists = true;
  /** Answer the next join with this raw value instead (then behave again). */
  nextJoinAnswer: unknown = undefined;
  /** Answer the next resume with this raw value instead (then behave again). */
  nextResumeAnswer: unknown = undefined;
  /** Refuse joins with this code (once set, until cleared). */
  refuseJoin: ErrorCode | null = null;
  /** Refuse a message (after sequencing) when this returns an error. */
  rejectMessage: (msg: ClientMessage) => ProtocolError | null = () => null;
  readonly #clock: FakeClock;
  readonly #conns = new Map<string, Conn>();
  readonly #evicted = new Set<string>();
  #nextId = 1;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  /** The socket factory to give `createSession`'s internals. */
  readonly socketFactory: SocketFactory = (url) => {
    const socket = new FakeSocket(this, url);
    this.sockets.push(socket);
    this.openedAt.push(this.#clock.now());
    return socket;
  };

  /** The socket of the latest attempt. */
  get lastSocket(): FakeSocket | undefined {
    return this.sockets.at(-1);
  }

  /** A member the test plays (no socket). Others are told `connectionCreated`. */
  addPeer(identity: string): string {
    const conn = this.#create(identity, true);
    this.#broadcast(conn.info.connectionId, { kind: 'connectionCreated', connection: conn.info });
    return conn.info.connectionId;
  }

  /** The virtual member `from` sends an app signal (to `to`, or everyone else). */
  signalFrom(from: string, type: string, data: unknown, to?: string[]): void {
    const targets = to ?? [...this.#conns.keys()].filter((id) => id !== from);
    for (const id of targets) this.push(id, { kind: 'signal', from, type, data });
  }

  /** Appends a sequenced event for `connectionId` and sends it if its socket is up. */
  push(connectionId: string, evt: ServerEvent): void {
    const conn = this.#conns.get(connectionId);
    if (!conn) return;
    const env: ServerEnvelope = { seq: conn.nextSeq, evt };
    conn.nextSeq += 1;
    conn.buffer.push(env);
    if (conn.socket && this.mode === 'up') conn.socket.deliver('hf:evt', env);
  }

  /** Events received by a member, in order (what is still buffered for it). */
  eventsFor(connectionId: string): ServerEvent[] {
    return this.#conns.get(connectionId)?.buffer.map((env) => env.evt) ?? [];
  }

  /** Live connection ids (not evicted, not left). */
  connectionIds(): string[] {
    return [...this.#conns.keys()];
  }

  /** The client's heartbeat noticed silence: every open socket closes with `ping timeout`. */
  heartbeatTimeout(): void {
    for (const socket of this.sockets) if (socket.connected) socket.drop('ping timeout');
  }

  /** Evicts at once (as if the grace ran out). */
  evict(connectionId: string): void {
    const conn = this.#conns.get(connectionId);
    if (!conn) return;
    this.#conns.delete(connectionId);
    this.#evicted.add(connectionId);
    conn.socket?.drop('io server disconnect');
    this.#broadcast(connectionId, {
      kind: 'connectionDestroyed',
      connectionId,
      identity: conn.info.identity,
      reason: 'networkDisconnect',
    });
  }

  /** Ends a member's membership with `sessionDisconnected`, then closes its socket. */
  end(connectionId: string, reason: DisconnectReason): void {
    this.push(connectionId, { kind: 'sessionDisconnected', reason });
    const conn = this.#conns.get(connectionId);
    this.#conns.delete(connectionId);
    conn?.socket?.drop('io server disconnect');
  }

  /** The process restarts: new boot id, no state, every socket reset. */
  restart(): void {
    this.bootId = `boot-${this.#nextId++}`;
    const sockets = this.sockets.filter((s) => !s.closed);
    this.#conns.clear();
    this.#evicted.clear();
    for (const socket of sockets) socket.drop('transport close');
  }

  onConnect(socket: FakeSocket): void {
    if (this.mode === 'blackhole') return;
    queueMicrotask(() => {
      if (this.mode === 'down') socket.failConnect();
      else if (this.mode === 'up') socket.acceptConnect();
    });
  }

  onClosed(socket: FakeSocket): void {
    for (const conn of this.#conns.values()) {
      if (conn.socket !== socket) continue;
      conn.socket = null;
      conn.evictTimer = this.#clock.setTimeout(() => this.evict(conn.info.connectionId), this.graceMs);
    }
  }

  onClientEmit(socket: FakeSocket, event: string, payload: unknown, ack?: (reply: unknown) => void): void {
    if (this.mode !== 'up') return;
    this.onRequest?.(event, socket);
    const send = (value: unknown) => {
      if (this.mode !== 'up' || (socket.closed && !this.lateReplies)) return;
      if (event === 'hf:msg' && this.loseReplies) return;
      ack?.(value);
    };
    const reply = (value: unknown) => {
      if (this.replyDelayMs > 0) this.#clock.setTimeout(() => send(value), this.replyDelayMs);
      else queueMicrotask(() => send(value));
    };
    const schema = { 'hf:join': JoinRequestSchema, 'hf:resume': ResumeRequestSchema }[event];
    if (schema && !v.safeParse(schema, payload).success) {
      reply({ ok: false, error: { code: 'MESSAGE_MALFORMED', message: `invalid ${event}` } });
      return;
    }
    if (event === 'hf:join' && this.nextJoinAnswer !== undefined) {
      reply(this.nextJoinAnswer);
      this.nextJoinAnswer = undefined;
    } else if (event === 'hf:join') reply(this.#join(socket, payload as { token: string; identity: string }));
    else if (event === 'hf:resume' && this.nextResumeAnswer !== undefined) {
      reply(this.nextResumeAnswer);
      this.nextResumeAnswer = undefined;
    } else if (event === 'hf:resume') this.#resume(socket, payload as ResumeArgs, reply);
    else if (event === 'hf:msg') this.#message(socket, payload as { seq: number; msg: ClientMessage }, reply);
    else if (event === 'hf:ack') this.#ack(socket, payload as { seq: number });
  }

  #node() {
    return { nodeId: this.nodeId, bootId: this.bootId };
  }

  #timing() {
    return {
      graceMs: this.graceMs,
      pingIntervalMs: 1000,
      pingTimeoutMs: 1500,
      ...(this.holdMs === undefined ? {} : { holdMs: this.holdMs }),
    };
  }

  #create(identity: string, virtual: boolean): Conn {
    const id = `c${this.#nextId++}`;
    const conn: Conn = {
      info: { connectionId: id, identity, role: 'publisher', data: '', createdAt: this.#clock.now() },
      secret: `secret-${id}`,
      lastClientSeq: 0,
      replies: new Map(),
      buffer: [],
      nextSeq: 1,
      socket: null,
      evictTimer: null,
      virtual,
    };
    this.#conns.set(id, conn);
    return conn;
  }

  #join(socket: FakeSocket, req: { token: string; identity: string }): JoinReply {
    const fail = (code: ErrorCode): JoinReply => ({
      ok: false,
      error: { code, message: code },
      node: this.#node(),
    });
    if (this.refuseJoin) return fail(this.refuseJoin);
    if (!this.sessionExists) return fail('SESSION_NOT_FOUND');
    if (!req.token.startsWith('tok')) return fail('TOKEN_INVALID');
    const previous = [...this.#conns.values()].find((c) => c.info.identity === req.identity);
    if (previous) {
      this.#conns.delete(previous.info.connectionId);
      previous.socket?.drop('io server disconnect');
    }
    const conn = this.#create(req.identity, false);
    conn.socket = socket;
    const connectionCreated: ServerEvent = { kind: 'connectionCreated', connection: conn.info };
    if (previous) connectionCreated.replaces = previous.info.connectionId;
    queueMicrotask(() => this.#broadcast(conn.info.connectionId, connectionCreated));
    const reply: JoinReply = {
      ok: true,
      v: 1,
      sessionId: this.sessionId,
      connectionId: conn.info.connectionId,
      identity: req.identity,
      role: 'publisher',
      data: '',
      resumeSecret: conn.secret,
      connections: [...this.#conns.values()].filter((c) => c !== conn).map((c) => c.info),
      streams: [],
      ice: { iceServers: [], iceTransportPolicy: 'all' },
      timing: this.#timing(),
      node: this.#node(),
      ...(this.clientAddress === null ? {} : { address: this.clientAddress }),
      seq: 0,
    };
    if (previous) reply.replaced = previous.info.connectionId;
    return reply;
  }

  #resume(socket: FakeSocket, req: ResumeArgs, reply: (value: unknown) => void): void {
    const fail = (code: ErrorCode) =>
      reply({ ok: false, error: { code, message: code }, node: this.#node() });
    const conn = this.#conns.get(req.connectionId);
    const refusal = this.#evicted.has(req.connectionId)
      ? 'CONNECTION_EVICTED'
      : !conn
        ? 'CONNECTION_NOT_FOUND'
        : conn.secret !== req.resumeSecret
          ? 'RESUME_SECRET_INVALID'
          : null;
    if (refusal || !conn) {
      fail(refusal ?? 'CONNECTION_NOT_FOUND');
      return;
    }
    if (conn.evictTimer !== null) this.#clock.clearTimeout(conn.evictTimer);
    conn.evictTimer = null;
    const old = conn.socket;
    conn.socket = socket;
    if (old && old !== socket) old.drop('io server disconnect');
    const answer: ResumeReply = {
      ok: true,
      connectionId: conn.info.connectionId,
      lastClientSeq: conn.lastClientSeq,
      timing: this.#timing(),
      node: this.#node(),
      ...(this.clientAddress === null ? {} : { address: this.clientAddress }),
    };
    reply(answer);
    queueMicrotask(() => {
      for (const env of conn.buffer)
        if (env.seq > req.lastSeq && conn.socket === socket) socket.deliver('hf:evt', env);
    });
  }

  #message(
    socket: FakeSocket,
    env: { seq: number; msg: ClientMessage },
    reply: (value: unknown) => void,
  ): void {
    const conn = [...this.#conns.values()].find((c) => c.socket === socket);
    if (!conn) {
      reply({ ok: false, seq: env.seq, error: { code: 'NOT_JOINED', message: 'not joined' } });
      return;
    }
    if (env.seq <= conn.lastClientSeq) {
      reply(conn.replies.get(env.seq) ?? { ok: true, seq: env.seq });
      return;
    }
    if (env.seq > conn.lastClientSeq + 1) {
      reply({ ok: false, seq: env.seq, error: { code: 'MESSAGE_MALFORMED', message: 'gap' } });
      return;
    }
    // The next message in sequence is processed once, refused or not (as the real server does).
    const error: ProtocolError | null = v.safeParse(ClientMessageSchema, env.msg).success
      ? (this.rejectMessage(env.msg) ?? this.#check(env.msg))
      : { code: 'MESSAGE_MALFORMED', message: 'invalid message' };
    const answer: MessageReply = error ? { ok: false, seq: env.seq, error } : { ok: true, seq: env.seq };
    conn.lastClientSeq = env.seq;
    conn.replies.set(env.seq, answer);
    if (!error) this.#apply(conn, env.msg);
    reply(answer);
    if (!error && env.msg.kind === 'leave') queueMicrotask(() => socket.drop('io server disconnect'));
  }

  #check(msg: ClientMessage): ProtocolError | null {
    if (msg.kind === 'signal' && msg.to?.some((id) => !this.#conns.has(id))) {
      return { code: 'TARGET_NOT_IN_SESSION', message: 'unknown recipient' };
    }
    return null;
  }

  #apply(conn: Conn, msg: ClientMessage): void {
    const from = conn.info.connectionId;
    this.processed.push({ from, msg });
    if (msg.kind === 'signal') {
      const targets = msg.to ?? [...this.#conns.keys()].filter((id) => id !== from);
      for (const id of targets) this.push(id, { kind: 'signal', from, type: msg.type, data: msg.data });
    } else if (msg.kind === 'leave') {
      this.#conns.delete(from);
      this.#broadcast(from, {
        kind: 'connectionDestroyed',
        connectionId: from,
        identity: conn.info.identity,
        reason: 'disconnect',
      });
    }
  }

  #ack(socket: FakeSocket, ack: { seq: number }): void {
    const conn = [...this.#conns.values()].find((c) => c.socket === socket);
    if (!conn) return;
    this.acks.set(conn.info.connectionId, ack.seq);
  }

  #broadcast(except: string, evt: ServerEvent): void {
    for (const id of [...this.#conns.keys()]) if (id !== except) this.push(id, evt);
  }
}

type ResumeArgs = { connectionId: string; resumeSecret: string; lastSeq: number };
