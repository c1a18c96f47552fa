import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../../src/core';
import { ioSocketFactory } from '../../../src/core/signaling/socket';
import { createServer, type HoldfastServer } from '../../../src/server';
import { waitFor } from '../../support/wait';
import { fakeMediaPlaneFactory } from './support/fake-media-plane';

/**
 * The client core against the REAL server whose admission gate is nearly shut (one join every 2 s):
 * the server answers `OVERLOADED` with `retryAfterMs`, and the client must come back no sooner.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function overloadedServer(): Promise<{
  server: HoldfastServer;
  url: string;
  refusals: Array<{ msg: string; at: number; retryAfterMs: number }>;
  connections: number[];
}> {
  const refusals: Array<{ msg: string; at: number; retryAfterMs: number }> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (text: string) => {
        const line = JSON.parse(text) as { msg: string; code?: string; retryAfterMs?: number };
        if (line.code === 'OVERLOADED') {
          refusals.push({ msg: line.msg, at: Date.now(), retryAfterMs: line.retryAfterMs as number });
        }
      },
    },
  );
  const server = createServer({
    port: 0,
    devTokens: true,
    logger,
    admissionPerSec: 0.5,
    admissionBurst: 1,
  });
  const connections: number[] = [];
  server.io.on('connection', () => connections.push(Date.now()));
  const { url } = await server.listen();
  cleanups.push(() => server.close());
  return { server, url, refusals, connections };
}

function participant(identity: string, serverUrl: string): Session {
  const getToken = async (sessionId: string) => {
    const res = await fetch(`${serverUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, identity }),
    });
    return ((await res.json()) as { token: string }).token;
  };
  const session = createSession(
    { serverUrl, sessionId: 'busy', identity, getToken, reconnect: { attemptTimeoutMs: 1_000 } },
    { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
  );
  cleanups.push(() => session.destroy());
  return session;
}

describe('client core against an overloaded server', () => {
  it('a join refused OVERLOADED is retried no sooner than retryAfterMs, and gets in', async () => {
    const { url, refusals, connections } = await overloadedServer();
    await participant('alice', url).join();
    const bob = participant('bob', url);
    const joined = bob.join();
    await joined;
    expect(bob.state.status).toBe('connected');
    // alice's socket, then bob's refused attempts, then the one that got in.
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(connections.length).toBe(refusals.length + 2);
    const bobAttempts = connections.slice(1);
    for (const [i, refusal] of refusals.entries()) {
      const next = bobAttempts[i + 1] as number;
      expect(next - refusal.at).toBeGreaterThanOrEqual(refusal.retryAfterMs - 20);
    }
    // A slot far beyond the plain backoff (250–1000 ms) was asked for, and honoured.
    expect(Math.max(...refusals.map((r) => r.retryAfterMs))).toBeGreaterThan(1_500);
  }, 15_000);

  it('a resume refused OVERLOADED waits for its slot and resumes the same connection', async () => {
    const { server, url, refusals } = await overloadedServer();
    const alice = participant('alice', url);
    await alice.join();
    const connectionId = alice.connectionId;
    // Cut alice's socket from the server side: she notices and resumes; the gate is empty.
    for (const socket of server.io.sockets.sockets.values()) socket.disconnect(true);
    await waitFor(() => alice.state.status === 'reconnecting', { timeoutMs: 3_000, what: 'reconnecting' });
    await waitFor(() => alice.state.status === 'connected', { timeoutMs: 10_000, what: 'resumed' });
    expect(alice.connectionId).toBe(connectionId);
    // Her join took the only place: the resume was told to wait, waited, and got in.
    expect(refusals.map((r) => r.msg)).toContain('resume refused');
    expect(alice.state.status).toBe('connected');
  }, 15_000);
});
