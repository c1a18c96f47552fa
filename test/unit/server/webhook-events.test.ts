import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { TestServer } from './harness';

const SECRET = `whsec_${Buffer.from('in-process webhook secret, 32 b').toString('base64')}`;

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

describe('webhook events of every membership ending', { timeout: 20_000 }, () => {
  it('replaced, forced by a moderator and by the backend, evicted, left; then the empty session expires', async () => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    const t = await TestServer.start({
      // Heartbeats and grace roomy enough that only the dropped client is evicted on a loaded machine.
      pingIntervalMs: 500,
      pingTimeoutMs: 2000,
      graceMs: 1000,
      // Long enough for the first member to join after the session is created, on a loaded machine.
      emptySessionTtlMs: 2000,
      webhooks: { url: receiver.url, secret: SECRET, retryDelaysMs: [50] },
    });
    const mod = await t.member('room', 'mod', { role: 'moderator' });
    const pat = await t.member('room', 'pat');
    const kicked = await t.member('room', 'kicked');
    const dropped = await t.member('room', 'dropped');
    const dup = await t.member('room', 'dup');
    const dupAgain = await t.member('room', 'dup');

    expect(await mod.send({ kind: 'forceDisconnect', connectionId: pat.connectionId })).toMatchObject({
      ok: true,
    });
    const kick = await t.rest('DELETE', `/api/sessions/room/connections/${kicked.connectionId}`);
    expect(kick.status).toBeLessThan(300);
    dropped.drop();
    await waitFor(
      () =>
        receiver.verified(SECRET).some((m) => m.type === 'participantLeft' && m.data.identity === 'dropped'),
      { what: 'the eviction webhook' },
    );
    expect(await mod.send({ kind: 'leave' })).toMatchObject({ ok: true });
    expect(await dupAgain.send({ kind: 'leave' })).toMatchObject({ ok: true });
    await waitFor(() => receiver.verified(SECRET).some((m) => m.type === 'sessionDestroyed'), {
      what: 'the session to expire',
    });

    const events = receiver
      .verified(SECRET)
      .map((m): Record<string, unknown> => ({ type: m.type, ...m.data }));
    expect(events.map((e) => [e.type, e.identity ?? null, e.reason ?? null])).toEqual([
      ['sessionCreated', null, null],
      ['participantJoined', 'mod', null],
      ['participantJoined', 'pat', null],
      ['participantJoined', 'kicked', null],
      ['participantJoined', 'dropped', null],
      ['participantJoined', 'dup', null],
      ['participantLeft', 'dup', 'duplicateIdentity'],
      ['participantJoined', 'dup', null],
      ['participantLeft', 'pat', 'forceDisconnectByUser'],
      ['participantLeft', 'kicked', 'forceDisconnectByServer'],
      ['participantLeft', 'dropped', 'networkDisconnect'],
      ['participantLeft', 'mod', 'disconnect'],
      ['participantLeft', 'dup', 'disconnect'],
      ['sessionDestroyed', null, 'emptySessionExpired'],
    ]);
    expect(events[7]).toMatchObject({ connectionId: dupAgain.connectionId, replaces: dup.connectionId });
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(events.length);
  });

  it("without the webhooks option, the cluster's entry points are harmless no-ops", async () => {
    const t = await TestServer.start();
    expect(t.server.webhooks.enabled).toBe(false);
    expect(await t.server.webhooks.claimOrphaned('elsewhere')).toBe(0);
    t.server.webhooks.emitNodeCrashed({ nodeId: 'x', bootId: 'y', sessionIds: [] });
    await t.member('quiet', 'alice');
  });
});
