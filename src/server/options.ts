import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { DEFAULT_SOCKET_PATH, type IceConfig, type IceServer, LIMITS } from '../protocol';
import { type ServerClock, systemClock } from './clock';
import type { ClusterOptions } from './cluster/cluster-options';
import { cryptoIds, type IdSource } from './ids';
import type { MigrationTarget } from './migration/migration-target';
import type { SessionRegistry } from './registry/session-registry';
import {
  type ResolvedWebhookOptions,
  resolveWebhookOptions,
  type WebhookOptions,
} from './webhooks/webhook-options';

/** Log levels the server accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino log level, or `silent`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The default node id: `<hostname>-<pid>`. */
export const defaultNodeId = (): string => `${hostname()}-${process.pid}`;

/** Options of {@link createServer}. Every one but `secret` has a default. */
export interface ServerOptions {
  /**
   * Secret of the REST API (`Authorization: Bearer <secret>`) and key material of connection tokens.
   * At least 16 characters among letters, digits and `. _ ~ + / -`. Required unless `devTokens` is on,
   * which generates one.
   */
  secret?: string;
  /** TCP port; 0 picks a free one (read it back from `listen()`). @default 4000 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Socket.io path. @default '/holdfast' */
  path?: string;
  /** How long a participant whose signaling is lost keeps its place before eviction. @default 12000 */
  graceMs?: number;
  /** engine.io heartbeat: time between two pings. @default 1000 */
  pingIntervalMs?: number;
  /** engine.io heartbeat: how long to wait for a pong. @default 1500 */
  pingTimeoutMs?: number;
  /** ICE servers handed to clients in the join answer. @default [] */
  iceServers?: IceServer[];
  /** ICE transport policy handed to clients (`relay` forces TURN). @default 'all' */
  iceTransportPolicy?: IceConfig['iceTransportPolicy'];
  /** Serve `POST /dev/token` (tokens without the secret, CORS open). Never in production. @default false */
  devTokens?: boolean;
  /** This node's id, reported in join/resume answers and health. @default `<hostname>-<pid>` */
  nodeId?: string;
  /** A pino logger to log to (the server adds `nodeId`). @default a new pino logger on stdout */
  logger?: Logger;
  /** Level of the logger the server creates when `logger` is not given. @default 'info' */
  logLevel?: LogLevel;
  /** Messages a socket may send per second, on average (token bucket refill). @default 100 */
  rateLimitPerSec?: number;
  /** Messages a socket may send at once (token bucket size). @default 200 */
  rateLimitBurst?: number;
  /**
   * Bytes a socket may send per second, on average (byte bucket refill; every byte received counts,
   * refused packets' too). @default 262144 (256 KiB)
   */
  rateLimitBytesPerSec?: number;
  /** Bytes a socket may send at once (byte bucket size; at least `LIMITS.maxPacketBytes`). @default 1048576 (1 MiB) */
  rateLimitBytesBurst?: number;
  /** Joins and resumes admitted per second, server-wide; beyond, `OVERLOADED` with `retryAfterMs`. @default 400 */
  admissionPerSec?: number;
  /** Joins and resumes admitted at once, server-wide. @default 400 */
  admissionBurst?: number;
  /**
   * Sockets that may be connected without having joined or resumed yet; beyond, new websocket
   * handshakes are refused before the upgrade (a short HTTP 400, cheap), and the time spent refusing is
   * given back to eviction graces. @default 500
   */
  maxPendingHandshakes?: number;
  /**
   * Length of the kernel's queue of connections not yet accepted (`listen` backlog; Linux caps it at
   * `somaxconn`). Keep the wait in it under the client's 3 s attempt timeout at the rate the node accepts:
   * a client that gives up in the queue leaves a handshake behind it. @default 511
   */
  listenBacklog?: number;
  /** Event-loop lag (ms) from which the server counts as saturated (admits nothing, `/readyz` 503). @default 500 */
  saturatedLagMs?: number;
  /** How far a member's grace may be stretched for the server's own stalls and retry slots. @default 30000 */
  maxGraceExtensionMs?: number;
  /**
   * A storm: while this many members (or more) are in their grace at once, none is evicted (within
   * `maxGraceExtensionMs`): they are coming back faster than the server can take them. 0 turns it off.
   * @default 200
   */
  stormGraceMembers?: number;
  /** Refusals after which a socket that keeps flooding is disconnected. @default 500 */
  floodDisconnectAfter?: number;
  /** Unacknowledged events kept per connection; beyond, the connection is evicted. @default 10000 */
  replayMaxEvents?: number;
  /** Unacknowledged event bytes (JSON) kept per connection; beyond, it is evicted. @default 8388608 */
  replayMaxBytes?: number;
  /** Replies to client messages kept per connection to answer duplicates. @default 1024 */
  storedReplies?: number;
  /** How long evicted connection ids are remembered (`CONNECTION_EVICTED`). @default 600000 */
  evictedMemoryMs?: number;
  /** How many evicted connection ids are remembered at most. @default 100000 */
  evictedMemoryMax?: number;
  /** A socket that has not joined or resumed after this long is closed. @default 10000 */
  joinTimeoutMs?: number;
  /** Lifetime of tokens when the request names none, in seconds. @default 3600 */
  tokenTtlSeconds?: number;
  /** Members one session may have at once (a mesh grows as n²); a join beyond is refused `SESSION_FULL`. @default 16 */
  maxSessionMembers?: number;
  /** A session with no member for this long is closed (as if by `DELETE`). @default 300000 */
  emptySessionTtlMs?: number;
  /**
   * A planned rotation's default deadline: how long members have to move once the node drains
   * (`server.drain()`, `POST /api/drain`, SIGTERM to the CLI). @default 30000
   */
  drainMs?: number;
  /**
   * Send signed webhooks (Standard Webhooks) of sessions, participants, node crashes and rotation
   * notices to `url`. See docs/webhooks.md. @default none (no webhooks)
   */
  webhooks?: WebhookOptions;
  /** Where sessions are recorded. @default a new {@link MemorySessionRegistry} (the cluster store in a cluster) */
  registry?: SessionRegistry;
  /** Run as one node of a cluster (Redis, or a store shared in this process). @default a single server */
  cluster?: ClusterOptions;
  /**
   * Where this node moves its sessions when it drains (session migration): the cluster's, or an
   * `InProcessMigrationNetwork`'s. @default none: members stay until the rotation's deadline
   */
  migrationTarget?: MigrationTarget;
  /** A draw in [0, 1), for spreading migrations over their window. @default Math.random */
  random?: () => number;
  /** Time and timers of the session logic. @default the system clock */
  clock?: ServerClock;
  /** Random ids and secrets. @default `node:crypto` */
  ids?: IdSource;
}

/** {@link ServerOptions} with every default applied (`registry` and `logger` are built later). */
export type ResolvedServerOptions = Required<
  Omit<ServerOptions, 'logger' | 'registry' | 'secret' | 'webhooks' | 'migrationTarget' | 'cluster'>
> &
  Pick<ServerOptions, 'logger' | 'registry' | 'migrationTarget' | 'cluster'> & {
    secret: string | undefined;
    webhooks: ResolvedWebhookOptions | undefined;
  };

/** Applies defaults and checks every option; throws a `TypeError` naming the first bad one. */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const o: ResolvedServerOptions = {
    secret: options.secret,
    port: options.port ?? 4000,
    host: options.host ?? '127.0.0.1',
    path: options.path ?? DEFAULT_SOCKET_PATH,
    graceMs: options.graceMs ?? 12_000,
    pingIntervalMs: options.pingIntervalMs ?? 1000,
    pingTimeoutMs: options.pingTimeoutMs ?? 1500,
    iceServers: options.iceServers ?? [],
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    devTokens: options.devTokens ?? false,
    nodeId: options.nodeId ?? defaultNodeId(),
    logger: options.logger,
    logLevel: options.logLevel ?? 'info',
    rateLimitPerSec: options.rateLimitPerSec ?? 100,
    rateLimitBurst: options.rateLimitBurst ?? 200,
    rateLimitBytesPerSec: options.rateLimitBytesPerSec ?? 256 * 1024,
    rateLimitBytesBurst: options.rateLimitBytesBurst ?? 1024 * 1024,
    admissionPerSec: options.admissionPerSec ?? 400,
    admissionBurst: options.admissionBurst ?? 400,
    maxPendingHandshakes: options.maxPendingHandshakes ?? 500,
    listenBacklog: options.listenBacklog ?? 511,
    saturatedLagMs: options.saturatedLagMs ?? 500,
    maxGraceExtensionMs: options.maxGraceExtensionMs ?? 30_000,
    stormGraceMembers: options.stormGraceMembers ?? 200,
    floodDisconnectAfter: options.floodDisconnectAfter ?? 500,
    replayMaxEvents: options.replayMaxEvents ?? 10_000,
    replayMaxBytes: options.replayMaxBytes ?? 8 * 1024 * 1024,
    storedReplies: options.storedReplies ?? 1024,
    evictedMemoryMs: options.evictedMemoryMs ?? 10 * 60_000,
    evictedMemoryMax: options.evictedMemoryMax ?? 100_000,
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    maxSessionMembers: options.maxSessionMembers ?? 16,
    emptySessionTtlMs: options.emptySessionTtlMs ?? 5 * 60_000,
    drainMs: options.drainMs ?? 30_000,
    webhooks: options.webhooks === undefined ? undefined : resolveWebhookOptions(options.webhooks),
    registry: options.registry,
    migrationTarget: options.migrationTarget,
    random: options.random ?? Math.random,
    cluster: options.cluster,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? cryptoIds,
  };
  if (o.secret !== undefined && o.secret.length < 16) fail('secret', 'must be at least 16 characters');
  // A bearer token (RFC 6750 token68): what an Authorization header can carry as is.
  if (o.secret !== undefined && !/^[A-Za-z0-9._~+/-]+=*$/.test(o.secret)) {
    fail('secret', 'may hold only letters, digits and . _ ~ + / - (then = padding)');
  }
  if (o.secret === undefined && !o.devTokens) fail('secret', 'is required unless devTokens is on');
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535) fail('port', 'must be 0–65535');
  if (!o.path.startsWith('/')) fail('path', 'must start with "/"');
  if (!['all', 'relay'].includes(o.iceTransportPolicy)) fail('iceTransportPolicy', 'must be all or relay');
  if (!LOG_LEVELS.includes(o.logLevel)) fail('logLevel', `must be one of ${LOG_LEVELS.join(', ')}`);
  if (o.nodeId === '') fail('nodeId', 'must not be empty');
  const positive = [
    'graceMs',
    'pingIntervalMs',
    'pingTimeoutMs',
    'rateLimitPerSec',
    'rateLimitBurst',
    'rateLimitBytesPerSec',
    'rateLimitBytesBurst',
    'floodDisconnectAfter',
    'admissionPerSec',
    'admissionBurst',
    'maxPendingHandshakes',
    'listenBacklog',
    'saturatedLagMs',
    'maxGraceExtensionMs',
    'replayMaxEvents',
    'replayMaxBytes',
    'storedReplies',
    'evictedMemoryMs',
    'evictedMemoryMax',
    'joinTimeoutMs',
    'tokenTtlSeconds',
    'maxSessionMembers',
    'emptySessionTtlMs',
    'drainMs',
  ] as const;
  for (const name of positive) {
    const value = o[name];
    if (!Number.isFinite(value) || value <= 0) fail(name, 'must be a positive number');
  }
  if (!Number.isInteger(o.stormGraceMembers) || o.stormGraceMembers < 0) {
    fail('stormGraceMembers', 'must be a whole number, 0 or more (0 turns it off)');
  }
  if (o.cluster && o.cluster.store === undefined && o.cluster.redisUrl === undefined) {
    fail('cluster', 'needs a store or a redisUrl');
  }
  if (o.cluster?.redisUrl !== undefined && !/^rediss?:\/\//.test(o.cluster.redisUrl)) {
    fail('cluster.redisUrl', 'must start with redis:// or rediss://');
  }
  if (o.rateLimitBytesBurst < LIMITS.maxPacketBytes) {
    fail('rateLimitBytesBurst', `must be at least ${LIMITS.maxPacketBytes} (one largest packet)`);
  }
  return o;
}

function fail(name: string, problem: string): never {
  throw new TypeError(`holdfast server option "${name}" ${problem}`);
}
