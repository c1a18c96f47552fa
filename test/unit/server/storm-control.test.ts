import { connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSession } from '../../../src/core';
import { ioSocketFactory } from '../../../src/core/signaling/socket';
import {
  DEFAULT_SOCKET_PATH,
  type JoinReply,
  type JoinSuccess,
  type ProtocolError,
  type ResumeReply,
} from '../../../src/protocol';
import { delay, waitFor } from '../../support/wait';
import { fakeMediaPlaneFactory } from '../core/support/fake-media-plane';
import { type TestClient, TestServer } from './harness';

/** Blocks this process's event loop (the in-process server's too) for `ms`: induced lag. */
function stallLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: nothing else in the process can run meanwhile
  }
}

/** `holdfast_<name>` from a Prometheus text, summed over the series that match `labels`. */
function series(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}${labels}`) && / [0-9.e+-]+$/.test(line)) {
      const rest = line.slice(name.length);
      if (labels === '' && !(rest.startsWith(' ') || rest.startsWith('{'))) continue;
      sum += Number(line.split(' ').at(-1));
    }
  }
  return sum;
}

/** A protocol client's resume loop: a fresh socket per attempt, honouring `retryAfterMs`; bounded. */
async function resumeUntilBack(
  t: TestServer,
  from: JoinSuccess,
  deadline: number,
): Promise<{ reply: ResumeReply; overloaded: number; client: TestClient | null }> {
  let overloaded = 0;
  for (let attempt = 0; attempt < 50 && Date.now() < deadline; attempt += 1) {
    const client = await t.client();
    const reply = await client.resume(from, 0);
    if (reply.ok || reply.error.code !== 'OVERLOADED') return { reply, overloaded, client };
    overloaded += 1;
    client.drop();
    expect(reply.error.retryAfterMs).toBeGreaterThan(0);
    await delay(reply.error.retryAfterMs ?? 0);
  }
  throw new Error('resume loop ran out of attempts or time');
}

/**
 * A client that gave up while its connection waited to be accepted: it sent its websocket upgrade
 * request and closed (FIN) before the server read either. Resolves with what the server answered, if
 * anything, once the server has closed its side.
 */
function abandonedHandshake(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), hostname, () => {
      socket.write(
        `GET ${DEFAULT_SOCKET_PATH}/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}\r\n` +
          'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      socket.end();
    });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('storm control', () => {
  it('a resume storm under induced event-loop lag converges: every member resumes, none is evicted', async () => {
    const graceMs = 4_000;
    const t = await TestServer.start({ graceMs, admissionPerSec: 200, admissionBurst: 40 });
    const clients: TestClient[] = [];
    const count = 200;
    for (let pair = 0; pair < count / 2; pair += 1) {
      const sessionId = `storm-${pair}`;
      clients.push(await t.member(sessionId, `a${pair}`), await t.member(sessionId, `b${pair}`));
    }
    const joined = clients.map((c) => c.joined as JoinSuccess);
    // Every transport is lost at once: the server starts every grace.
    for (const client of clients) client.drop();
    await delay(200);
    // The server cannot run anything for longer than the grace: no heartbeat, no resume processed.
    stallLoop(1.5 * graceMs);
    const deadline = Date.now() + 20_000;
    const results = await Promise.all(joined.map((from) => resumeUntilBack(t, from, deadline)));

    const refused = results.flatMap((r) => (r.reply.ok ? [] : [r.reply.error.code]));
    expect(refused).toEqual([]);
    // The storm was paced: some resumes were told to come back later, and came back.
    expect(results.reduce((sum, r) => sum + r.overloaded, 0)).toBeGreaterThan(0);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(series(metrics, 'holdfast_evictions_total')).toBe(0);
    expect(series(metrics, 'holdfast_resumes_total')).toBe(count);
    expect(series(metrics, 'holdfast_connections')).toBe(count);
  }, 60_000);

  it('joins over the admission rate are refused OVERLOADED with retry slots spread at the admission pace', async () => {
    // Room for all 20 in the one session (the default cap is 16).
    const t = await TestServer.start({ admissionPerSec: 10, admissionBurst: 5, maxSessionMembers: 20 });
    await t.session('busy');
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.token('busy', { identity: `p${i}` })),
    );
    const clients = await Promise.all(tokens.map(() => t.client()));
    const burstAt = Date.now();
    const replies: JoinReply[] = await Promise.all(
      clients.map((client, i) => client.join('busy', tokens[i] as string, `p${i}`)),
    );
    const burstMs = Date.now() - burstAt;
    const ok = replies.filter((r) => r.ok);
    const delays = replies.flatMap((r) => (r.ok ? [] : [r.error.retryAfterMs ?? -1])).sort((a, b) => a - b);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(ok.length).toBeLessThanOrEqual(6);
    expect(replies.every((r) => r.ok || r.error.code === 'OVERLOADED')).toBe(true);
    expect(delays.length).toBe(20 - ok.length);
    // One slot every 100 ms (10 per second), none sooner than 250 ms: the slots span the refused
    // count at that pace (less the time the burst itself took to arrive).
    expect(delays[0]).toBeGreaterThanOrEqual(250);
    expect(new Set(delays).size).toBe(delays.length);
    const span = (delays.at(-1) as number) - (delays[0] as number);
    expect(span).toBeGreaterThanOrEqual((delays.length - 1) * 100 - burstMs - 5);
    // Coming back at its slot, each refused client gets in.
    const refusedAt = Date.now();
    const retried = await Promise.all(
      replies.map(async (reply, i) => {
        if (reply.ok) return reply;
        await delay((reply.error.retryAfterMs ?? 0) - (Date.now() - refusedAt));
        const again = await t.client();
        return again.join('busy', tokens[i] as string, `p${i}`);
      }),
    );
    const stillRefused = retried.filter((r) => !r.ok);
    expect(stillRefused.length).toBeLessThanOrEqual(2);
  }, 20_000);

  it('keeps the place of a member told to come back later, past the end of its grace', async () => {
    const graceMs = 600;
    const t = await TestServer.start({ graceMs, admissionPerSec: 1, admissionBurst: 1 });
    const member = await t.member('held', 'alice');
    const from = member.joined as JoinSuccess;
    member.drop();
    // The burst token is gone (the join took it): the resume is refused with a slot.
    const first = await (await t.client()).resume(from, 0);
    expect(first).toMatchObject({ ok: false, error: { code: 'OVERLOADED' } });
    await waitFor(
      async () => {
        const reply = await (await t.client()).resume(from, 0);
        if (reply.ok) return reply;
        expect(reply.error.code).toBe('OVERLOADED');
        await delay(reply.error.retryAfterMs ?? 0);
        return null;
      },
      { timeoutMs: 8_000, what: 'the held member to resume' },
    );
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(series(metrics, 'holdfast_evictions_total')).toBe(0);
  }, 15_000);
  it('a handshake past the pending bound is refused in connect_error with OVERLOADED and a slot (the door itself: handshake-gate.test.ts)', async () => {
    const t = await TestServer.start({ maxPendingHandshakes: 2, admissionPerSec: 10 });
    // Two sockets connected that never join or resume: the bound is reached.
    await t.client();
    await t.client();
    const refusals: ProtocolError[] = [];
    for (let i = 0; i < 2; i += 1) {
      const error = (await t.client().then(
        () => null,
        (e: { data?: ProtocolError }) => e,
      )) as { data?: ProtocolError } | null;
      expect(error?.data, 'a readable refusal').toBeDefined();
      refusals.push(error?.data as ProtocolError);
    }
    expect(refusals.map((r) => r.code)).toEqual(['OVERLOADED', 'OVERLOADED']);
    const [first, second] = refusals.map((r) => r.retryAfterMs ?? -1) as [number, number];
    expect(first).toBeGreaterThanOrEqual(250);
    // Slots queue at the admission pace (100 ms apart at 10/s).
    expect(second).toBeGreaterThanOrEqual(first + 50);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(series(metrics, 'holdfast_refusals_total', '{code="OVERLOADED"}')).toBe(2);
  }, 15_000);

  it('the client core waits for the slot of a refused handshake (not its own short backoff), then joins', async () => {
    const t = await TestServer.start({ maxPendingHandshakes: 1, admissionPerSec: 2, admissionBurst: 2 });
    await t.session('slots');
    const stuck = await t.client();
    // Three refusals push the slot queue ahead (500 ms apart at 2/s).
    for (let i = 0; i < 3; i += 1) await t.client().catch(() => undefined);
    const session = createSession(
      {
        serverUrl: t.url,
        sessionId: 'slots',
        identity: 'alice',
        getToken: (sessionId, { identity }) => t.token(sessionId, { identity }),
      },
      { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
    );
    try {
      const waits: number[] = [];
      session.on('stateChanged', ({ state }) => {
        if (state.status === 'connecting' && state.nextRetryAt !== null)
          waits.push(state.nextRetryAt - Date.now());
      });
      const joined = session.join();
      await waitFor(() => waits.length > 0, { timeoutMs: 5_000, what: 'the refused first attempt' });
      // The slot is ≥ 1.5 s away; the core's own backoff after a failed attempt is ≤ 250 ms.
      expect(waits[0]).toBeGreaterThan(1_000);
      stuck.drop();
      await joined;
      expect(session.state.status).toBe('connected');
    } finally {
      session.destroy();
    }
  }, 20_000);
  it('a handshake whose client already closed is dropped before the upgrade (no engine.io socket for it), and counted', async () => {
    const t = await TestServer.start();
    const engineSockets: unknown[] = [];
    t.server.io.engine.on('connection', (raw: unknown) => engineSockets.push(raw));
    const answers = await Promise.all(Array.from({ length: 5 }, () => abandonedHandshake(t.url)));
    // No 101 Switching Protocols for a client that is gone, and no socket set up for it.
    for (const answer of answers) expect(answer).not.toContain('101 Switching Protocols');
    expect(engineSockets).toHaveLength(0);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(series(metrics, 'holdfast_handshakes_abandoned_total')).toBe(5);
    // A client that is there still connects and joins.
    const member = await t.member('after-abandoned', 'alice');
    expect(member.joined?.ok).toBe(true);
    expect(engineSockets).toHaveLength(1);
  });
});
