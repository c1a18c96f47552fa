import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, type Session, type SessionEventMap, type TokenContext } from '../../../src/core';
import { ioSocketFactory } from '../../../src/core/signaling/socket';
import type { Role } from '../../../src/protocol';
import { createServer, type HoldfastServer } from '../../../src/server';
import { TcpProxy } from '../../support/tcp-proxy';
import { fakeMediaPlaneFactory } from './support/fake-media-plane';

/**
 * The client core against the REAL holdfast server (in process) and the real socket.io-client, with
 * the signaling fault injected at the transport (a TCP proxy blackhole: no FIN, no RST). Short
 * heartbeat and grace keep it quick; real time, so bounds are generous.
 */
const PING_INTERVAL_MS = 200;
const PING_TIMEOUT_MS = 300;
const GRACE_MS = 2_000;

let server: HoldfastServer;
let url: string;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  server = createServer({
    port: 0,
    devTokens: true,
    logLevel: 'silent',
    graceMs: GRACE_MS,
    pingIntervalMs: PING_INTERVAL_MS,
    pingTimeoutMs: PING_TIMEOUT_MS,
  });
  url = (await server.listen()).url;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
});

async function devToken(sessionId: string, { identity }: TokenContext, role: Role): Promise<string> {
  const res = await fetch(`${url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, identity, role }),
  });
  if (!res.ok) throw new Error(`dev token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

type Log = Array<{ name: keyof SessionEventMap; payload: unknown; at: number }>;

function participant(identity: string, serverUrl: string, role: Role = 'publisher') {
  const log: Log = [];
  const session: Session = createSession(
    {
      serverUrl,
      sessionId: 'standup',
      identity,
      getToken: (sessionId, context) => devToken(sessionId, context, role),
      reconnect: { attemptTimeoutMs: 1_000 },
    },
    { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
  );
  const names: Array<keyof SessionEventMap> = [
    'connected',
    'reconnecting',
    'reconnected',
    'sessionDisconnected',
    'connectionCreated',
    'connectionDestroyed',
    'signal',
    'exception',
  ];
  for (const name of names) session.on(name, (payload) => log.push({ name, payload, at: Date.now() }));
  cleanups.push(() => session.destroy());
  return { session, log, names: () => log.map((e) => e.name) };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('client core against the real server', () => {
  it('a blackholed participant notices within the heartbeat, resumes with the same id, and 20 signals each way arrive once, in order', async () => {
    const proxy = await TcpProxy.start({ port: Number(new URL(url).port) });
    cleanups.push(() => proxy.close());
    const a = participant('alice', proxy.url);
    const b = participant('bob', url);
    await a.session.join();
    await b.session.join();
    const aId = a.session.connectionId as string;
    const bId = b.session.connectionId as string;
    await until(() => a.session.participants.has('bob'), 2_000, 'alice to see bob');

    const cutAt = Date.now();
    proxy.blackhole();
    const aSends = Array.from({ length: 20 }, (_, i) =>
      a.session.signal({ type: 'a2b', data: i, to: [bId] }),
    );
    const bSends = Array.from({ length: 20 }, (_, i) =>
      b.session.signal({ type: 'b2a', data: i, to: [aId] }),
    );
    await until(() => a.session.state.status === 'reconnecting', 3_000, 'reconnecting');
    const detectMs = Date.now() - cutAt;
    await sleep(600);
    proxy.restore();
    const restoredAt = Date.now();
    await until(() => a.session.state.status === 'connected', 5_000, 'reconnected');
    const recoverMs = Date.now() - restoredAt;
    await Promise.all([...aSends, ...bSends]);
    await until(
      () =>
        a.log.filter((e) => e.name === 'signal').length >= 20 &&
        b.log.filter((e) => e.name === 'signal').length >= 20,
      3_000,
      'all signals',
    );
    await sleep(200);

    expect(a.session.connectionId).toBe(aId);
    expect(
      a.names().filter((n) => ['reconnecting', 'reconnected', 'sessionDisconnected'].includes(n)),
    ).toEqual(['reconnecting', 'reconnected']);
    const data = (log: Log, type: string) =>
      log.flatMap((e) =>
        e.name === 'signal' && (e.payload as { type: string }).type === type
          ? [(e.payload as { data: unknown }).data]
          : [],
      );
    expect(data(b.log, 'a2b')).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(data(a.log, 'b2a')).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(b.names()).not.toContain('connectionDestroyed');
    expect(detectMs).toBeLessThan(PING_INTERVAL_MS + PING_TIMEOUT_MS + 1_500);
    expect(recoverMs).toBeLessThan(3_000);
    console.info(`[against server] detect ${detectMs} ms, recover ${recoverMs} ms`);
  });

  it('back after the grace: the others saw networkDisconnect, and the returning client ends with networkDisconnect', async () => {
    const proxy = await TcpProxy.start({ port: Number(new URL(url).port) });
    cleanups.push(() => proxy.close());
    const a = participant('alice', proxy.url);
    const b = participant('bob', url);
    await a.session.join();
    await b.session.join();
    const aId = a.session.connectionId;
    proxy.blackhole();
    await until(() => b.names().includes('connectionDestroyed'), GRACE_MS + 3_000, 'eviction seen by bob');
    expect(b.log.find((e) => e.name === 'connectionDestroyed')?.payload).toMatchObject({
      connection: { connectionId: aId, identity: 'alice' },
      reason: 'networkDisconnect',
    });
    proxy.restore();
    await until(() => a.session.state.status === 'disconnected', 8_000, 'alice disconnected');
    expect(a.session.state).toMatchObject({
      reason: 'networkDisconnect',
      error: { code: 'CONNECTION_EVICTED' },
    });
    const accepted = proxy.stats().connectionsAccepted;
    await sleep(1_500);
    expect(proxy.stats().connectionsAccepted).toBe(accepted);
  });

  it('leave() while connected: the others see disconnect', async () => {
    const a = participant('alice', url);
    const b = participant('bob', url);
    await a.session.join();
    await b.session.join();
    await a.session.leave();
    await until(() => b.names().includes('connectionDestroyed'), 2_000, 'bob to see alice leave');
    expect(b.log.find((e) => e.name === 'connectionDestroyed')?.payload).toMatchObject({
      reason: 'disconnect',
    });
    expect(a.log.find((e) => e.name === 'sessionDisconnected')?.payload).toEqual({
      reason: 'disconnect',
      error: null,
    });
  });

  it('a refused signal rejects with the server code; the session keeps working', async () => {
    const a = participant('alice', url);
    await a.session.join();
    await expect(a.session.signal({ type: 'x', to: ['not-a-connection'] })).rejects.toMatchObject({
      code: 'TARGET_NOT_IN_SESSION',
    });
    await a.session.signal({ type: 'fine' });
    expect(a.session.state.status).toBe('connected');
  });

  it('session.forceDisconnect(): a moderator removes bob, who ends with forceDisconnectByUser and stays out', async () => {
    const mod = participant('mod', url, 'moderator');
    const b = participant('bob', url);
    const c = participant('carol', url);
    for (const p of [mod, b, c]) await p.session.join();
    const bobId = b.session.connectionId as string;
    await until(() => mod.session.participants.has('bob'), 2_000, 'the moderator to see bob');

    await mod.session.forceDisconnect(bobId);
    await until(() => b.session.state.status === 'disconnected', 3_000, 'bob disconnected');
    expect(b.log.find((e) => e.name === 'sessionDisconnected')?.payload).toEqual({
      reason: 'forceDisconnectByUser',
      error: null,
    });
    await until(() => !c.session.participants.has('bob'), 2_000, 'carol to see bob leave');
    expect(c.log.find((e) => e.name === 'connectionDestroyed')?.payload).toMatchObject({
      connection: { identity: 'bob', connectionId: bobId },
      reason: 'forceDisconnectByUser',
    });
    await sleep(500);
    expect(b.session.state.status).toBe('disconnected');
    expect(b.names()).not.toContain('rejoining');
  });

  it('session.forceDisconnect() by a publisher is refused with FORBIDDEN and removes nobody', async () => {
    const a = participant('alice', url);
    const b = participant('bob', url);
    await a.session.join();
    await b.session.join();
    await expect(a.session.forceDisconnect(b.session.connectionId as string)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await sleep(200);
    expect(b.session.state.status).toBe('connected');
    expect(a.names()).not.toContain('connectionDestroyed');
  });
});

describe('client core against a real server that restarts', () => {
  it('a server restarted with no state: the client re-joins the same session with the same identity (nodeCrashed)', async () => {
    const port = Number(new URL(url).port);
    const a = participant('alice', url);
    const rejoined: unknown[] = [];
    a.session.on('rejoining', (e) => rejoined.push(['rejoining', e.cause]));
    a.session.on('rejoined', (e) => rejoined.push(['rejoined', e.previousConnectionId]));
    await a.session.join();
    const first = a.session.connectionId;
    await server.close();
    await until(() => a.session.state.status === 'reconnecting', 2_000, 'reconnecting');
    await sleep(300);
    server = createServer({
      port,
      devTokens: true,
      logLevel: 'silent',
      graceMs: GRACE_MS,
      pingIntervalMs: PING_INTERVAL_MS,
      pingTimeoutMs: PING_TIMEOUT_MS,
    });
    await server.listen();
    await until(() => a.session.state.status === 'connected', 5_000, 'rejoined');
    expect(rejoined).toEqual([
      ['rejoining', 'nodeCrashed'],
      ['rejoined', first],
    ]);
    expect(a.session.connectionId).not.toBe(first);
    await a.session.signal({ type: 'still-works' });
  });
});

describe('socket.io-client as holdfast configures it (ioSocketFactory)', () => {
  it('closes a silent socket with "ping timeout" after about pingInterval + pingTimeout, and never reconnects by itself', async () => {
    const proxy = await TcpProxy.start({ port: Number(new URL(url).port) });
    cleanups.push(() => proxy.close());
    const socket = ioSocketFactory(proxy.url, { path: '/holdfast', timeoutMs: 1_000 });
    cleanups.push(() => socket.disconnect());
    const connected = new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    let reason: string | null = null;
    let closedAt = 0;
    socket.on('disconnect', (why: string) => {
      reason = why;
      closedAt = Date.now();
    });
    socket.connect();
    await connected;
    const cutAt = Date.now();
    proxy.blackhole();
    await until(() => reason !== null, 3_000, 'the heartbeat to notice');
    expect(reason).toBe('ping timeout');
    const detectMs = closedAt - cutAt;
    expect(detectMs).toBeLessThanOrEqual(PING_INTERVAL_MS + PING_TIMEOUT_MS + 300);
    proxy.restore();
    await sleep(1_500);
    expect(proxy.stats().connectionsAccepted).toBe(1);
  });
});
