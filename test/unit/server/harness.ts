import { io, type Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import {
  type ClientMessage,
  type ConnectionTokenResponse,
  type CreateConnectionRequest,
  DEFAULT_SOCKET_PATH,
  type ErrorNotice,
  type JoinReply,
  type JoinSuccess,
  type MessageReply,
  PROTOCOL_VERSION,
  type ResumeReply,
  type ServerEnvelope,
  type ServerEvent,
  WIRE,
} from '../../../src/protocol';
import { createServer, type HoldfastServer, type ServerOptions } from '../../../src/server';
import { waitFor } from '../../support/wait';

/** Secret of every test server. */
export const SECRET = 'test-secret-0123456789abcdef';

/** Closed after each test, in reverse order of creation. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A REST answer. */
export interface RestAnswer<T = unknown> {
  status: number;
  body: T;
}

/** A real in-process server on a free loopback port, closed after the test. */
export class TestServer {
  readonly server: HoldfastServer;
  readonly url: string;

  private constructor(server: HoldfastServer, url: string) {
    this.server = server;
    this.url = url;
  }

  /** Starts a server with short, test-friendly timing unless overridden. */
  static async start(options: ServerOptions = {}): Promise<TestServer> {
    const server = createServer({
      secret: SECRET,
      port: 0,
      logLevel: 'silent',
      graceMs: 1500,
      pingIntervalMs: 300,
      pingTimeoutMs: 300,
      ...options,
    });
    const { url } = await server.listen();
    const test = new TestServer(server, url);
    cleanups.push(() => server.close());
    return test;
  }

  /** Calls the REST API (with the secret unless `auth` says otherwise). */
  async rest<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    auth: string | null = SECRET,
  ): Promise<RestAnswer<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth !== null) headers.authorization = `Bearer ${auth}`;
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(5000) };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${this.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }

  /** Creates (or fetches) session `sessionId`. */
  async session(sessionId: string): Promise<void> {
    const answer = await this.rest('POST', '/api/sessions', { customSessionId: sessionId });
    if (answer.status !== 200) throw new Error(`create session → ${answer.status}`);
  }

  /** A token for `sessionId` (bound to `request.identity`, or to one the server assigns). */
  async token(sessionId: string, request: CreateConnectionRequest = {}): Promise<string> {
    const answer = await this.rest<ConnectionTokenResponse>(
      'POST',
      `/api/sessions/${sessionId}/connections`,
      request,
    );
    if (answer.status !== 200) throw new Error(`create token → ${answer.status}`);
    return answer.body.token;
  }

  /** A raw client, connected (through `via`, e.g. a proxy, when given). */
  client(via: string = this.url): Promise<TestClient> {
    return TestClient.connect(via);
  }

  /** A client joined to `sessionId` (created if needed) with `identity`. */
  async member(
    sessionId: string,
    identity: string,
    request: CreateConnectionRequest = {},
    via: string = this.url,
  ): Promise<TestClient> {
    await this.session(sessionId);
    const client = await this.client(via);
    const token = await this.token(sessionId, { identity, ...request });
    // Like the real client, honour OVERLOADED's retry delay (a loaded machine lags the event loop);
    // the token is not spent by a join refused at admission.
    for (let attempt = 1; ; attempt += 1) {
      const reply = await client.join(sessionId, token, identity);
      if (reply.ok) return client;
      const wait = reply.error.code === 'OVERLOADED' ? reply.error.retryAfterMs : undefined;
      if (wait === undefined || attempt >= 20) {
        throw new Error(`join refused: ${JSON.stringify(reply.error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * A socket.io-client speaking the protocol by hand: join/resume, sequenced messages, received events,
 * acks — and anything malformed a test wants to send.
 */
export class TestClient {
  readonly socket: Socket;
  readonly events: ServerEnvelope[] = [];
  readonly errors: ErrorNotice[] = [];
  disconnectReason: string | null = null;
  joined: JoinSuccess | null = null;
  #nextSeq = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on(WIRE.evt, (envelope: ServerEnvelope) => this.events.push(envelope));
    socket.on(WIRE.error, (notice: ErrorNotice) => this.errors.push(notice));
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
    });
  }

  static async connect(url: string): Promise<TestClient> {
    const socket = io(url, {
      path: DEFAULT_SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = new TestClient(socket);
    cleanups.push(() => {
      socket.disconnect();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return client;
  }

  get connectionId(): string {
    if (!this.joined) throw new Error('not joined');
    return this.joined.connectionId;
  }

  /** Emits with an acknowledgement; resolves with the answer. */
  request<T = unknown>(event: string, ...args: unknown[]): Promise<T> {
    return this.socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
  }

  async join(sessionId: string, token: string, identity: string): Promise<JoinReply> {
    const reply = await this.request<JoinReply>(WIRE.join, {
      v: PROTOCOL_VERSION,
      sessionId,
      token,
      identity,
    });
    if (reply.ok) this.joined = reply;
    return reply;
  }

  resume(from: JoinSuccess, lastSeq: number, resumeSecret = from.resumeSecret): Promise<ResumeReply> {
    return this.request<ResumeReply>(WIRE.resume, {
      v: PROTOCOL_VERSION,
      sessionId: from.sessionId,
      connectionId: from.connectionId,
      resumeSecret,
      lastSeq,
    });
  }

  /** Sends `msg` with the next sequence (or `seq`). */
  send(msg: ClientMessage | Record<string, unknown>, seq = this.#nextSeq): Promise<MessageReply> {
    if (seq === this.#nextSeq) this.#nextSeq += 1;
    return this.request<MessageReply>(WIRE.msg, { seq, msg });
  }

  /** Continues the client sequence at `next` (after a resume). */
  continueAt(next: number): void {
    this.#nextSeq = next;
  }

  ack(seq: number): void {
    this.socket.emit(WIRE.ack, { seq });
  }

  /** Events received, without their envelopes. */
  received(kind?: ServerEvent['kind']): ServerEvent[] {
    return this.events.map((e) => e.evt).filter((evt) => kind === undefined || evt.kind === kind);
  }

  /** Waits for an event of `kind` matching `match`. */
  waitForEvent<K extends ServerEvent['kind']>(
    kind: K,
    match: (evt: Extract<ServerEvent, { kind: K }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerEvent, { kind: K }>> {
    return waitFor(
      () =>
        this.received(kind).find((evt) => match(evt as Extract<ServerEvent, { kind: K }>)) as
          | Extract<ServerEvent, { kind: K }>
          | undefined,
      { timeoutMs, intervalMs: 10, what: `event ${kind}` },
    );
  }

  waitForDisconnect(timeoutMs = 5000): Promise<string> {
    return waitFor(() => this.disconnectReason, { timeoutMs, intervalMs: 10, what: 'disconnect' });
  }

  /** Closes the socket (the server sees a transport close: the connection enters its grace). */
  drop(): void {
    this.socket.disconnect();
  }
}

/** Stream properties for a publish. */
export const CAMERA = {
  hasAudio: true,
  hasVideo: true,
  audioActive: true,
  videoActive: true,
  typeOfVideo: 'CAMERA',
} as const;
