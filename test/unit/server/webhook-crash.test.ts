import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisWebhookOutbox } from '../../../src/server';
import { stopChild, trackChild, waitForExit } from '../../support/child-processes';
import { RedisServer } from '../../support/redis-server';
import { REPO_ROOT } from '../../support/server-process';
import { waitFor, withTimeout } from '../../support/wait';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { SECRET as REST_SECRET, TestServer } from './harness';

const WEBHOOK_SECRET = `whsec_${Buffer.from('crash-test webhook secret 32byte').toString('base64')}`;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('webhooks of a SIGKILLed node (real Redis outbox)', { timeout: 60_000 }, () => {
  it('a survivor that claims the dead node delivers every event it had queued, once, in order', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    let accepting = false;
    const receiver = await WebhookReceiver.start(() => (accepting ? 204 : 503));
    cleanups.push(() => receiver.close());

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/redis-webhook-node.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET,
        NODE_ID: 'node-a',
        SECRET: REST_SECRET,
      },
    });
    trackChild(child);
    cleanups.push(() => stopChild(child));
    const url = await withTimeout(
      new Promise<string>((resolve) => {
        if (!child.stdout) throw new Error('no stdout');
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.includes('"listening"')) resolve((JSON.parse(line) as { url: string }).url);
        });
      }),
      30_000,
      'node A to listen',
    );
    for (const customSessionId of ['s1', 's2', 's3']) {
      const response = await fetch(`${url}/api/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${REST_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customSessionId }),
      });
      expect(response.status).toBe(200);
    }
    const client = createClient({ url: redis.url });
    await client.connect();
    cleanups.push(() => client.close());
    const outbox = new RedisWebhookOutbox({ client });
    // Emitting does not wait for Redis (signaling never blocks on webhooks): wait until A's three
    // events are in its queue and its first attempt was refused, then kill it.
    await waitFor(async () => receiver.requests.length === 1 && (await outbox.size('node-a')) === 3, {
      what: "node A's three queued events and its refused first attempt",
    });
    process.kill(child.pid ?? 0, 'SIGKILL');
    await waitForExit(child);
    accepting = true;
    expect(await outbox.size('node-a')).toBe(3);
    const survivor = await TestServer.start({
      nodeId: 'node-b',
      webhooks: { url: receiver.url, secret: WEBHOOK_SECRET, outbox },
    });
    expect(await survivor.server.webhooks.claimOrphaned('node-a')).toBe(3);
    survivor.server.webhooks.emitNodeCrashed({
      nodeId: 'node-a',
      bootId: 'boot-a',
      sessionIds: ['s1', 's2', 's3'],
    });

    await waitFor(() => receiver.accepted().length === 4, { what: 'four deliveries', timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const delivered = receiver.verified(WEBHOOK_SECRET);
    expect(delivered.map((m) => [m.type, m.data.sessionId ?? m.data.nodeId])).toEqual([
      ['sessionCreated', 's1'],
      ['sessionCreated', 's2'],
      ['sessionCreated', 's3'],
      ['nodeCrashed', 'node-a'],
    ]);
    expect(new Set(delivered.map((m) => m.id)).size).toBe(4);
    expect(delivered[0]?.id).toBe(receiver.requests[0]?.headers['webhook-id']);
    expect(receiver.requests).toHaveLength(5);
    expect(await outbox.size('node-a')).toBe(0);
  });
});
