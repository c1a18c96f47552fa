import type { Server as HttpServer } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import { LIMITS, type ProtocolError, type ServerToClientEvents } from '../../protocol';
import type { SessionHub } from '../hub/session-hub';
import type { ServerLogger } from '../logger';
import type { ServerOps } from '../ops/server-ops';
import type { ResolvedServerOptions } from '../options';
import { ProtocolFailure } from '../protocol-failure';
import { FloodGuard } from './flood-guard';
import { SocketSession } from './socket-session';

/** The socket.io server holdfast runs (inbound events are validated, so they are typed loosely). */
export type HoldfastIo = SocketIoServer<Record<string, (...args: unknown[]) => void>, ServerToClientEvents>;

/**
 * Transport limit: the protocol's largest packet (`LIMITS.maxPacketBytes`: 64 KiB of message plus 1 KiB
 * of envelope). A bigger websocket frame makes the server close that socket as soon as the frame header
 * announces its length, before reading or parsing it.
 */
export const MAX_HTTP_BUFFER_SIZE = LIMITS.maxPacketBytes;

/**
 * Attaches socket.io to `httpServer` (websocket only, heartbeat from the options, connection state
 * recovery off: resume is holdfast's own) and runs a {@link SocketSession} for every socket.
 */
export function attachSignaling(
  httpServer: HttpServer,
  hub: SessionHub,
  options: ResolvedServerOptions,
  logger: ServerLogger,
  ops: ServerOps,
): HoldfastIo {
  const io: HoldfastIo = new SocketIoServer(httpServer, {
    path: options.path,
    transports: ['websocket'],
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    maxHttpBufferSize: MAX_HTTP_BUFFER_SIZE,
    serveClient: false,
    // Refused before the upgrade while far too many sockets wait to join or resume (see HandshakeGate).
    allowRequest: (req, answer) => {
      if (!ops.handshakes.allow()) {
        ops.metrics.refused('HANDSHAKE_REFUSED');
        return answer('OVERLOADED', false);
      }
      // A client that gave up while its connection waited to be accepted has already closed it: its
      // FIN sits behind the request it sent. Look once more after the loop's next poll (which reads
      // that FIN) and drop such a handshake before the upgrade, the engine.io socket and its timers.
      afterNextPoll(() => {
        if (!req.socket.readableEnded && !req.socket.destroyed) return answer(null, true);
        ops.metrics.abandoned();
        answer('CLIENT_GONE', false);
      });
    },
  });
  io.engine.on('connection', (raw: { once(event: 'close', fn: () => void): void }) => {
    ops.handshakes.opened(raw);
    raw.once('close', () => ops.handshakes.settled(raw));
  });
  // Past the pending bound, a handshaken socket is refused with a slot the client reads in `connect_error`.
  io.use((socket, next) => {
    if (ops.handshakes.admit(socket.conn)) return next();
    ops.metrics.refused('OVERLOADED');
    const failure = new ProtocolFailure(
      'OVERLOADED',
      'too many connections are being set up: come back at the given slot',
      ops.admission.slot(),
    );
    next(handshakeRefusal(failure));
  });
  io.on('connection', (socket) => {
    const guard = new FloodGuard(options.clock, {
      perSec: options.rateLimitPerSec,
      burst: options.rateLimitBurst,
      bytesPerSec: options.rateLimitBytesPerSec,
      bytesBurst: options.rateLimitBytesBurst,
      disconnectAfter: options.floodDisconnectAfter,
    });
    socket.conn.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message') guard.received(packetBytes(packet.data));
    });
    new SocketSession(socket, {
      hub,
      guard,
      logger,
      clock: options.clock,
      joinTimeoutMs: options.joinTimeoutMs,
      ops,
    });
  });
  return io;
}

/**
 * Runs `fn` after the event loop's next poll phase: a first `setImmediate` runs in this turn's check
 * phase, the second in the next turn's, after that turn has read whatever the sockets had waiting.
 */
function afterNextPoll(fn: () => void): void {
  setImmediate(() => setImmediate(fn));
}

/**
 * A handshake refusal as socket.io sends it: `message` and `data` go in its CONNECT_ERROR packet, and the
 * client reads `data` as the protocol error it is (`retryAfterMs` honoured).
 */
function handshakeRefusal(failure: ProtocolFailure): Error & { data: ProtocolError } {
  return Object.assign(new Error(failure.message), { data: failure.toWire() });
}

/** Size of an engine.io message packet's data: UTF-8 bytes of a text frame, length of a binary one. */
function packetBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
