import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { WIRE } from '../protocol';
import { type ClusterBroadcast, type ClusterCommandHandler, ioClusterBus } from './cluster/cluster-bus';
import { clusterMigrationTarget } from './cluster/cluster-migration-target';
import { ClusterNode, DEFAULT_CLUSTER_TIMINGS } from './cluster/cluster-node';
import type { ClusterStore } from './cluster/cluster-store';
import { MemoryClusterStore } from './cluster/memory-cluster-store';
import { RedisClusterStore } from './cluster/redis-cluster-store';
import { SessionAdmin } from './hub/session-admin';
import { type NodeInfo, SessionHub } from './hub/session-hub';
import { newBootId } from './ids';
import { createLogger, logEvent, type ServerLogger } from './logger';
import type { MigrationTarget, SessionSnapshot } from './migration/migration-target';
import { mountOpsRoutes } from './ops/ops-routes';
import { createServerOps, stretchPingTimeout } from './ops/server-ops';
import { type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from './options';
import { MemorySessionRegistry } from './registry/memory-session-registry';
import { createRestApp } from './rest/rest-app';
import { attachSignaling, type HoldfastIo } from './signaling/attach-signaling';
import { TokenService } from './tokens';
import { RedisWebhookOutbox } from './webhooks/redis-webhook-outbox';
import { createServerWebhooks, type ServerWebhooks } from './webhooks/server-webhooks';

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
  /** Members (live or in their grace) on this node. */
  readonly memberCount: number;
  /** In a cluster: this node's side of it (lease, watch, placement). */
  readonly cluster: ClusterNode | undefined;
  /** The server's logger. */
  readonly logger: ServerLogger;
  /**
   * Starts a planned rotation of this node (R1): `/readyz` answers 503, no new session is created here,
   * members get `sessionNotification` `{ reason: 'serverRotation', deadline }` and, at the deadline,
   * whoever is left ends with `serverRotation` (clients re-join by themselves). Resolves with the
   * deadline (the first one when already draining). @param withinMs @default the `drainMs` option
   */
  drain(withinMs?: number): { nodeId: string; deadline: number };
  /**
   * This node's webhooks: `emitNodeCrashed`, `emitSessionNotification` and `claimOrphaned` for the
   * cluster and drain code (no-ops when the `webhooks` option is not given).
   */
  readonly webhooks: ServerWebhooks;
  /** Whether this node is draining (a planned rotation started). */
  readonly draining: boolean;
  /**
   * Takes over a session another node hands over (session migration; what a {@link MigrationTarget}'s
   * `transfer` ends in). Throws when this node cannot take it.
   */
  importSession(snapshot: SessionSnapshot): void;
  /** Starts listening on the configured host and port. */
  listen(): Promise<ListenInfo>;
  /**
   * Graceful stop: stops accepting, stops every timer, closes every socket and HTTP connection.
   * Idempotent.
   */
  close(): Promise<void>;
  /**
   * In-process stand-in for a crash (SIGKILL) of this node: stops renewing its lease without giving
   * it up and cuts every socket and HTTP connection at once. For the in-memory cluster and the
   * playground; a real node is crashed by killing its process.
   */
  crash(): Promise<void>;
}

/** How long {@link HoldfastServer.close} lets HTTP requests in flight finish before cutting them. */
const CLOSE_GRACE_MS = 3000;

/** How long {@link HoldfastServer.close} lets queued webhooks go out before stopping their delivery. */
const WEBHOOK_FLUSH_MS = 2000;

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
  const store = clusterStore(o, logger);
  const registry = store ?? o.registry ?? new MemorySessionRegistry();
  let listenUrl = '';
  let closing: Promise<void> | null = null;
  /** Draining for a rotation, or closing: no new work here (readyz, placement, `draining`). */
  const draining = () => closing !== null || hub.drain.draining;
  const cluster = store
    ? new ClusterNode({
        store,
        nodeId: o.nodeId,
        bootId,
        url: () => o.cluster?.publicUrl ?? listenUrl,
        capacity: o.cluster?.capacity ?? 1000,
        // A draining node takes no new session: placement picks the others.
        draining,
        clock: o.clock,
        logger,
        timings: { ...DEFAULT_CLUSTER_TIMINGS, ...o.cluster?.timings },
        onNodeCrashed: (declaration) => {
          o.cluster?.onNodeCrashed?.(declaration);
          // Its sessions are unplaced now: each expires from here unless someone re-joins in time.
          for (const sessionId of declaration.sessions) hub.sessionOpened(sessionId);
          // The dead node's undelivered webhooks go out first (from here), then `nodeCrashed`.
          void webhooks
            .claimOrphaned(declaration.nodeId)
            .catch((error: unknown) => logEvent(logger, 'warn', 'webhook claim failed', { err: error }))
            .then(() =>
              webhooks.emitNodeCrashed({
                nodeId: declaration.nodeId,
                bootId: declaration.bootId,
                sessionIds: declaration.sessions,
              }),
            );
        },
        onFenced: () => {
          hub.shutdown();
          io.disconnectSockets(true);
        },
        // Clients learn of nodes that appear after they joined (their failover candidates).
        onPeersChanged: (peers) => io.local.emit(WIRE.nodes, { nodes: peers }),
        onPlacedSessions: (sessionIds) => {
          for (const sessionId of sessionIds) hub.sessionOpened(sessionId);
        },
      })
    : undefined;
  // Sessions move on a drain: to the target given, or in a cluster to where the store places them.
  const migrationTarget =
    o.migrationTarget ??
    (cluster ? clusterMigrationTarget({ cluster, nodeId: o.nodeId, secret }) : undefined);
  const tokens = new TokenService(secret, o.clock, o.ids);
  const ops = createServerOps(o, logger, {
    sockets: () => io.engine.clientsCount,
    members: () => hub.memberCount,
    sessions: () => registry.countOpen(),
  });
  // In a Redis cluster the webhook outbox lives in Redis too, so a crashed node's events survive it.
  const webhookOptions =
    o.webhooks && !o.webhooks.outbox && store instanceof RedisClusterStore
      ? { ...o.webhooks, outbox: new RedisWebhookOutbox({ client: store.client }) }
      : o.webhooks;
  const webhooks = createServerWebhooks(webhookOptions, {
    nodeId: o.nodeId,
    clock: o.clock,
    logger,
    metrics: ops.metrics.webhooks,
    liveSessionIds: () => hub.liveSessionIds(),
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
    onDrainNotice: ({ reason, deadline, sessionIds }) =>
      webhooks.emitSessionNotification({ reason, deadline, sessionIds }),
    webhooks,
    ...(migrationTarget ? { migrationTarget } : {}),
    random: o.random,
    ...(cluster ? { cluster } : {}),
  });
  const onCommand: ClusterCommandHandler = (command) => {
    switch (command.op) {
      case 'endSession':
        return hub.endSession(command.sessionId) > 0;
      case 'forceDisconnect':
        return hub.forceDisconnect(command.sessionId, command.connectionId);
      case 'describe':
        return admin.describeHere(command.sessionId);
      case 'signal':
        try {
          return admin.signalHere(command.sessionId, command.request);
        } catch {
          // Moving to another node: that node answers once the move is done.
          return 'notHere';
        }
    }
  };
  let broadcast: ClusterBroadcast | undefined;
  let leaveBus = () => {};
  if (store instanceof MemoryClusterStore)
    ({ broadcast, leave: leaveBus } = store.bus.join(o.nodeId, onCommand));
  const admin = new SessionAdmin({
    hub,
    registry,
    tokens,
    options: o,
    logger,
    ...(cluster ? { cluster, broadcast: (command) => broadcast?.(command) ?? Promise.resolve([]) } : {}),
  });
  const rest = createRestApp({
    admin,
    secret,
    devTokens: o.devTokens,
    logger,
    ...(cluster ? { refusal: () => cluster.refusal() } : {}),
    importSession: (snapshot) => hub.importSession(snapshot),
  });
  mountOpsRoutes(rest, {
    metrics: ops.metrics,
    draining,
    saturated: () => ops.monitor.saturated,
    lagMs: () => ops.monitor.lagMs,
    ...(cluster ? { serving: () => cluster.serving() } : {}),
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
    get memberCount() {
      return hub.memberCount;
    },
    drain: (withinMs) => admin.drain(withinMs),
    webhooks,
    get draining() {
      return draining();
    },
    importSession: (snapshot) => hub.importSession(snapshot),
    cluster,
    listen: async () => {
      if (store instanceof RedisClusterStore) {
        await store.connect();
        io.adapter(createAdapter(await store.adapterClient()));
        broadcast = ioClusterBus(io, onCommand);
      }
      const info = await new Promise<ListenInfo>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(o.port, o.host, o.listenBacklog, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = ['0.0.0.0', '::', ''].includes(o.host) ? '127.0.0.1' : o.host;
          resolve({ port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` });
        });
      });
      listenUrl = info.url;
      await cluster?.start();
      return info;
    },
    crash: async () => {
      closing ??= (async () => {
        logEvent(logger, 'warn', 'simulated crash');
        await cluster?.stop(false);
        leaveBus();
        hub.shutdown();
        unstretch();
        ops.dispose();
        io.close();
        httpServer.closeAllConnections();
      })();
      return closing;
    },
    close: () => {
      closing ??= (async () => {
        logEvent(logger, 'info', 'closing', { members: hub.memberCount });
        await cluster?.stop(true);
        leaveBus();
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
        await webhooks.close(WEBHOOK_FLUSH_MS);
        await registry.dispose();
        logEvent(logger, 'info', 'closed');
      })();
      return closing;
    },
  };
}

/** The cluster store the options ask for, if any (a Redis one is connected by `listen()`). */
function clusterStore(o: ResolvedServerOptions, logger: ServerLogger): ClusterStore | undefined {
  if (!o.cluster) return undefined;
  if (o.cluster.store) return o.cluster.store;
  if (o.cluster.redisUrl === undefined) return undefined;
  let reported = false;
  return new RedisClusterStore({
    url: o.cluster.redisUrl,
    onError: (error) => {
      // node-redis reports every failed reconnection; one line per outage is enough.
      if (reported) return;
      reported = true;
      logEvent(logger, 'warn', 'redis error', { err: error });
      setTimeout(() => {
        reported = false;
      }, 5000).unref();
    },
  });
}
