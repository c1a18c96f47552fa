import WebSocket from 'ws';
import { DEFAULT_SOCKET_PATH, WIRE } from '../../src/protocol';
import { withTimeout } from './wait';

/** How a {@link WireClient}'s websocket closed. */
export interface WireClose {
  code: number;
  reason: string;
}

/**
 * A socket.io client written by hand over a bare websocket (engine.io 4 / socket.io 5 framing), for
 * what socket.io-client cannot send: payloads as raw JSON text (deeper than its encoder's stack allows)
 * and frames of an exact size. It answers pings, collects `hf:evt` / `hf:error`, matches acks by id.
 *
 * @example
 * ```ts
 * const wire = await WireClient.connect(server.url);
 * const reply = await wire.request('hf:msg', `{"seq":1,"msg":{"kind":"signal","type":"t","data":${deep}}}`);
 * ```
 */
export class WireClient {
  readonly ws: WebSocket;
  /** Payloads of `hf:evt` frames, parsed, in arrival order. */
  readonly events: unknown[] = [];
  /** Payloads of `hf:error` frames. */
  readonly errors: unknown[] = [];
  /** Resolves once the websocket has closed. */
  readonly closed: Promise<WireClose>;
  #nextAck = 0;
  readonly #pending = new Map<number, (answer: unknown) => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('message', (data) => this.#onFrame(data.toString()));
  }

  /** Opens the websocket and completes the socket.io handshake of the default namespace. */
  static async connect(url: string, path: string = DEFAULT_SOCKET_PATH): Promise<WireClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}/?EIO=4&transport=websocket`);
    const client = new WireClient(ws);
    const connected = new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('0{')) ws.send('40');
        else if (text.startsWith('40')) resolve();
      });
    });
    await withTimeout(connected, 10_000, 'the wire client to connect');
    return client;
  }

  /** True while the websocket is open. */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `event` with `payloadJson` (raw JSON text) and an ack id; resolves with the answer. */
  request<T = unknown>(event: string, payloadJson: string, timeoutMs = 10_000): Promise<T> {
    const id = this.#nextAck++;
    const answer = new Promise<T>((resolve) => this.#pending.set(id, (a) => resolve(a as T)));
    this.sendFrame(`42${id}[${JSON.stringify(event)},${payloadJson}]`);
    return withTimeout(answer, timeoutMs, `the answer to ${event}`);
  }

  /** Sends `event` with `payloadJson` and no ack id. */
  emit(event: string, payloadJson: string): void {
    this.sendFrame(`42[${JSON.stringify(event)},${payloadJson}]`);
  }

  /** Sends one raw engine.io frame. */
  sendFrame(frame: string): void {
    this.ws.send(frame);
  }

  /** Closes the websocket. */
  close(): void {
    this.ws.close();
  }

  #onFrame(text: string): void {
    if (text === '2') {
      this.ws.send('3');
      return;
    }
    const ack = /^43(\d+)/.exec(text);
    if (ack) {
      const id = Number(ack[1]);
      const [answer] = JSON.parse(text.slice(ack[0].length)) as unknown[];
      this.#pending.get(id)?.(answer);
      this.#pending.delete(id);
      return;
    }
    if (!text.startsWith('42')) return;
    const [event, payload] = JSON.parse(text.slice(2)) as [string, unknown];
    if (event === WIRE.evt) this.events.push(payload);
    else if (event === WIRE.error) this.errors.push(payload);
  }
}
