import type { WebhookMessage } from './webhook-events';
import type { WebhookOutbox } from './webhook-outbox';

/**
 * The commands {@link RedisWebhookOutbox} uses, as node-redis 5 names them (a client from
 * `createClient()` fits; so does a test double).
 */
export interface OutboxRedisClient {
  rPush(key: string, element: string): Promise<unknown>;
  lIndex(key: string, index: number): Promise<unknown>;
  lLen(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Options of {@link RedisWebhookOutbox}. */
export interface RedisWebhookOutboxOptions {
  /** A connected node-redis client; the outbox never connects or closes it. */
  client: OutboxRedisClient;
  /**
   * Prefix of the queue keys (`<prefix>:<nodeId>`). The `{…}` hash tag keeps every queue in one
   * Redis Cluster slot, which the atomic claim needs. @default 'holdfast:{webhooks}:outbox'
   */
  keyPrefix?: string;
}

/** Removes the head if it is the message ARGV[1]. */
const REMOVE_HEAD = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head and cjson.decode(head).id == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  return 1
end
return 0`;

/** Moves the whole list KEYS[1] to the tail of KEYS[2], in order, atomically. */
const CLAIM = `
if KEYS[1] == KEYS[2] then return 0 end
local moved = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do
  moved = moved + 1
end
return moved`;

/**
 * A {@link WebhookOutbox} in Redis: one list per node (`RPUSH` to enqueue, `LINDEX 0` to peek, a Lua
 * script to remove the head by id). It outlives the node: what a crashed node had queued stays in
 * Redis until a survivor claims it (one Lua script, so a queue is claimed by exactly one survivor).
 */
export class RedisWebhookOutbox implements WebhookOutbox {
  readonly #redis: OutboxRedisClient;
  readonly #prefix: string;

  constructor(options: RedisWebhookOutboxOptions) {
    this.#redis = options.client;
    this.#prefix = options.keyPrefix ?? 'holdfast:{webhooks}:outbox';
  }

  async enqueue(nodeId: string, message: WebhookMessage): Promise<void> {
    await this.#redis.rPush(this.#key(nodeId), JSON.stringify(message));
  }

  async peek(nodeId: string): Promise<WebhookMessage | undefined> {
    const raw = await this.#redis.lIndex(this.#key(nodeId), 0);
    return typeof raw === 'string' ? (JSON.parse(raw) as WebhookMessage) : undefined;
  }

  async remove(nodeId: string, messageId: string): Promise<void> {
    await this.#redis.eval(REMOVE_HEAD, { keys: [this.#key(nodeId)], arguments: [messageId] });
  }

  async claim(fromNodeId: string, toNodeId: string): Promise<number> {
    const keys = [this.#key(fromNodeId), this.#key(toNodeId)];
    return Number(await this.#redis.eval(CLAIM, { keys, arguments: [] }));
  }

  async size(nodeId: string): Promise<number> {
    return Number(await this.#redis.lLen(this.#key(nodeId)));
  }

  #key(nodeId: string): string {
    return `${this.#prefix}:${nodeId}`;
  }
}
