import { io } from 'socket.io-client';

/**
 * The part of a socket.io-client `Socket` the signaling layer uses. A fake with the same shape drives
 * the unit tests.
 *
 * Events the signaling layer listens to: `connect`, `connect_error` (error), `disconnect` (reason),
 * and the protocol's `hf:evt` / `hf:error`.
 */
export interface SignalingSocket {
  connect(): unknown;
  disconnect(): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event?: string, listener?: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

/** What a socket is opened with. */
export interface SocketOpenOptions {
  /** Socket.io path on the server. */
  path: string;
  /** How long the transport may take to connect. */
  timeoutMs: number;
}

/**
 * Opens a NEW, not yet connected socket (the caller calls `connect()`). Called once per attempt: a
 * socket is never reused across attempts.
 */
export type SocketFactory = (url: string, options: SocketOpenOptions) => SignalingSocket;

/**
 * The real socket: socket.io-client over WebSocket only, its own reconnection OFF (holdfast's retry
 * policy owns retries), a new Manager per socket (`forceNew`), not connected until asked.
 *
 * Loss detection is engine.io's heartbeat: the server pings every `pingInterval`; the client closes
 * the socket with reason `ping timeout` after `pingInterval + pingTimeout` of silence. This runs in the
 * engine.io socket itself, so it works with reconnection off.
 */
export const ioSocketFactory: SocketFactory = (url, options) =>
  io(url, {
    path: options.path,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    timeout: options.timeoutMs,
  }) as unknown as SignalingSocket;
