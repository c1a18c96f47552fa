import { io, type Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import {
  type ClientMessage,
  DEFAULT_SOCKET_PATH,
  type JoinReply,
  type JoinSuccess,
  type MessageReply,
  type MoveNotice,
  PROTOCOL_VERSION,
  type ResumeReply,
  type ServerEnvelope,
  type ServerEvent,
  WIRE,
} from '../../../src/protocol';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

function open(url: string): Promise<Socket> {
  const socket = io(url, {
    path: DEFAULT_SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * A protocol client that follows `hf:move` the way the library does, written by hand so the server is
 * tested on its own: a sequenced outbox kept until answered, events taken once by sequence, and on
 * `hf:move` a resume on a second socket at the new node (the old one closed only once it succeeded),
 * then every unanswered message resent after the server's `lastClientSeq`.
 */
export class MovingClient {
  /** Every event taken, once each, in sequence order. */
  readonly events: ServerEvent[] = [];
  readonly moves: MoveNotice[] = [];
  /** Node ids this client resumed at. */
  readonly resumedAt: string[] = [];
  joined: JoinSuccess | null = null;
  /** Messages sent again at the new node (unanswered by the old one). */
  resent = 0;
  /** Drop `hf:move` notices (as if lost with a dying socket) until set back to false. */
  ignoreMoves = false;
  /** Whether the current socket was closed (by the server or the network). */
  disconnected = false;
  /** Resolves when the first `hf:move` arrives. */
  readonly moved: Promise<void>;
  #onMoved: () => void = () => {};
  #socket: Socket;
  #lastSeq = 0;
  #nextSeq = 1;
  readonly #pending = new Map<number, ClientMessage>();
  readonly #answered = new Map<number, MessageReply>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.moved = new Promise((resolve) => {
      this.#onMoved = resolve;
    });
    this.#listen(socket);
  }

  static async connect(url: string): Promise<MovingClient> {
    return new MovingClient(await open(url));
  }

  get connectionId(): string {
    if (!this.joined) throw new Error('not joined');
    return this.joined.connectionId;
  }

  /** Messages sent and not answered yet. */
  get unanswered(): number {
    return this.#pending.size;
  }

  async join(sessionId: string, token: string, identity: string, migration: boolean): Promise<JoinReply> {
    const request = { v: PROTOCOL_VERSION, sessionId, token, identity, ...(migration ? { migration } : {}) };
    const reply = (await this.#socket.timeout(5000).emitWithAck(WIRE.join, request)) as JoinReply;
    if (reply.ok) this.joined = reply;
    return reply;
  }

  /** Sends `msg` with the next sequence; it is resent after a move until answered. */
  send(msg: ClientMessage): void {
    const seq = this.#nextSeq;
    this.#nextSeq += 1;
    this.#pending.set(seq, msg);
    this.#transmit(this.#socket, seq, msg);
  }

  /** The answer to message `seq`, once it came. */
  answer(seq: number): MessageReply | undefined {
    return this.#answered.get(seq);
  }

  #transmit(socket: Socket, seq: number, msg: ClientMessage): void {
    socket.emit(WIRE.msg, { seq, msg }, (reply: MessageReply) => {
      if (!this.#pending.delete(seq)) return;
      this.#answered.set(seq, reply);
    });
  }

  #listen(socket: Socket): void {
    socket.on('disconnect', () => {
      if (socket === this.#socket) this.disconnected = true;
    });
    socket.on(WIRE.evt, (envelope: ServerEnvelope) => {
      if (envelope.seq <= this.#lastSeq) return;
      this.#lastSeq = envelope.seq;
      this.events.push(envelope.evt);
      socket.emit(WIRE.ack, { seq: envelope.seq });
    });
    socket.on(WIRE.move, (notice: MoveNotice) => {
      if (this.ignoreMoves) return;
      this.moves.push(notice);
      this.#onMoved();
      void this.#follow(notice);
    });
  }

  /** Drops the current socket and resumes at `url` (what a client does after losing its socket). */
  async resumeAt(url: string): Promise<ResumeReply> {
    return this.#resume(url);
  }

  async #follow(notice: MoveNotice): Promise<void> {
    // A loaded node answers OVERLOADED with a slot (as the library does, come back then); at most 10 tries.
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const reply = await this.#resume(notice.url);
      if (reply.ok) return;
      const wait = reply.error.retryAfterMs;
      if (wait === undefined) throw new Error(`resume at ${notice.nodeId} refused: ${reply.error.code}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 2000)));
    }
    throw new Error(`resume at ${notice.nodeId} still refused after 10 tries`);
  }

  async #resume(url: string): Promise<ResumeReply> {
    const joined = this.joined;
    if (!joined) throw new Error('not joined');
    const next = await open(url);
    this.#listen(next);
    const reply = (await next.timeout(5000).emitWithAck(WIRE.resume, {
      v: PROTOCOL_VERSION,
      sessionId: joined.sessionId,
      connectionId: joined.connectionId,
      resumeSecret: joined.resumeSecret,
      lastSeq: this.#lastSeq,
    })) as ResumeReply;
    if (!reply.ok) {
      next.disconnect();
      return reply;
    }
    this.resumedAt.push(reply.node.nodeId);
    const old = this.#socket;
    this.#socket = next;
    this.disconnected = false;
    old.disconnect();
    for (const [seq, msg] of [...this.#pending]) {
      if (seq <= reply.lastClientSeq) {
        this.#pending.delete(seq);
        this.#answered.set(seq, { ok: true, seq });
      } else {
        this.resent += 1;
        this.#transmit(next, seq, msg);
      }
    }
    return reply;
  }
}
