import { describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../support/wait';
import { type TestClient, TestServer } from './harness';

/** A server with a healthy pair in `room`; `expectServed` proves the pair is still served. */
async function setup(options: Parameters<typeof TestServer.start>[0] = {}) {
  const t = await TestServer.start(options);
  const h1 = await t.member('room', 'h1');
  const h2 = await t.member('room', 'h2');
  let round = 0;
  const expectServed = async () => {
    round += 1;
    const type = `served-${round}`;
    expect(await h1.send({ kind: 'signal', type, data: 'from h1' })).toMatchObject({ ok: true });
    expect(await h2.send({ kind: 'signal', type, data: 'from h2' })).toMatchObject({ ok: true });
    await h2.waitForEvent('signal', (s) => s.type === type);
    await h1.waitForEvent('signal', (s) => s.type === type);
    expect(h1.socket.connected && h2.socket.connected).toBe(true);
  };
  /** Signals of `type` the healthy pair received. */
  const healthyReceived = (type: string) =>
    [h1, h2].flatMap((h) => h.received('signal')).filter((s) => s.kind === 'signal' && s.type === type)
      .length;
  return { t, h1, h2, expectServed, healthyReceived };
}

const refused = (code: string) =>
  expect.objectContaining({ ok: false, error: expect.objectContaining({ code }) });

describe('bad input: each refused with its code while the healthy pair is still served', () => {
  it('invalid, expired and forged tokens', async () => {
    let offset = 0;
    const clock = {
      now: () => Date.now() + offset,
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    const { t, expectServed } = await setup({ clock });
    const bad = await t.client();
    expect(await bad.join('room', 'not-a-jwt', 'x')).toEqual(refused('TOKEN_INVALID'));
    const token = await t.token('room', { ttlSeconds: 1 });
    const [header, payload] = token.split('.');
    expect(await bad.join('room', `${header}.${payload}.AAAA`, 'x')).toEqual(refused('TOKEN_INVALID'));
    offset = 5000;
    expect(await bad.join('room', token, 'x')).toEqual(refused('TOKEN_EXPIRED'));
    expect(bad.socket.connected).toBe(true);
    await expectServed();
  });

  it('a token for another session, and an unknown session', async () => {
    const { t, expectServed } = await setup();
    await t.session('other');
    const bad = await t.client();
    expect(await bad.join('room', await t.token('other', { identity: 'x' }), 'x')).toEqual(
      refused('TOKEN_SESSION_MISMATCH'),
    );
    const elsewhere = await TestServer.start();
    await elsewhere.session('ghost');
    expect(await bad.join('ghost', await elsewhere.token('ghost', { identity: 'x' }), 'x')).toEqual(
      refused('SESSION_NOT_FOUND'),
    );
    await expectServed();
  });

  it('malformed requests and envelopes: MESSAGE_MALFORMED, the socket kept', async () => {
    const { t, expectServed } = await setup();
    const fresh = await t.client();
    expect(await fresh.request('hf:join', { v: 1, sessionId: 'room' })).toEqual(refused('MESSAGE_MALFORMED'));
    expect(await fresh.request('hf:join', 'just a string')).toEqual(refused('MESSAGE_MALFORMED'));
    expect(await fresh.request('hf:resume', { v: 1, sessionId: 'room' })).toEqual(
      refused('MESSAGE_MALFORMED'),
    );
    const bad = await t.member('room', 'bad');
    expect(await bad.request('hf:msg', { seq: 'one', msg: {} })).toEqual(refused('MESSAGE_MALFORMED'));
    expect(await bad.request('hf:msg', { seq: 0, msg: { kind: 'leave' } })).toEqual(
      refused('MESSAGE_MALFORMED'),
    );
    expect(await bad.request('hf:msg', 42)).toEqual(refused('MESSAGE_MALFORMED'));
    expect(await bad.send({ kind: 'signal', type: 42 })).toEqual(refused('MESSAGE_MALFORMED'));
    expect(await bad.send({ kind: 'publish', streamId: 's' })).toEqual(refused('MESSAGE_MALFORMED'));
    expect(await bad.send('not an object' as never)).toEqual(refused('MESSAGE_MALFORMED'));
    // Without an acknowledgement, the answer is an unsequenced hf:error.
    bad.socket.emit('hf:ack', { seq: -1 });
    bad.socket.emit('hf:join', { v: 1 });
    await waitFor(() => bad.errors.length === 2);
    expect(bad.errors.map((e) => e.code)).toEqual(['MESSAGE_MALFORMED', 'MESSAGE_MALFORMED']);
    expect(bad.socket.connected).toBe(true);
    await expectServed();
  });

  it('an oversized message: MESSAGE_TOO_LARGE, nothing delivered, socket kept; beyond the transport limit only that socket drops', async () => {
    const { t, expectServed, healthyReceived } = await setup();
    const bad = await t.member('room', 'bad');
    // Over 64 KiB of message, under the 65 KiB frame limit.
    const big = { kind: 'signal', type: 'oversized', data: 'x'.repeat(64 * 1024 + 200) };
    expect(await bad.send(big)).toEqual(refused('MESSAGE_TOO_LARGE'));
    expect(await bad.send({ kind: 'signal', type: 'fine', data: 1 })).toMatchObject({ ok: true, seq: 2 });
    await delay(100);
    expect(healthyReceived('oversized')).toBe(0);
    expect(bad.socket.connected).toBe(true);

    const huge = await t.member('room', 'huge');
    huge.socket.emit('hf:msg', {
      seq: 1,
      msg: { kind: 'signal', type: 'huge', data: 'x'.repeat(1_100_000) },
    });
    await huge.waitForDisconnect();
    expect(healthyReceived('huge')).toBe(0);
    await expectServed();
  });

  it('unknown message kinds and unknown events: MESSAGE_UNKNOWN', async () => {
    const { t, expectServed } = await setup();
    const bad = await t.member('room', 'bad');
    expect(await bad.send({ kind: 'teleport' })).toEqual(refused('MESSAGE_UNKNOWN'));
    expect(await bad.send({ type: 'no kind' })).toEqual(refused('MESSAGE_UNKNOWN'));
    expect(await bad.request('hf:teleport', { to: 'mars' })).toEqual(refused('MESSAGE_UNKNOWN'));
    bad.socket.emit('hf:teleport', { to: 'mars' });
    await waitFor(() => bad.errors.some((e) => e.code === 'MESSAGE_UNKNOWN'));
    expect(bad.socket.connected).toBe(true);
    await expectServed();
  });

  it('messages before joining: NOT_JOINED', async () => {
    const { t, expectServed } = await setup();
    const bad = await t.client();
    expect(await bad.send({ kind: 'signal', type: 't', data: 1 })).toEqual(refused('NOT_JOINED'));
    bad.ack(3);
    await waitFor(() => bad.errors.some((e) => e.code === 'NOT_JOINED'));
    await expectServed();
  });

  it('a message addressed to a connection of another session: TARGET_NOT_IN_SESSION, delivered to no one', async () => {
    const { t, h1, expectServed, healthyReceived } = await setup();
    const neighbour = await t.member('next-door', 'n');
    const bad = await t.member('room', 'bad');
    const msg = {
      kind: 'signal',
      type: 'cross',
      data: 'psst',
      to: [h1.connectionId, neighbour.connectionId],
    } as const;
    expect(await bad.send(msg)).toEqual(refused('TARGET_NOT_IN_SESSION'));
    const media = {
      kind: 'media',
      to: neighbour.connectionId,
      link: { linkId: 'l', gen: 0 },
      payload: { type: 'offer', sdp: 'v=0' },
    } as const;
    expect(await bad.send(media)).toEqual(refused('TARGET_NOT_IN_SESSION'));
    await delay(200);
    expect(neighbour.received('signal')).toEqual([]);
    expect(neighbour.received('media')).toEqual([]);
    expect(healthyReceived('cross')).toBe(0);
    await expectServed();
  });

  it('a join without an acknowledgement callback is refused with hf:error', async () => {
    const { t, expectServed } = await setup();
    const bad = await t.client();
    bad.socket.emit('hf:join', {
      v: 1,
      sessionId: 'room',
      token: await t.token('room', { identity: 'x' }),
      identity: 'x',
    });
    await waitFor(() => bad.errors.some((e) => e.code === 'MESSAGE_MALFORMED'));
    await expectServed();
  });

  it('closes a socket that never joins after the join timeout', async () => {
    const { t, expectServed } = await setup({ joinTimeoutMs: 200 });
    const idle = await t.client();
    expect(await idle.waitForDisconnect(2000)).toBe('io server disconnect');
    await expectServed();
  });
});

describe('flood', () => {
  it('answers RATE_LIMITED beyond the bucket, then disconnects a socket that keeps flooding', async () => {
    const { t, h1, expectServed, healthyReceived } = await setup({
      rateLimitPerSec: 100,
      rateLimitBurst: 200,
    });
    const bad: TestClient = await t.member('room', 'bad');
    const replies: { ok: boolean; error?: { code: string } }[] = [];
    const started = Date.now();
    for (let seq = 1; seq <= 1500; seq += 1) {
      bad.socket.emit('hf:msg', { seq, msg: { kind: 'signal', type: 'flood', data: seq } }, (r: never) =>
        replies.push(r),
      );
    }
    expect(await bad.waitForDisconnect(10_000)).toBe('io server disconnect');
    const elapsedS = (Date.now() - started) / 1000;
    const limited = replies.filter((r) => !r.ok && r.error?.code === 'RATE_LIMITED').length;
    const accepted = replies.filter((r) => r.ok).length;
    expect(limited).toBe(500);
    expect(accepted).toBeGreaterThanOrEqual(199);
    expect(accepted).toBeLessThanOrEqual(200 + Math.ceil(100 * elapsedS) + 5);
    expect(bad.errors.at(-1)?.code).toBe('RATE_LIMITED');
    // Accepted floods were delivered, refused ones were not.
    await waitFor(() => healthyReceived('flood') === 2 * accepted);
    // The healthy members were never limited: their own buckets are separate.
    for (let i = 0; i < 50; i += 1)
      expect((await h1.send({ kind: 'signal', type: 'calm', data: i })).ok).toBe(true);
    await expectServed();
  });
});
