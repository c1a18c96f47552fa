import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { IceServerSchema, LIMITS } from '../protocol';
import { LOG_LEVELS, type LogLevel, type ServerOptions } from './options';

/** Every flag of `holdfast-server`; each falls back to the environment variable `HOLDFAST_<NAME>`. */
const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  secret: { type: 'string' },
  path: { type: 'string' },
  'grace-ms': { type: 'string' },
  'ping-interval-ms': { type: 'string' },
  'ping-timeout-ms': { type: 'string' },
  'ice-servers': { type: 'string' },
  'ice-transport-policy': { type: 'string' },
  dev: { type: 'boolean' },
  'node-id': { type: 'string' },
  'log-level': { type: 'string' },
  'rate-limit-per-sec': { type: 'string' },
  'rate-limit-burst': { type: 'string' },
  'rate-limit-bytes-per-sec': { type: 'string' },
  'rate-limit-bytes-burst': { type: 'string' },
  'max-session-members': { type: 'string' },
  'empty-session-ttl-ms': { type: 'string' },
  'drain-ms': { type: 'string' },
  'admission-per-sec': { type: 'string' },
  'admission-burst': { type: 'string' },
  'max-pending-handshakes': { type: 'string' },
  'listen-backlog': { type: 'string' },
  'saturated-lag-ms': { type: 'string' },
  'max-grace-extension-ms': { type: 'string' },
  'storm-grace-members': { type: 'string' },
  'webhook-url': { type: 'string' },
  'webhook-secret': { type: 'string' },
  'webhook-timeout-ms': { type: 'string' },
  'webhook-retry-delays-ms': { type: 'string' },
  'redis-url': { type: 'string' },
  'public-url': { type: 'string' },
  capacity: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage text of `holdfast-server --help`. */
export const USAGE = `Usage: holdfast-server [options]

Every option falls back to the environment variable HOLDFAST_<NAME> (e.g. HOLDFAST_GRACE_MS).

  --port <n>                  TCP port; 0 = any free port            (4000)
  --host <addr>               interface to listen on                 (127.0.0.1)
  --secret <s>                REST secret, >= 16 chars; required unless --dev
  --path <p>                  socket.io path                         (/holdfast)
  --grace-ms <n>              eviction grace                         (12000)
  --ping-interval-ms <n>      heartbeat interval                     (1000)
  --ping-timeout-ms <n>       heartbeat timeout                      (1500)
  --ice-servers <json>        JSON array of RTCIceServer             ([])
  --ice-transport-policy <p>  all | relay                            (all)
  --dev                       dev mode: POST /dev/token without the secret; generates a secret if none
  --node-id <id>              this node's id                         (<hostname>-<pid>)
  --log-level <level>         ${LOG_LEVELS.join(' | ')}   (info)
  --rate-limit-per-sec <n>    messages per second per socket         (100)
  --rate-limit-burst <n>      burst per socket                       (200)
  --rate-limit-bytes-per-sec <n>  bytes per second per socket        (262144)
  --rate-limit-bytes-burst <n>    byte burst per socket, >= 66560    (1048576)
  --max-session-members <n>   members per session                    (16)
  --empty-session-ttl-ms <n>  close a session empty this long       (300000)
  --drain-ms <n>              rotation deadline on SIGTERM or drain  (30000)
  --admission-per-sec <n>     joins + resumes admitted per second    (400)
  --admission-burst <n>       joins + resumes admitted at once       (400)
  --max-pending-handshakes <n> sockets not yet joined before handshakes are refused (500)
  --listen-backlog <n>        kernel queue of unaccepted connections (511)
  --saturated-lag-ms <n>      event-loop lag counted as saturated    (500)
  --max-grace-extension-ms <n> grace stretch for the server's own stalls (30000)
  --storm-grace-members <n>   members in grace at once that hold every eviction (200; 0 off)
  --webhook-url <url>         POST signed webhooks here (Standard Webhooks)          (none)
  --webhook-secret <whsec_…>  their signing secret; required with --webhook-url
  --webhook-timeout-ms <n>    one attempt's timeout                  (10000)
  --webhook-retry-delays-ms <list>  delays before each retry, comma-separated
                              (5000,30000,120000,600000,1800000)
  --redis-url <url>           run as a cluster node on this Redis    (single server)
  --public-url <url>          URL clients reach this node at         (the listening URL)
  --capacity <n>              sessions this cluster node may host    (1000)
  -h, --help                  this text
`;

/** What the command line asks for. */
export type CliRequest =
  | { kind: 'help' }
  | { kind: 'run'; options: ServerOptions & { logLevel: LogLevel }; dev: boolean }
  | { kind: 'error'; message: string };

type FlagName = keyof typeof FLAGS;

/** Parses `argv` (without `node` and the script) with the environment as fallback. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  let values: Partial<Record<FlagName, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  const read = (name: FlagName): string | undefined => {
    const value = values[name];
    if (typeof value === 'string') return value;
    return env[`HOLDFAST_${name.toUpperCase().replaceAll('-', '_')}`] || undefined;
  };
  try {
    const int = (name: FlagName, min: number): number | undefined => {
      const raw = read(name);
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min)
        throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
      return n;
    };
    const devRaw = values.dev ?? env.HOLDFAST_DEV;
    const dev = devRaw === true || devRaw === '1' || devRaw === 'true';
    const logLevel = (read('log-level') ?? 'info') as LogLevel;
    if (!LOG_LEVELS.includes(logLevel))
      throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    const policy = read('ice-transport-policy');
    if (policy !== undefined && policy !== 'all' && policy !== 'relay') {
      throw new Error('--ice-transport-policy must be all or relay');
    }
    const secret = read('secret');
    if (secret === undefined && !dev)
      throw new Error('--secret (or HOLDFAST_SECRET) is required unless --dev');
    const options: ServerOptions & { logLevel: LogLevel } = {
      port: int('port', 0) ?? 4000,
      host: read('host') ?? '127.0.0.1',
      secret,
      path: read('path'),
      graceMs: int('grace-ms', 1),
      pingIntervalMs: int('ping-interval-ms', 1),
      pingTimeoutMs: int('ping-timeout-ms', 1),
      iceServers: parseIceServers(read('ice-servers')),
      iceTransportPolicy: policy,
      devTokens: dev,
      nodeId: read('node-id'),
      logLevel,
      rateLimitPerSec: int('rate-limit-per-sec', 1),
      rateLimitBurst: int('rate-limit-burst', 1),
      rateLimitBytesPerSec: int('rate-limit-bytes-per-sec', 1),
      rateLimitBytesBurst: int('rate-limit-bytes-burst', LIMITS.maxPacketBytes),
      maxSessionMembers: int('max-session-members', 1),
      emptySessionTtlMs: int('empty-session-ttl-ms', 1),
      drainMs: int('drain-ms', 1),
      admissionPerSec: int('admission-per-sec', 1),
      admissionBurst: int('admission-burst', 1),
      maxPendingHandshakes: int('max-pending-handshakes', 1),
      listenBacklog: int('listen-backlog', 1),
      saturatedLagMs: int('saturated-lag-ms', 1),
      maxGraceExtensionMs: int('max-grace-extension-ms', 1),
      stormGraceMembers: int('storm-grace-members', 0),
      webhooks: parseWebhooks(read, int),
    };
    const redisUrl = read('redis-url');
    const publicUrl = read('public-url');
    const capacity = int('capacity', 1);
    if (redisUrl !== undefined) {
      if (!/^rediss?:\/\//.test(redisUrl))
        throw new Error('--redis-url must start with redis:// or rediss://');
      options.cluster = dropUndefined({ redisUrl, publicUrl, capacity });
    } else if (publicUrl !== undefined || capacity !== undefined) {
      throw new Error('--public-url and --capacity need --redis-url');
    }
    return { kind: 'run', options: dropUndefined(options), dev };
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
}

function parseWebhooks(
  read: (name: FlagName) => string | undefined,
  int: (name: FlagName, min: number) => number | undefined,
): ServerOptions['webhooks'] {
  const url = read('webhook-url');
  const secret = read('webhook-secret');
  const timeoutMs = int('webhook-timeout-ms', 1);
  const delays = read('webhook-retry-delays-ms');
  if (url === undefined) {
    if (secret !== undefined || timeoutMs !== undefined || delays !== undefined) {
      throw new Error(
        '--webhook-secret, --webhook-timeout-ms and --webhook-retry-delays-ms need --webhook-url',
      );
    }
    return undefined;
  }
  if (secret === undefined)
    throw new Error('--webhook-secret (or HOLDFAST_WEBHOOK_SECRET) is required with --webhook-url');
  let retryDelaysMs: number[] | undefined;
  if (delays !== undefined) {
    retryDelaysMs = delays === '' ? [] : delays.split(',').map(Number);
    if (retryDelaysMs.some((ms) => !Number.isInteger(ms) || ms < 0)) {
      throw new Error(`--webhook-retry-delays-ms must be integers >= 0 separated by commas, got "${delays}"`);
    }
  }
  return dropUndefined({ url, secret, timeoutMs, retryDelaysMs });
}

function parseIceServers(raw: string | undefined): ServerOptions['iceServers'] {
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('--ice-servers must be JSON');
  }
  const parsed = v.safeParse(v.array(IceServerSchema), json);
  if (!parsed.success) throw new Error(`--ice-servers: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
