import type { Server as HttpServer } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import type { ServerToClientEvents } from '../../protocol';
import type { SessionHub } from '../hub/session-hub';
import type { ServerLogger } from '../logger';
import type { ServerOps } from '../ops/server-ops';
import type { ResolvedServerOptions } from '../options';
import { FloodGuard } from './flood-guard';
import { SocketSession } from './socket-session';

/** The socket.io server holdfast runs (inbound events are validated, so they are typed loosely). */
export type HoldfastIo = SocketIoServer<Record<string, (...args: unknown[]) => void>, ServerToClientEvents>;

/** Transport limit: engine.io drops a socket that sends a bigger packet (the protocol limit is far lower). */
export const MAX_HTTP_BUFFER_SIZE = 1_000_000;

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
  });
  io.on('connection', (socket) => {
    const guard = new FloodGuard(options.clock, {
      perSec: options.rateLimitPerSec,
      burst: options.rateLimitBurst,
      disconnectAfter: options.floodDisconnectAfter,
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
