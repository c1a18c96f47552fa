import type { SignalingSocket } from '../../../../src/core/signaling/socket';

type Listener = (...args: unknown[]) => void;

/** What a fake socket reports to whoever plays the server. */
export interface FakeSocketPeer {
  onConnect(socket: FakeSocket): void;
  onClientEmit(socket: FakeSocket, event: string, payload: unknown, ack?: (reply: unknown) => void): void;
  onClosed(socket: FakeSocket): void;
}

/**
 * A socket.io-client look-alike driven by a test: the client side calls connect/emit/disconnect; the
 * test (or a {@link FakeServer}) answers with `deliver`, `acceptConnect`, `failConnect`, `drop`.
 */
export class FakeSocket implements SignalingSocket {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #peer: FakeSocketPeer;
  readonly url: string;
  connected = false;
  closed = false;
  /** Every emit from the client, in order. */
  readonly sent: Array<{ event: string; payload: unknown }> = [];

  constructor(peer: FakeSocketPeer, url: string) {
    this.#peer = peer;
    this.url = url;
  }

  connect(): this {
    this.#peer.onConnect(this);
    return this;
  }

  disconnect(): this {
    if (this.closed) return this;
    const wasConnected = this.connected;
    this.closed = true;
    this.connected = false;
    this.#peer.onClosed(this);
    if (wasConnected) this.deliver('disconnect', 'io client disconnect');
    return this;
  }

  on(event: string, listener: (...args: never[]) => void): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener);
    return this;
  }

  off(event?: string, listener?: (...args: never[]) => void): this {
    if (event === undefined) this.#listeners.clear();
    else if (listener === undefined) this.#listeners.delete(event);
    else this.#listeners.get(event)?.delete(listener as Listener);
    return this;
  }

  emit(event: string, ...args: unknown[]): this {
    const [payload, ack] = args;
    this.sent.push({ event, payload });
    if (this.closed || !this.connected) return this;
    this.#peer.onClientEmit(
      this,
      event,
      payload,
      typeof ack === 'function' ? (ack as (r: unknown) => void) : undefined,
    );
    return this;
  }

  /** Calls the client's listeners for `event`, as socket.io would on receipt. */
  deliver(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(...args);
  }

  /** The transport connected. */
  acceptConnect(): void {
    if (this.closed) return;
    this.connected = true;
    this.deliver('connect');
  }

  /** The transport could not connect. */
  failConnect(message = 'connect ECONNREFUSED'): void {
    if (this.closed) return;
    this.closed = true;
    this.#peer.onClosed(this);
    this.deliver('connect_error', new Error(message));
  }

  /** The connection died on the far side or in the network (e.g. `ping timeout`, `transport close`). */
  drop(reason = 'transport close'): void {
    if (this.closed) return;
    const wasConnected = this.connected;
    this.closed = true;
    this.connected = false;
    this.#peer.onClosed(this);
    if (wasConnected) this.deliver('disconnect', reason);
    else this.deliver('connect_error', new Error(reason));
  }

  /** Listeners registered for `event` (to check nothing leaks). */
  listenerCount(event: string): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
