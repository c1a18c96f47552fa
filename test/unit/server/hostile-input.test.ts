import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, type MessageReply } from '../../../src/protocol';
import { LiveSession } from '../../../src/server/hub/live-session';
import { SessionHub } from '../../../src/server/hub/session-hub';
import { delay, waitFor } from '../../support/wait';
import { WireClient } from '../../support/wire-client';
import { type TestClient, TestServer } from './harness';
import { healthyPair } from './healthy-pair';

afterEach(() => {
  vi.restoreAllMocks();
});

const refused = (code: string) =>
  expect.objectContaining({ ok: false, error: expect.objectContaining({ code }) });

/** `depth` arrays around a 0. */
const nested = (depth: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

/** A server with a healthy pair in `room`. */
async function setup(options: Parameters<typeof TestServer.start>[0] = {}) {
  const t = await TestServer.start(options);
  const pair = await healthyPair(t);
  return { t, h1: pair.h1, h2: pair.h2, expectServed: pair.expectServed };
}

/** A wire client joined to `room`. */
async function wireMember(t: TestServer, identity: string): Promise<WireClient> {
  const wire = await WireClient.connect(t.url);
  const token = await t.token('room', { identity });
  const reply = await wire.request<{ ok: boolean }>(
    'hf:join',
    JSON.stringify({ v: 1, sessionId: 'room', token, identity }),
  );
  if (!reply.ok) throw new Error('wire join refused');
  return wire;
}

describe('payload shape: depth and value count bounded at intake', () => {
  it('refuses a signal nested past the depth limit with MESSAGE_MALFORMED and relays one just inside it', async () => {
    const { t, h2, expectServed } = await setup();
    const bad = await t.member('room', 'bad');
    // The message is level 1, its data level 2: data of maxJsonDepth - 2 arrays around a 0 just fits.
    const fits = nested(LIMITS.maxJsonDepth - 2);
    expect(await bad.send({ kind: 'signal', type: 'deep-ok', data: fits })).toMatchObject({ ok: true });
    expect(
      await bad.send({ kind: 'signal', type: 'too-deep', data: nested(LIMITS.maxJsonDepth - 1) }),
    ).toEqual(refused('MESSAGE_MALFORMED'));
    await h2.waitForEvent('signal', (s) => s.type === 'deep-ok');
    expect(h2.received('signal').some((s) => s.kind === 'signal' && s.type === 'too-deep')).toBe(false);
    expect(bad.socket.connected).toBe(true);
    await expectServed();
  });

  it('refuses a message with more values than the limit, and binary attachments', async () => {
    const { t, expectServed } = await setup();
    const bad = await t.member('room', 'bad');
    // msg, kind, type and the array itself are 4 values.
    const inside = new Array(LIMITS.maxJsonValues - 4).fill(0);
    expect(await bad.send({ kind: 'signal', type: 'wide', data: inside })).toMatchObject({ ok: true });
    expect(await bad.send({ kind: 'signal', type: 'wider', data: [...inside, 0] })).toEqual(
      refused('MESSAGE_MALFORMED'),
    );
    expect(await bad.send({ kind: 'signal', type: 'bin', data: Buffer.from('binary') })).toEqual(
      refused('MESSAGE_MALFORMED'),
    );
    await expectServed();
  });

  it('refuses a join nested too deep with MESSAGE_MALFORMED', async () => {
    const { t, expectServed } = await setup();
    const wire = await WireClient.connect(t.url);
    const reply = await wire.request(
      'hf:join',
      `{"v":1,"sessionId":"room","client":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    );
    expect(reply).toEqual(refused('MESSAGE_MALFORMED'));
    expect(wire.open).toBe(true);
    await expectServed();
  });

  it('refuses a REST signal nested too deep with 400 MESSAGE_MALFORMED, delivering nothing', async () => {
    const { t, h2, expectServed } = await setup();
    const body = `{"type":"rest-deep","data":${'['.repeat(4100)}0${']'.repeat(4100)}}`;
    const answer = await t.rest<{ error: { code: string } }>('POST', '/api/sessions/room/signal', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('MESSAGE_MALFORMED');
    await delay(50);
    expect(h2.received('signal').some((s) => s.kind === 'signal' && s.type === 'rest-deep')).toBe(false);
    await expectServed();
  });
});

describe('transport limit: 64 KiB of message plus 1 KiB of envelope', () => {
  it('counts the message size in UTF-8 bytes: 33,000 "é" (66,000 bytes) is MESSAGE_TOO_LARGE', async () => {
    const { t, expectServed } = await setup();
    const bad = await t.member('room', 'bad');
    expect(await bad.send({ kind: 'signal', type: 'wide', data: 'é'.repeat(33_000) })).toEqual(
      refused('MESSAGE_TOO_LARGE'),
    );
    expect(bad.socket.connected).toBe(true);
    await expectServed();
  });

  it('answers a frame of exactly maxPacketBytes, and drops the socket of one a byte longer', async () => {
    const { t, expectServed } = await setup();
    const frameOf = (seq: number, size: number) => {
      const head = `420["hf:msg",{"seq":${seq},"msg":{"kind":"signal","type":"pad","data":"`;
      const tail = '"}}]';
      return { frame: `${head}${'x'.repeat(size - head.length - tail.length)}${tail}` };
    };
    const atLimit = await wireMember(t, 'at-limit');
    const answered = new Promise<unknown>((resolve) =>
      atLimit.ws.once('message', (d) => resolve(d.toString())),
    );
    const { frame } = frameOf(1, LIMITS.maxPacketBytes);
    expect(Buffer.byteLength(frame)).toBe(LIMITS.maxPacketBytes);
    atLimit.sendFrame(frame);
    expect(await answered).toMatch(/^430\[\{"ok":false,"seq":1,"error":\{"code":"MESSAGE_TOO_LARGE"/);
    expect(atLimit.open).toBe(true);

    const over = await wireMember(t, 'over');
    over.sendFrame(frameOf(1, LIMITS.maxPacketBytes + 1).frame);
    expect((await over.closed).code).toBe(1009);
    await expectServed();
  });

  it('closes the socket of a 900 KB message unread: the engine never sees the packet, nothing is answered or relayed', async () => {
    const { t, h2, expectServed } = await setup();
    const sizes: number[] = [];
    t.server.io.engine.on(
      'connection',
      (conn: { on(e: string, f: (p: { data?: unknown }) => void): void }) => {
        conn.on('packet', (p) => sizes.push(typeof p.data === 'string' ? p.data.length : 0));
      },
    );
    const bad = await wireMember(t, 'bad');
    const frame = `420["hf:msg",{"seq":1,"msg":{"kind":"signal","type":"huge","data":"${'x'.repeat(900_000)}"}}]`;
    const started = performance.now();
    bad.sendFrame(frame);
    const closed = await bad.closed;
    const ms = performance.now() - started;
    expect(closed.code).toBe(1009);
    expect(Math.max(0, ...sizes)).toBeLessThan(1000);
    console.info(
      `900 KB frame: socket closed after ${ms.toFixed(1)} ms, largest packet the engine saw ${Math.max(0, ...sizes)} chars`,
    );
    await delay(50);
    expect(h2.received('signal').some((s) => s.kind === 'signal' && s.type === 'huge')).toBe(false);
    await expectServed();
  });
});

describe('byte rate limit', () => {
  it('refuses with RATE_LIMITED (too many bytes) once a socket sends more bytes than its bucket, long before the message limit', async () => {
    const { t, h2, expectServed } = await setup({
      rateLimitBytesPerSec: 200_000,
      rateLimitBytesBurst: 200_000,
      floodDisconnectAfter: 20,
    });
    const bad = await wireMember(t, 'bad');
    const data = 'y'.repeat(60_000);
    // 5 × 60 kB: 3 fit the 200 kB bucket; the refused 2 are charged too (a 100 kB debt), which a second
    // of refill (200 kB) pays back with room for one more.
    const replies = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        bad.request<MessageReply>(
          'hf:msg',
          JSON.stringify({ seq: i + 1, msg: { kind: 'signal', type: 'bulk', data } }),
        ),
      ),
    );
    const accepted = replies.filter((r) => r.ok).length;
    expect(accepted).toBe(3);
    for (const r of replies.slice(3)) {
      expect(r).toEqual(refused('RATE_LIMITED'));
      if (!r.ok) expect(r.error.message).toMatch(/too many bytes/);
    }
    // The bucket refills: after a second, one more fits.
    await delay(1100);
    expect(
      await bad.request<MessageReply>(
        'hf:msg',
        JSON.stringify({ seq: 6, msg: { kind: 'signal', type: 'bulk', data } }),
      ),
    ).toMatchObject({ ok: true, seq: 6 });
    await waitFor(
      () => h2.received('signal').filter((s) => s.kind === 'signal' && s.type === 'bulk').length === 4,
    );
    await expectServed();
  });

  it('disconnects a socket that keeps sending bytes while refused', async () => {
    const { t, expectServed } = await setup({
      rateLimitBytesPerSec: 100_000,
      rateLimitBytesBurst: 200_000,
      floodDisconnectAfter: 20,
    });
    const bad = await wireMember(t, 'bad');
    const data = 'z'.repeat(60_000);
    for (let seq = 1; seq <= 40; seq += 1) {
      bad.emit('hf:msg', JSON.stringify({ seq, msg: { kind: 'signal', type: 'bulk', data } }));
    }
    await bad.closed;
    expect(bad.errors.at(-1)).toMatchObject({ code: 'RATE_LIMITED' });
    await expectServed();
  });
});

describe('a fault in one handler ends that message or that socket, never the process', () => {
  it('a message whose relay throws is answered INTERNAL and still advances the sequence', async () => {
    const { t, expectServed } = await setup();
    const bad = await t.member('room', 'bad');
    vi.spyOn(LiveSession.prototype, 'deliver').mockImplementationOnce(() => {
      throw new Error('simulated bug');
    });
    expect(await bad.send({ kind: 'signal', type: 'boom', data: 1 })).toEqual(refused('INTERNAL'));
    expect(await bad.send({ kind: 'signal', type: 'next', data: 2 })).toMatchObject({ ok: true, seq: 2 });
    await expectServed();
  });

  it('a join whose admission throws is answered INTERNAL and that socket closed', async () => {
    const { t, expectServed } = await setup();
    vi.spyOn(SessionHub.prototype, 'admit').mockImplementationOnce(() => {
      throw new Error('simulated bug');
    });
    const bad = await t.client();
    expect(await bad.join('room', await t.token('room', { identity: 'bad' }), 'bad')).toEqual(
      refused('INTERNAL'),
    );
    await bad.waitForDisconnect();
    await expectServed();
  });

  it('a socket whose emit throws is closed; the other recipients still get the event', async () => {
    const { t, h1, h2, expectServed } = await setup();
    const victim: TestClient = await t.member('room', 'victim');
    const serverSocket = t.server.io.sockets.sockets.get(victim.socket.id ?? '');
    if (!serverSocket) throw new Error('no server socket');
    const emit = serverSocket.emit.bind(serverSocket) as (event: string, ...args: unknown[]) => boolean;
    vi.spyOn(serverSocket, 'emit').mockImplementation(((event: string, ...args: unknown[]) => {
      if (event === 'hf:evt') throw new Error('simulated encoder failure');
      return emit(event, ...args);
    }) as typeof serverSocket.emit);
    expect(await h1.send({ kind: 'signal', type: 'fan-out', data: 1 })).toMatchObject({ ok: true });
    await h2.waitForEvent('signal', (s) => s.type === 'fan-out');
    await victim.waitForDisconnect();
    await expectServed();
  });
});
