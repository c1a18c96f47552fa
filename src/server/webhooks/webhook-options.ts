import type { WebhookOutbox } from './webhook-outbox';

/** Options of the server's webhooks (`createServer({ webhooks })`). */
export interface WebhookOptions {
  /** Where events are POSTed (`http:` or `https:`). */
  url: string;
  /** The signing secret, Standard Webhooks format: `whsec_` then 24–64 random bytes in base64. */
  secret: string;
  /** An attempt not answered after this long fails and is retried. @default 10000 */
  timeoutMs?: number;
  /**
   * Delay before each retry, in order; a message gets one attempt more than there are delays, then is
   * given up (logged, counted in `holdfast_webhooks_failed_total`).
   * @default [5000, 30000, 120000, 600000, 1800000] (5 s, 30 s, 2 min, 10 min, 30 min)
   */
  retryDelaysMs?: number[];
  /** Each retry delay is multiplied by a random factor in [1 − jitter, 1 + jitter]. @default 0.2 */
  jitter?: number;
  /**
   * Where messages wait until delivered. Pass a `RedisWebhookOutbox` so a crashed node's messages
   * survive it. @default a new `MemoryWebhookOutbox`
   */
  outbox?: WebhookOutbox;
  /** A number in [0, 1), for the jitter. @default Math.random */
  random?: () => number;
}

/** {@link WebhookOptions} with every default applied but the outbox. */
export type ResolvedWebhookOptions = Required<Omit<WebhookOptions, 'outbox'>> &
  Pick<WebhookOptions, 'outbox'>;

/** The default retry schedule (ms). */
export const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000] as const;

/** Applies defaults and checks every option; throws a `TypeError` naming the first bad one. */
export function resolveWebhookOptions(options: WebhookOptions): ResolvedWebhookOptions {
  const o: ResolvedWebhookOptions = {
    url: options.url,
    secret: options.secret,
    timeoutMs: options.timeoutMs ?? 10_000,
    retryDelaysMs: options.retryDelaysMs ?? [...DEFAULT_RETRY_DELAYS_MS],
    jitter: options.jitter ?? 0.2,
    outbox: options.outbox,
    random: options.random ?? Math.random,
  };
  let url: URL | undefined;
  try {
    url = new URL(o.url);
  } catch {
    fail('url', 'must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('url', 'must be http: or https:');
  const match = typeof o.secret === 'string' ? /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(o.secret) : null;
  const bytes = match?.[1] === undefined ? 0 : Buffer.from(match[1], 'base64').length;
  if (!match || bytes < 24 || bytes > 64) fail('secret', 'must be whsec_ then 24–64 bytes in base64');
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) fail('timeoutMs', 'must be a positive number');
  if (!Array.isArray(o.retryDelaysMs) || o.retryDelaysMs.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    fail('retryDelaysMs', 'must be an array of numbers >= 0');
  }
  if (!Number.isFinite(o.jitter) || o.jitter < 0 || o.jitter > 1) fail('jitter', 'must be between 0 and 1');
  return o;
}

function fail(name: string, problem: string): never {
  throw new TypeError(`holdfast server option "webhooks.${name}" ${problem}`);
}
