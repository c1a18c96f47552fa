import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { SessionAdmin } from './hub/session-admin';
import { type NodeInfo, SessionHub } from './hub/session-hub';
import { newBootId } from './ids';
import { createLogger, logEvent, type ServerLogger } from './logger';
import { mountOpsRoutes } from './ops/ops-routes';
import { createServerOps, stretchPingTimeout } from './ops/server-ops';
import { resolveServerOptions, type ServerOptions } from './options';
import { MemorySessionRegistry } from './registry/memory-session-registry';
import { createRestApp } from './rest/rest-app';
import { attachSignaling, type HoldfastIo } from './signaling/attach-signaling';
import { TokenService } from './tokens';

/** Where a listening server can be reached. */
export interface ListenInfo {
  port: number;
  /** `http://<host>:<port>` (a wildcard host is given as 127.0.0.1). */
  url: string;
}

/** A holdfast signaling server: REST API and socket.io signaling on one `http.Server`. */
export interface HoldfastServer {
  /** The `http.Server` both the REST API and socket.io are attached to. */
  readonly httpServer: HttpServer;
  /** The socket.io server. */
  readonly io: HoldfastIo;
  /** This node and this boot of it. */
  readonly node: NodeInfo;
  /** The REST secret in use (generated when dev tokens are on and none was given). */
  readonly secret: string;
  /** The server's logger. */
  readonly logger: ServerLogger;
  /** Starts listening on the configured host and port. */
  listen(): Promise<ListenInfo>;
  /**
   * Graceful stop: stops accepting, stops every timer, closes every socket and HTTP connection.
   * Idempotent.
   */
  close(): Promise<void>;
}

/** How long {@link HoldfastServer.close} lets HTTP requests in flight finish before cutting them. */
const CLOSE_GRACE_MS = 3000;

/**
 * Creates a holdfast signaling server (not yet listening).
 *
 * @example
 * ```ts
 * import { createServer } from 'holdfast/server';
 *
 * const server = createServer({ secret: process.env.HOLDFAST_SECRET, port: 4000, graceMs: 12_000 });
 * const { url } = await server.listen();
 * process.on('SIGTERM', () => void server.close());
 * ```
 */
export function createServer(options: ServerOptions = {}): HoldfastServer {
  const o = resolveServerOptions(options);
  const secret = o.secret ?? randomBytes(24).toString('hex');
  const bootId = newBootId();
  const given = o.logger;
  const logger = given
    ? given.bindings().nodeId === undefined
      ? given.child({ nodeId: o.nodeId })
      : given
    : createLogger(o.logLevel, o.nodeId);
  const registry = o.registry ?? new MemorySessionRegistry();
  const tokens = new TokenService(secret, o.clock, o.ids);
  let closing: Promise<void> | null = null;
  const ops = createServerOps(o, logger, {
    sockets: () => io.engine.clientsCount,
    members: () => hub.memberCount,
    sessions: () => registry.countOpen(),
  });
  const hub = new SessionHub({
    options: o,
    registry,
    tokens,
    logger,
    bootId,
    // The loop's stalls and the time the door was shut: neither is the client's fault.
    stalledMs: () => ops.monitor.stalledMs() + ops.handshakes.refusingMs(),
    onEvict: (cause) => ops.metrics.evicted(cause),
  });
  const admin = new SessionAdmin({ hub, registry, tokens, options: o, logger });
  const rest = createRestApp({ admin, secret, devTokens: o.devTokens, logger });
  mountOpsRoutes(rest, {
    metrics: ops.metrics,
    draining: () => closing !== null,
    saturated: () => ops.monitor.saturated,
    lagMs: () => ops.monitor.lagMs,
  });
  const httpServer = createHttpServer(getRequestListener(rest.fetch));
  const io = attachSignaling(httpServer, hub, o, logger, ops);
  // engine.io reads its pingTimeout option each time it sends a ping.
  const engineOptions = io.engine.opts as { pingTimeout: number };
  const unstretch = stretchPingTimeout(engineOptions, ops.monitor, o.pingTimeoutMs, o.graceMs);

  return {
    httpServer,
    io,
    node: hub.node,
    secret,
    logger,
    listen: () =>
      new Promise<ListenInfo>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(o.port, o.host, o.listenBacklog, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = ['0.0.0.0', '::', ''].includes(o.host) ? '127.0.0.1' : o.host;
          resolve({ port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` });
        });
      }),
    close: () => {
      closing ??= (async () => {
        logEvent(logger, 'info', 'closing', { members: hub.memberCount });
        hub.shutdown();
        unstretch();
        ops.dispose();
        const httpClosed = new Promise<void>((resolve) => {
          if (!httpServer.listening) return resolve();
          httpServer.once('close', () => resolve());
        });
        // io.close() closes every socket.io socket and the http.Server (idle keep-alives included).
        io.close();
        const cut = setTimeout(() => httpServer.closeAllConnections(), CLOSE_GRACE_MS);
        cut.unref();
        await httpClosed;
        clearTimeout(cut);
        await registry.dispose();
        logEvent(logger, 'info', 'closed');
      })();
      return closing;
    },
  };
}
