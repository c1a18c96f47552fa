import { WIRE } from '../../protocol';
import { errorMessage } from '../errors';
import type { SignalingSocket } from './socket';

/** Where a live socket delivers what the server sends (raw: validation is the channel's job). */
export interface SocketLifeHandlers {
  /** A raw `hf:evt` payload. */
  onEvent(raw: unknown): void;
  /** A raw `hf:error` payload. */
  onErrorNotice(raw: unknown): void;
  /** A raw `hf:move` payload (held and delivered in order with the events). */
  onMove(raw: unknown): void;
  /** A raw `hf:nodes` payload (the cluster's other healthy nodes changed). */
  onNodes(raw: unknown): void;
  /** The socket closed without us asking (network, heartbeat, server). Called at most once. */
  onClose(reason: string): void;
}

/**
 * Raised when a socket closes while an operation waits on it. `refusal`: the raw `data` of a
 * `connect_error` (the server refused the handshake and said why, e.g. `OVERLOADED` with a slot).
 */
export class SocketClosedError extends Error {
  constructor(
    message: string,
    readonly refusal?: unknown,
  ) {
    super(message);
  }
}

/**
 * One socket, from opening to close. Never reopened: a new attempt gets a new socket.
 *
 * Inbound events are HELD from the moment the socket exists until `release()`, so nothing the server
 * sends right after its join/resume answer (the replay) can slip past before the session has adopted
 * the socket.
 */
export class SocketLife {
  readonly #socket: SignalingSocket;
  #closedReason: string | null = null;
  #connected = false;
  #handlers: SocketLifeHandlers | null = null;
  #released = false;
  /** Deliveries of what arrived before {@link release}, in order. */
  #held: (() => void)[] = [];
  #closeNotified = false;
  readonly #waiters = new Set<(reason: string) => void>();
  /** The `data` of a handshake refusal, if the server refused this socket's handshake with one. */
  #refusal: unknown;
  #onConnect: (() => void) | null = null;

  constructor(socket: SignalingSocket) {
    this.#socket = socket;
    socket.on('connect', () => {
      if (this.#closedReason !== null) return;
      this.#connected = true;
      this.#onConnect?.();
    });
    socket.on('connect_error', (error: unknown) => {
      this.#refusal = (error as { data?: unknown } | null)?.data;
      this.#lost(`connect error: ${errorMessage(error)}`);
    });
    socket.on('disconnect', (reason: unknown) => this.#lost(String(reason)));
    socket.on(WIRE.evt, (raw: unknown) => this.#inbound(() => this.#handlers?.onEvent(raw)));
    socket.on(WIRE.error, (raw: unknown) => this.#inbound(() => this.#handlers?.onErrorNotice(raw)));
    socket.on(WIRE.move, (raw: unknown) => this.#inbound(() => this.#handlers?.onMove(raw)));
    socket.on(WIRE.nodes, (raw: unknown) => this.#inbound(() => this.#handlers?.onNodes(raw)));
  }

  /** True between connect and close. */
  get isOpen(): boolean {
    return this.#connected && this.#closedReason === null;
  }

  /** Connects the socket. Rejects with {@link SocketClosedError} if it closes first. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#closedReason !== null) return reject(new SocketClosedError(this.#closedReason));
      const fail = (reason: string) => {
        this.#onConnect = null;
        reject(new SocketClosedError(reason, this.#refusal));
      };
      this.#waiters.add(fail);
      this.#onConnect = () => {
        this.#waiters.delete(fail);
        this.#onConnect = null;
        resolve();
      };
      this.#socket.connect();
    });
  }

  /** Emits `event` with `payload` and waits for the server's answer (raw). Rejects if the socket closes. */
  request(event: string, payload: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new SocketClosedError(this.#closedReason ?? 'not connected'));
      const fail = (reason: string) => reject(new SocketClosedError(reason));
      this.#waiters.add(fail);
      this.#socket.emit(event, payload, (reply: unknown) => {
        if (!this.#waiters.delete(fail)) return;
        resolve(reply);
      });
    });
  }

  /** Emits without waiting. Returns false (and sends nothing) when the socket is not open. */
  emit(event: string, payload: unknown, ack?: (reply: unknown) => void): boolean {
    if (!this.isOpen) return false;
    if (ack) this.#socket.emit(event, payload, ack);
    else this.#socket.emit(event, payload);
    return true;
  }

  /** Hands the socket to its owner. Inbound stays held until {@link release}. */
  activate(handlers: SocketLifeHandlers): void {
    this.#handlers = handlers;
  }

  /** Delivers what was held, in order, then everything live; reports a close that happened meanwhile. */
  release(): void {
    if (!this.#handlers || this.#released) return;
    this.#released = true;
    const held = this.#held;
    this.#held = [];
    for (const deliver of held) deliver();
    if (this.#closedReason !== null) this.#notifyClose();
  }

  /** Closes the socket. The owner is not told (it asked). Idempotent. */
  close(reason = 'closed by client'): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    this.#closeNotified = true;
    this.#handlers = null;
    this.#held = [];
    this.#failWaiters(reason);
    this.#socket.disconnect();
    this.#socket.off();
  }

  #inbound(deliver: () => void): void {
    if (this.#closedReason !== null) return;
    if (this.#released) deliver();
    else this.#held.push(deliver);
  }

  #lost(reason: string): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    this.#connected = false;
    this.#failWaiters(reason);
    this.#socket.disconnect();
    if (this.#released) this.#notifyClose();
  }

  #notifyClose(): void {
    if (this.#closeNotified) return;
    this.#closeNotified = true;
    this.#handlers?.onClose(this.#closedReason ?? 'closed');
  }

  #failWaiters(reason: string): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const fail of waiters) fail(reason);
  }
}
