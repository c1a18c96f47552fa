import { afterEach, describe, expect, it } from 'vitest';
import { CallEnv, type EnvParticipant } from '../support/call-env';
import type { Participant } from '../support/participant';
import { delay, waitFor } from '../support/wait';

/** `data` of every signal of `type` the participant received, in arrival order. */
async function received(p: Participant, type: string): Promise<unknown[]> {
  return (await p.eventsNamed('signal')).filter((e) => e.data.type === type).map((e) => e.data.data);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('signaling drops (real server, real Chromium, TCP proxy per participant)', () => {
  let env: CallEnv | undefined;

  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  async function twoJoined(graceMs = 12_000): Promise<[EnvParticipant, EnvParticipant]> {
    env = await CallEnv.start({ graceMs });
    await env.server.createSession('drop');
    const a = await env.join({ name: 'A', sessionId: 'drop' });
    const b = await env.join({ name: 'B', sessionId: 'drop' });
    await a.participant.waitForEvent('connectionCreated', {
      where: (e) => e.data.connection.connectionId === b.connectionId,
    });
    return [a, b];
  }

  it('resumes with the same connection id after a 5 s blackhole, and delivers 20 messages each way exactly once, in order', async () => {
    const [a, b] = await twoJoined();
    const A = a.participant;
    const B = b.participant;

    const bFrom = await B.nextIndex();
    const t0 = Date.now();
    a.proxy.blackhole();
    // Half before A can know, half once it knows: both must survive.
    await A.sendMany(range(10).map((i) => ({ type: 'a2b', data: i })));
    await B.sendMany(range(10).map((i) => ({ type: 'b2a', data: i, to: [a.connectionId] })));
    const lost = await A.waitForEvent('reconnecting', { timeoutMs: 5_000 });
    expect(lost.data.connectionId).toBe(a.connectionId);
    await A.sendMany(range(10).map((i) => ({ type: 'a2b', data: 10 + i })));
    await B.sendMany(range(10).map((i) => ({ type: 'b2a', data: 10 + i, to: [a.connectionId] })));
    await delay(Math.max(0, t0 + 5_000 - Date.now()));
    a.proxy.restore();

    const back = await A.waitForEvent('reconnected', { timeoutMs: 15_000 });
    expect(back.data.connectionId).toBe(a.connectionId);
    expect(back.index).toBeGreaterThan(lost.index);
    expect(await A.connectionId()).toBe(a.connectionId);

    await waitFor(async () => (await received(B, 'a2b')).length >= 20, {
      timeoutMs: 15_000,
      what: "A's 20 messages at B",
    });
    await waitFor(async () => (await received(A, 'b2a')).length >= 20, {
      timeoutMs: 15_000,
      what: "B's 20 messages at A",
    });
    await delay(1_500); // anything duplicated would arrive by now
    expect(await received(B, 'a2b')).toEqual(range(20));
    expect(await received(A, 'b2a')).toEqual(range(20));
    for (const send of [...(await A.sends()), ...(await B.sends())]) expect(send.status).toBe('ok');

    // B never saw A leave (nor come back as someone new), and never lost its own signaling.
    const atB = (await B.events()).filter((e) => e.index >= bFrom).map((e) => e.name);
    expect(atB).not.toContain('connectionDestroyed');
    expect(atB).not.toContain('connectionCreated');
    expect(atB).not.toContain('reconnecting');
    expect((await A.state()).status).toBe('connected');
  });

  it('resumes with the same connection id after its signaling is reset (RST)', async () => {
    const [a, b] = await twoJoined();
    const A = a.participant;
    const B = b.participant;

    a.proxy.reset();
    const lost = await A.waitForEvent('reconnecting', { timeoutMs: 5_000 });
    const back = await A.waitForEvent('reconnected', { fromIndex: lost.index, timeoutMs: 15_000 });
    expect(back.data.connectionId).toBe(a.connectionId);

    await A.signal({ type: 'after-reset', data: 'hello' });
    await waitFor(async () => (await received(B, 'after-reset')).length === 1, { what: 'the signal at B' });
    expect(await B.eventsNamed('connectionDestroyed')).toEqual([]);
  });

  it('after a 15 s blackhole with a 12 s grace: B sees A destroyed, A is disconnected and stops retrying', async () => {
    const [a, b] = await twoJoined(12_000);
    const A = a.participant;
    const B = b.participant;

    const bFrom = await B.nextIndex();
    const t0 = Date.now();
    a.proxy.blackhole();
    const gone = await B.waitForEvent('connectionDestroyed', {
      where: (e) => e.data.connection.connectionId === a.connectionId,
      timeoutMs: 30_000,
    });
    expect(gone.data.reason).toBe('networkDisconnect');
    expect(gone.at - t0).toBeGreaterThanOrEqual(12_000);
    await delay(Math.max(0, t0 + 15_000 - Date.now()));
    expect((await A.state()).status).toBe('reconnecting');

    a.proxy.restore();
    const ended = await A.waitForEvent('sessionDisconnected', { timeoutMs: 20_000 });
    expect(ended.data.reason).toBe('networkDisconnect');
    expect(ended.data.error?.code).toBe('CONNECTION_EVICTED');
    expect((await A.eventsNamed('reconnected')).length).toBe(0);
    expect((await A.state()).status).toBe('disconnected');

    // Proof that every retry stopped: no new connection reaches A's proxy for longer than the
    // longest retry delay (5 s cap).
    const acceptedBefore = a.proxy.stats().connectionsAccepted;
    await delay(7_000);
    expect(a.proxy.stats().connectionsAccepted).toBe(acceptedBefore);
    expect(a.proxy.stats().acceptedAt.filter((at) => at > ended.at)).toEqual([]);
    expect((await A.state()).status).toBe('disconnected');
    const createdAtB = (await B.eventsNamed('connectionCreated')).filter((e) => e.index >= bFrom);
    expect(createdAtB).toEqual([]);
  });
});
