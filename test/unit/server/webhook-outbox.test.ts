import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryWebhookOutbox,
  RedisWebhookOutbox,
  systemClock,
  type WebhookOutbox,
} from '../../../src/server';
import { createServerWebhooks, type ServerWebhooks } from '../../../src/server/webhooks/server-webhooks';
import { resolveWebhookOptions } from '../../../src/server/webhooks/webhook-options';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { WebhookReceiver } from '../../support/webhook-receiver';

const SECRET = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
const silent = pino({ level: 'silent' });
const noMetrics = { delivered: () => {}, failed: () => {}, retried: () => {} };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node's webhooks on `outbox`, retrying only after a minute (so a failed first attempt stays queued). */
function node(nodeId: string, outbox: WebhookOutbox, url: string): ServerWebhooks {
  const options = resolveWebhookOptions({ url, secret: SECRET, retryDelaysMs: [60_000], outbox });
  const webhooks = createServerWebhooks(options, {
    nodeId,
    clock: systemClock,
    logger: silent,
    metrics: noMetrics,
    liveSessionIds: () => [],
  });
  cleanups.push(() => webhooks.close());
  return webhooks;
}

let redis: RedisServer | undefined;
const redisClients: Array<ReturnType<typeof createClient>> = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});

afterAll(async () => {
  for (const client of redisClients) await client.close().catch(() => {});
  await redis?.stop();
});

/** Each node gets its own outbox object; for Redis each has its own connection to one redis-server. */
const kinds: Array<[string, () => Promise<() => WebhookOutbox>]> = [
  [
    'memory',
    async () => {
      const shared = new MemoryWebhookOutbox();
      return () => shared;
    },
  ],
  [
    'Redis',
    async () => {
      const prefix = `test:{webhooks}:${Math.random().toString(36).slice(2)}`;
      return () => {
        if (!redis) throw new Error('no redis-server');
        const client = createClient({ url: redis.url });
        redisClients.push(client);
        void client.connect();
        return new RedisWebhookOutbox({ client, keyPrefix: prefix });
      };
    },
  ],
];

describe.each(kinds)('the %s webhook outbox', { timeout: 30_000 }, (_, makeFactory) => {
  it("delivers once, from node B after claimOrphaned('A'), the events node A queued and never delivered", async () => {
    const outboxFor = await makeFactory();
    let accepting = false;
    const receiver = await WebhookReceiver.start(() => (accepting ? 204 : 503));
    cleanups.push(() => receiver.close());

    const a = node('A', outboxFor(), receiver.url);
    for (const sessionId of ['one', 'two', 'three']) {
      a.emit({ type: 'sessionCreated', data: { sessionId, nodeId: 'A' } });
    }
    await waitFor(() => receiver.requests.length === 1, { what: "A's first attempt" });
    const outboxA = outboxFor();
    await waitFor(async () => (await outboxA.size('A')) === 3, { what: 'three queued on A' });
    // A dies with three messages queued (one already attempted once): it sends nothing more.
    await a.close();
    accepting = true;

    const b = node('B', outboxFor(), receiver.url);
    const c = node('C', outboxFor(), receiver.url);
    // Two survivors claim at once: every message moves exactly once.
    const claimed = await Promise.all([b.claimOrphaned('A'), c.claimOrphaned('A')]);
    expect(claimed.sort()).toEqual([0, 3]);
    expect(await b.claimOrphaned('A')).toBe(0);

    await waitFor(() => receiver.accepted().length === 3, { what: 'three deliveries after the claim' });
    const delivered = receiver.verified(SECRET);
    expect(delivered.map((m) => m.data.sessionId)).toEqual(['one', 'two', 'three']);
    expect(new Set(delivered.map((m) => m.id)).size).toBe(3);
    // The message A had attempted keeps its webhook-id.
    expect(delivered[0]?.id).toBe(receiver.requests[0]?.headers['webhook-id']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.accepted()).toHaveLength(3);
    expect(await outboxA.size('A')).toBe(0);
    expect(await outboxA.size('B')).toBe(0);
    expect(await outboxA.size('C')).toBe(0);
  });

  it('keeps the order of a queue and removes only its head by id', async () => {
    const outbox = (await makeFactory())();
    const message = (id: string) =>
      ({
        id,
        type: 'sessionCreated',
        timestamp: '2026-01-01T00:00:00.000Z',
        data: { sessionId: id, nodeId: 'X' },
      }) as const;
    await outbox.enqueue('X', message('m1'));
    await outbox.enqueue('X', message('m2'));
    await outbox.remove('X', 'm2');
    expect((await outbox.peek('X'))?.id).toBe('m1');
    await outbox.remove('X', 'm1');
    expect(await outbox.peek('X')).toEqual(message('m2'));
    expect(await outbox.claim('X', 'X')).toBe(0);
    expect(await outbox.size('X')).toBe(1);
  });
});

describe('the memory webhook outbox', () => {
  it('refuses messages beyond its per-node cap, so a long outage cannot exhaust memory', async () => {
    const outbox = new MemoryWebhookOutbox({ maxPerNode: 2 });
    const message = (id: string) =>
      ({
        id,
        type: 'sessionCreated',
        timestamp: '2026-01-01T00:00:00.000Z',
        data: { sessionId: id, nodeId: 'X' },
      }) as const;
    await outbox.enqueue('X', message('m1'));
    await outbox.enqueue('X', message('m2'));
    await expect(outbox.enqueue('X', message('m3'))).rejects.toThrow(/full/);
    await outbox.enqueue('Y', message('m3'));
    expect(await outbox.size('X')).toBe(2);
  });
});
