import { describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../../support/wait';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { TestServer } from './harness';

const WEBHOOK_SECRET = `whsec_${Buffer.from('drain webhook secret, 32 bytes!').toString('base64')}`;

describe('drain for a planned rotation (R1, one node)', () => {
  it('POST /api/drain: members and later joiners get sessionNotification serverRotation, /readyz 503, no new session, and serverRotation at the deadline; the webhooks say so', async () => {
    const receiver = await WebhookReceiver.start();
    onTestFinished(() => receiver.close());
    const t = await TestServer.start({
      webhooks: { url: receiver.url, secret: WEBHOOK_SECRET, retryDelaysMs: [50] },
    });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    expect((await t.rest('GET', '/readyz', undefined, null)).status).toBe(200);

    const before = Date.now();
    const drained = await t.rest<{ nodeId: string; deadline: number }>('POST', '/api/drain', {
      withinMs: 1500,
    });
    expect(drained.status).toBe(202);
    expect(drained.body.deadline).toBeGreaterThanOrEqual(before + 1500);
    expect(drained.body.deadline).toBeLessThan(Date.now() + 1500 + 50);
    const notice = {
      kind: 'sessionNotification',
      reason: 'serverRotation',
      deadline: drained.body.deadline,
    };
    for (const member of [a, b]) {
      expect(await member.waitForEvent('sessionNotification', () => true, 2000)).toEqual(notice);
    }

    // Draining: not ready, no new session here, the same deadline when asked again.
    expect(await t.rest('GET', '/readyz', undefined, null)).toMatchObject({
      status: 503,
      body: { ready: false, draining: true },
    });
    expect(await t.rest('POST', '/api/sessions', { customSessionId: 'new-room' })).toMatchObject({
      status: 503,
      body: { error: { code: 'NODE_DRAINING' } },
    });
    expect((await t.rest('POST', '/api/drain', { withinMs: 60_000 })).body).toMatchObject({
      deadline: drained.body.deadline,
    });

    // A member joining an existing session meanwhile hears the notice first thing.
    const c = await t.member('room', 'c');
    expect(await c.waitForEvent('sessionNotification', () => true, 2000)).toEqual(notice);
    expect(c.received()[0]).toEqual(notice);

    // At the deadline, whoever is left ends with serverRotation.
    for (const member of [a, b, c]) {
      expect(await member.waitForEvent('sessionDisconnected', () => true, 4000)).toEqual({
        kind: 'sessionDisconnected',
        reason: 'serverRotation',
      });
    }
    expect(Date.now()).toBeGreaterThanOrEqual(drained.body.deadline - 5);
    await waitFor(
      async () => (await t.rest<{ connections: number }>('GET', '/api/health')).body.connections === 0,
      {
        what: 'no member left',
      },
    );
  });

  it('refuses a drain without the secret and a deadline out of bounds', async () => {
    const t = await TestServer.start();
    expect((await t.rest('POST', '/api/drain', {}, null)).status).toBe(401);
    expect(await t.rest('POST', '/api/drain', { withinMs: -1 })).toMatchObject({
      status: 400,
      body: { error: { code: 'MESSAGE_MALFORMED' } },
    });
    expect((await t.rest('GET', '/readyz', undefined, null)).status).toBe(200);
  });
});
