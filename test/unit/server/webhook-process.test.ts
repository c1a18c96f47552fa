import { afterEach, describe, expect, it } from 'vitest';
import { type MessageReply, WIRE } from '../../../src/protocol';
import { RawClient } from '../../support/raw-client';
import { ServerProcess } from '../../support/server-process';
import { waitFor } from '../../support/wait';
import { WebhookReceiver } from '../../support/webhook-receiver';

const SECRET = `whsec_${Buffer.from('process-level webhook secret!!').toString('base64')}`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('webhooks from the real server process', { timeout: 60_000 }, () => {
  it('a session created, joined, left and deleted reaches the receiver in order, each signature valid, none twice, the failed first attempt retried once', async () => {
    const receiver = await WebhookReceiver.start((_, index) => (index === 0 ? 500 : 204));
    cleanups.push(() => receiver.close());
    const server = await ServerProcess.start({
      logLevel: 'warn',
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      webhookTimeoutMs: 2000,
      webhookRetryDelaysMs: [200, 1000],
    });
    cleanups.push(() => server.stop());
    const sessionId = 'webhooked';
    await server.createSession(sessionId);

    const member = async (identity: string) => {
      const client = await RawClient.connect(server.url);
      cleanups.push(() => client.close());
      const { token } = await server.createToken(sessionId, { identity, data: `${identity}'s data` });
      const reply = await client.join({ sessionId, token, identity });
      if (!reply.ok) throw new Error(`join refused: ${JSON.stringify(reply.error)}`);
      return { client, connectionId: reply.connectionId };
    };
    const alice = await member('alice');
    const bob = await member('bob');
    const left = await alice.client.request<MessageReply>(WIRE.msg, { seq: 1, msg: { kind: 'leave' } });
    expect(left).toMatchObject({ ok: true });
    await server.rest('DELETE', `/api/sessions/${sessionId}`);

    await waitFor(() => receiver.accepted().length >= 6, { what: 'six webhooks', timeoutMs: 15_000 });
    // Nothing more arrives afterwards (no duplicate, no late retry).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const delivered = receiver.verified(SECRET);
    expect(delivered.map((m) => [m.type, m.data.identity ?? null, m.data.reason ?? null])).toEqual([
      ['sessionCreated', null, null],
      ['participantJoined', 'alice', null],
      ['participantJoined', 'bob', null],
      ['participantLeft', 'alice', 'disconnect'],
      ['participantLeft', 'bob', 'sessionClosedByServer'],
      ['sessionDestroyed', null, 'sessionClosedByServer'],
    ]);
    for (const message of delivered)
      expect(message.data).toMatchObject({ sessionId, nodeId: expect.any(String) });
    expect(delivered[1]?.data).toMatchObject({
      connectionId: alice.connectionId,
      role: 'publisher',
      data: "alice's data",
    });
    expect(delivered[4]?.data).toMatchObject({ connectionId: bob.connectionId });
    expect(new Set(delivered.map((m) => m.id)).size).toBe(6);
    // The first attempt was refused; the retry carried the same webhook-id and body.
    const [refused, retry] = receiver.requests;
    expect(refused?.answer).toBe(500);
    expect(retry?.headers['webhook-id']).toBe(refused?.headers['webhook-id']);
    expect(retry?.body).toBe(refused?.body);
    expect(receiver.requests).toHaveLength(7);

    const metrics = (await (await fetch(`${server.url}/metrics`)).text())
      .split('\n')
      .filter((line) => line.startsWith('holdfast_webhooks_total'));
    expect(metrics).toEqual([
      'holdfast_webhooks_total{outcome="delivered"} 6',
      'holdfast_webhooks_total{outcome="failed"} 0',
      'holdfast_webhooks_total{outcome="retried"} 1',
    ]);
  });
});
