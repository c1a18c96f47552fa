import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/server';
import { createServerWebhooks, type ServerWebhooks } from '../../../src/server/webhooks/server-webhooks';
import type { WebhookMessage } from '../../../src/server/webhooks/webhook-events';
import { resolveWebhookOptions, type WebhookOptions } from '../../../src/server/webhooks/webhook-options';
import { createWebhookSender } from '../../../src/server/webhooks/webhook-sender';
import { waitFor } from '../../support/wait';
import { type WebhookAnswer, WebhookReceiver } from '../../support/webhook-receiver';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  answer: (index: number, type: string) => WebhookAnswer,
  options: Partial<WebhookOptions>,
) {
  const arrivals: number[] = [];
  const receiver = await WebhookReceiver.start((request, index) => {
    arrivals.push(Date.now());
    return answer(index, (JSON.parse(request.body) as { type: string }).type);
  });
  cleanups.push(() => receiver.close());
  const counts = { delivered: 0, failed: 0, retried: 0 };
  const webhooks: ServerWebhooks = createServerWebhooks(
    resolveWebhookOptions({ url: receiver.url, secret: SECRET, ...options }),
    {
      nodeId: 'node-a',
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      metrics: {
        delivered: () => counts.delivered++,
        failed: () => counts.failed++,
        retried: () => counts.retried++,
      },
      liveSessionIds: () => ['s1'],
    },
  );
  cleanups.push(() => webhooks.close());
  return { receiver, webhooks, counts, arrivals };
}

describe('webhook delivery (Standard Webhooks)', { timeout: 30_000 }, () => {
  it('signs every message so that new Webhook(secret).verify(body, headers) accepts it, and a wrong secret does not', async () => {
    const { receiver, webhooks } = await setUp(() => 204, {});
    webhooks.emit({ type: 'sessionCreated', data: { sessionId: 's1', nodeId: 'node-a' } });
    webhooks.emitSessionNotification({ reason: 'serverRotation', deadline: 1_700_000_000_000 });
    await waitFor(() => receiver.accepted().length === 2, { what: 'two deliveries' });

    const [created, notice] = receiver.verified(SECRET);
    expect(created).toMatchObject({ type: 'sessionCreated', data: { sessionId: 's1', nodeId: 'node-a' } });
    expect(created?.id).toMatch(/^msg_/);
    expect(Date.parse(created?.timestamp ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(notice).toMatchObject({
      type: 'sessionNotification',
      data: { nodeId: 'node-a', reason: 'serverRotation', deadline: 1_700_000_000_000, sessionIds: ['s1'] },
    });
    const [first] = receiver.requests;
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['webhook-signature']).toMatch(/^v1,/);
    const other = new Webhook(`whsec_${Buffer.from('another secret, 24+ bytes long').toString('base64')}`);
    expect(() => other.verify(first?.body ?? '', first?.headers as Record<string, string>)).toThrow();
    expect(() =>
      new Webhook(SECRET).verify(`${first?.body} `, first?.headers as Record<string, string>),
    ).toThrow();
  });

  it('retries a 500 and a timeout with backoff, then delivers exactly once per webhook-id, in order', async () => {
    // First message: 500, then no answer (timeout), then 204. Second: 204 at once.
    const { receiver, webhooks, counts, arrivals } = await setUp(
      (index) => (index === 0 ? 500 : index === 1 ? 'hang' : 204),
      {
        timeoutMs: 1000,
        retryDelaysMs: [100, 200, 200],
        jitter: 0.5,
      },
    );
    webhooks.emit({ type: 'sessionCreated', data: { sessionId: 'first', nodeId: 'node-a' } });
    webhooks.emit({ type: 'sessionCreated', data: { sessionId: 'second', nodeId: 'node-a' } });
    // The receiver answers before the sender reads the answer and counts the delivery: wait for both.
    await waitFor(() => receiver.accepted().length === 2 && counts.delivered === 2, {
      what: 'both delivered',
      timeoutMs: 10_000,
    });

    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(receiver.requests.map((r) => r.answer)).toEqual([500, 'hang', 204, 204]);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[0]);
    // Same body on every attempt; each attempt signed anew (its own webhook-timestamp).
    expect(new Set(receiver.requests.slice(0, 3).map((r) => r.body)).size).toBe(1);
    expect(receiver.verified(SECRET).map((m) => m.data.sessionId)).toEqual(['first', 'second']);
    // Backoff: at least delay × (1 − jitter) between attempts; the timeout counts before the second.
    const [a0 = 0, a1 = 0, a2 = 0] = arrivals;
    expect(a1 - a0).toBeGreaterThanOrEqual(50 - 5);
    expect(a2 - a1).toBeGreaterThanOrEqual(1000 + 100 - 5);
    expect(counts).toEqual({ delivered: 2, failed: 0, retried: 2 });
    // Nothing more arrives later: exactly once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.accepted()).toHaveLength(2);
  });

  it('an attempt the receiver never answers fails at its timeout, also when a garbage collection runs meanwhile', async () => {
    // A real server collects garbage all the time; on Node 20 a fetch signal made with
    // AbortSignal.any([…, AbortSignal.timeout()]) never fires after one (nodejs/node#55428).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const receiver = await WebhookReceiver.start(() => 'hang');
    cleanups.push(() => receiver.close());
    const send = createWebhookSender({ url: receiver.url, secret: SECRET, timeoutMs: 500, now: Date.now });
    const message: WebhookMessage = {
      id: 'msg_gc',
      timestamp: new Date().toISOString(),
      type: 'sessionCreated',
      data: { sessionId: 'gc', nodeId: 'node-a' },
    };
    const startedAt = Date.now();
    const outcome = send(message, new AbortController().signal);
    await waitFor(() => receiver.requests.length === 1, { what: 'the attempt arrives' });
    gc();
    const result = await Promise.race([
      outcome,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 3000)),
    ]);
    expect(result).toMatchObject({ ok: false });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(500 - 5);
  });

  it('gives a message up after its last attempt and goes on with the next', async () => {
    const { receiver, webhooks, counts } = await setUp((_, type) => (type === 'nodeCrashed' ? 503 : 200), {
      retryDelaysMs: [10, 10],
    });
    webhooks.emitNodeCrashed({ nodeId: 'node-b', bootId: 'boot-b', sessionIds: ['x'] });
    webhooks.emit({ type: 'sessionCreated', data: { sessionId: 'after', nodeId: 'node-a' } });
    await waitFor(() => receiver.accepted().length === 1, { what: 'the next message delivered' });
    expect(receiver.requests.map((r) => r.answer)).toEqual([503, 503, 503, 200]);
    expect(counts).toEqual({ delivered: 1, failed: 1, retried: 2 });
  });

  it('a graceful close first lets what is queued go out (within its flush time), then sends nothing more', async () => {
    const { receiver, webhooks } = await setUp((index) => (index === 0 ? 500 : 204), {
      retryDelaysMs: [100],
    });
    webhooks.emit({ type: 'sessionCreated', data: { sessionId: 'last words', nodeId: 'node-a' } });
    webhooks.emit({
      type: 'sessionDestroyed',
      data: { sessionId: 'last words', nodeId: 'node-a', reason: 'sessionClosedByServer' },
    });
    await waitFor(() => receiver.requests.length === 1, { what: 'the first attempt' });
    await webhooks.close(2000);
    expect(receiver.verified(SECRET).map((m) => m.type)).toEqual(['sessionCreated', 'sessionDestroyed']);
    webhooks.emit({ type: 'sessionCreated', data: { sessionId: 'too late', nodeId: 'node-a' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(3);
  });

  it('refuses a secret that is not whsec_ + base64 and a URL that is not http(s), naming the option', () => {
    expect(() => resolveWebhookOptions({ url: 'http://127.0.0.1/x', secret: 'plain' })).toThrow(
      /webhooks\.secret/,
    );
    expect(() => resolveWebhookOptions({ url: 'ftp://127.0.0.1/x', secret: SECRET })).toThrow(
      /webhooks\.url/,
    );
    expect(() =>
      resolveWebhookOptions({ url: 'http://127.0.0.1/x', secret: SECRET, retryDelaysMs: [-1] }),
    ).toThrow(/retryDelaysMs/);
  });
});
