import { io, type Socket } from 'socket.io-client';
import {
  DEFAULT_SOCKET_PATH,
  type ErrorNotice,
  type JoinReply,
  PROTOCOL_VERSION,
  type ServerEnvelope,
  WIRE,
} from '../../src/protocol';
import { withTimeout } from './wait';

/**
 * A bare socket.io-client speaking the holdfast wire protocol by hand, from Node: the "bad client"
 * of the bad-input tests (it can send anything), and a plain extra member when a test needs one.
 *
 * @example
 * ```ts
 * const bad = await RawClient.connect(server.url);
 * const reply = await bad.join({ sessionId, token: 'not-a-jwt' });
 * expect(reply).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID' } });
 * ```
 */
export class RawClient {
  readonly socket: Socket;
  /** Sequenced events received (`hf:evt`), in arrival order. */
  readonly events: ServerEnvelope[] = [];
  /** Unsequenced error notices received (`hf:error`). */
  readonly errors: ErrorNotice[] = [];
  /** Why the socket disconnected, once it has. */
  disconnectReason: string | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on(WIRE.evt, (env: ServerEnvelope) => this.events.push(env));
    socket.on(WIRE.error, (notice: ErrorNotice) => this.errors.push(notice));
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
    });
  }

  /** Opens a websocket-only socket (no automatic reconnection) and waits until it is connected. */
  static async connect(url: string, path: string = DEFAULT_SOCKET_PATH): Promise<RawClient> {
    const socket = io(url, { path, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new RawClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      }),
      10_000,
      'the raw client to connect',
    );
    return client;
  }

  /** True while the socket is connected. */
  get connected(): boolean {
    return this.socket.connected;
  }

  /** Emits `event` with `payload` and resolves with the acknowledgement (rejects after `timeoutMs`). */
  request<T = unknown>(event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
  }

  /** Emits without an acknowledgement callback. */
  emit(event: string, payload: unknown): void {
    this.socket.emit(event, payload);
  }

  /** Sends `hf:join` with the current protocol version and a random identity unless given. */
  join(request: { sessionId: string; token: string; identity?: string; v?: number }): Promise<JoinReply> {
    return this.request<JoinReply>(WIRE.join, {
      v: request.v ?? PROTOCOL_VERSION,
      sessionId: request.sessionId,
      token: request.token,
      identity: request.identity ?? `raw-${Math.random().toString(36).slice(2)}`,
    });
  }

  /** Received signals (`hf:evt` of kind `signal`), in order. */
  signals(): Array<{ seq: number; from: string | null; type: string; data: unknown }> {
    return this.events.flatMap(({ seq, evt }) =>
      evt.kind === 'signal' ? [{ seq, from: evt.from, type: evt.type, data: evt.data }] : [],
    );
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }
}
