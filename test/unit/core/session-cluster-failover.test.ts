import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../../src/core';
import { ioSocketFactory, type SocketFactory } from '../../../src/core/signaling/socket';
import { RedisProcess } from '../../support/redis-process';
import { ServerProcess } from '../../support/server-process';
import { TcpProxy } from '../../support/tcp-proxy';
import { delay, waitFor } from '../../support/wait';
import { fakeMediaPlaneFactory } from './support/fake-media-plane';

/**
 * The client core (real socket.io-client, in node) against two real node processes on a real Redis:
 * the node hosting the session is SIGKILLed and the client gets back into the same session on the
 * other node by itself.
 */
describe('client core against a cluster of real nodes (issue #19)', () => {
  let redis: RedisProcess;
  let nodes: ServerProcess[] = [];
  let session: Session | undefined;
  const secret = 'failover-cluster-secret-0123456789';

  beforeAll(async () => {
    redis = await RedisProcess.start();
    for (const nodeId of ['fo-1', 'fo-2']) {
      nodes.push(await ServerProcess.start({ secret, redisUrl: redis.url, nodeId, startTimeoutMs: 90_000 }));
    }
    await waitFor(
      async () =>
        (await Promise.all(nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.ok)))).every(Boolean),
      { what: 'both nodes ready' },
    );
    // Both have seen each other (the join answer lists the other node).
    await delay(1200);
    healthLoop = checkHealth();
  }, 200_000);

  afterAll(async () => {
    checking = false;
    await healthLoop;
    session?.destroy();
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
    await redis?.stop();
  });

  /**
   * A health-checking load balancer's view: every node's `/readyz` asked every 250 ms (a second to
   * answer); a node is ready while its latest check answered 200 (not a killed, hung or fenced one).
   */
  const ready = new Map<string, boolean>();
  let checking = true;
  let healthLoop: Promise<void> | undefined;
  const checkHealth = async () => {
    while (checking) {
      await Promise.all(
        nodes.map(async (n) => {
          const ok = await fetch(`${n.url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
            (r) => r.ok,
            () => false,
          );
          ready.set(n.url, ok);
        }),
      );
      await delay(250);
    }
  };
  /**
   * The app backend behind that load balancer: asks only nodes it sees ready (all of them when it sees
   * none ready yet); records the URL of each token it hands out.
   */
  const backend =
    (tokenUrls: string[]) =>
    async (sessionId: string, { identity }: { identity: string }): Promise<string> => {
      const seen = nodes.filter((n) => ready.get(n.url) === true);
      for (const node of seen.length > 0 ? seen : nodes) {
        try {
          await node.createSession(sessionId);
          const { token, url } = await node.createToken(sessionId, { identity });
          tokenUrls.push(url ?? '');
          return token;
        } catch {
          // fenced meanwhile: the next one
        }
      }
      throw new Error('no node answered');
    };

  it("a session cut off from its (live) node for longer than several attempts resumes there: the other node's NOT_OWNER sends it home again, same connection, no rejoin", async () => {
    // Each node behind a TCP proxy: this page's path to a node can be blackholed while the nodes (and
    // their leases on Redis) stay well. The page learns the nodes' own URLs; its sockets go through the proxies.
    const proxies = await Promise.all(nodes.map((n) => TcpProxy.start({ port: n.port })));
    const viaProxy: SocketFactory = (url, options) => {
      const i = nodes.findIndex((n) => url.startsWith(n.url));
      return ioSocketFactory(i < 0 ? url : (proxies[i]?.url ?? url), options);
    };
    const tokenUrls: string[] = [];
    const cutOff = createSession(
      {
        serverUrl: nodes[0]?.url ?? '',
        sessionId: 'cut-off',
        identity: 'bob',
        getToken: async (sessionId: string, { identity }: { identity: string }) => {
          await nodes[0]?.createSession(sessionId);
          const { token, url } = (await nodes[0]?.createToken(sessionId, { identity })) ?? {};
          tokenUrls.push(url ?? '');
          return token ?? '';
        },
        reconnect: { attemptTimeoutMs: 1_000 },
      },
      { socketFactory: viaProxy, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
    );
    try {
      const statuses: string[] = [];
      cutOff.on('stateChanged', ({ state }) => statuses.push(state.status));
      await cutOff.join();
      const connectionId = cutOff.connectionId;
      const hostIndex = nodes.findIndex((n) => n.url === tokenUrls[0]);
      const hostProxy = proxies[hostIndex];
      if (!hostProxy) throw new Error(`token url ${tokenUrls[0]} names no node`);

      hostProxy.blackhole();
      await waitFor(() => statuses.includes('reconnecting'), { timeoutMs: 15_000, what: 'reconnecting' });
      // Several attempts' worth (1 s each, plus backoff): home timed out, the other node said NOT_OWNER.
      await delay(6_000);
      expect(cutOff.state.status).toBe('reconnecting');
      hostProxy.restore();
      const restoredAt = Date.now();
      await waitFor(() => cutOff.state.status === 'connected', { timeoutMs: 8_000, what: 'resumed at home' });
      console.log(`cut off 6 s from a live node: resumed ${Date.now() - restoredAt} ms after the restore`);
      expect(cutOff.connectionId).toBe(connectionId);
      expect(statuses).not.toContain('rejoining');
      expect(tokenUrls).toHaveLength(1);
      const otherIndex = 1 - hostIndex;
      expect(
        nodes[otherIndex]?.logsWith('resume refused').length,
        'the other node was asked',
      ).toBeGreaterThan(0);
    } finally {
      cutOff.destroy();
      await Promise.all(proxies.map((p) => p.close()));
    }
  }, 60_000);

  it('a session whose node is SIGKILLed is rejoined on the other node by itself: rejoining (nodeCrashed) → connected', async () => {
    const tokenUrls: string[] = [];
    const getToken = backend(tokenUrls);
    const events: Array<{ name: string; payload: unknown; at: number }> = [];
    session = createSession(
      {
        serverUrl: nodes[0]?.url ?? '',
        sessionId: 'failover',
        identity: 'alice',
        getToken,
        reconnect: { attemptTimeoutMs: 2_000 },
      },
      { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
    );
    for (const name of ['reconnecting', 'rejoining', 'rejoined', 'sessionDisconnected'] as const) {
      session.on(name, (payload) => events.push({ name, payload, at: Date.now() }));
    }
    const statuses: string[] = [];
    session.on('stateChanged', ({ state }) => statuses.push(state.status));
    await session.join();
    const firstConnection = session.connectionId;
    const host = nodes.find((n) => n.url === tokenUrls[0]);
    const other = nodes.find((n) => n !== host);
    if (!host || !other) throw new Error(`token url ${tokenUrls[0]} names no node`);

    const killedAt = Date.now();
    await host.kill('SIGKILL');
    const s = session;
    // Recorded, not polled: the rejoin can be over within a polling interval.
    await waitFor(() => statuses.includes('rejoining'), { timeoutMs: 15_000, what: 'rejoining' });
    await waitFor(() => statuses.at(-1) === 'connected' && s.state.status === 'connected', {
      timeoutMs: 15_000,
      what: 'connected again',
    });
    const backAfterMs = Date.now() - killedAt;

    expect(events.find((e) => e.name === 'rejoining')?.payload).toMatchObject({
      cause: 'nodeCrashed',
      previousConnectionId: firstConnection,
    });
    expect(events.map((e) => e.name)).toContain('rejoined');
    expect(events.map((e) => e.name)).not.toContain('sessionDisconnected');
    expect(session.connectionId).not.toBe(firstConnection);
    expect(tokenUrls.at(-1)).toBe(other.url);
    const described = (await other.rest('GET', '/api/sessions/failover')) as { connections: unknown[] };
    expect(described.connections).toHaveLength(1);
    expect(other.logsWith('node crashed')).toHaveLength(1);
    console.log(`SIGKILL → rejoined on the other node after ${backAfterMs} ms`);
  }, 120_000);
  it('a session whose node hangs (SIGSTOP, its lease lapses) is rejoined on the other node soon after the crash is declared', async () => {
    for (const node of nodes) if (!node.running) await node.restart();
    await waitFor(
      async () =>
        (await Promise.all(nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.ok)))).every(Boolean),
      { what: 'both nodes ready again' },
    );
    await delay(1200);
    const tokenUrls: string[] = [];
    const hung = createSession(
      {
        serverUrl: nodes[0]?.url ?? '',
        sessionId: 'hung',
        identity: 'carol',
        getToken: backend(tokenUrls),
      },
      { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
    );
    const host = () => nodes.find((n) => n.url === tokenUrls[0]);
    try {
      const statuses: string[] = [];
      let learnedAt = 0;
      hung.on('stateChanged', ({ state }) => {
        statuses.push(state.status);
        if (state.status === 'rejoining' && learnedAt === 0) learnedAt = Date.now();
      });
      await hung.join();
      const paused = host();
      const other = nodes.find((n) => n !== paused);
      if (!paused || !other) throw new Error(`token url ${tokenUrls[0]} names no node`);
      const crashesBefore = other.logsWith('node crashed').length;
      const pausedAt = Date.now();
      paused.pause();
      const declaredAt = await waitFor(
        () => other.logsWith('node crashed').length > crashesBefore && Date.now(),
        {
          timeoutMs: 20_000,
          intervalMs: 20,
          what: 'the hung node declared crashed',
        },
      );
      await waitFor(() => hung.state.status === 'connected' && statuses.includes('rejoining'), {
        timeoutMs: 20_000,
        what: 'rejoined on the other node',
      });
      const backAt = Date.now();
      console.log(
        `SIGSTOP → declared after ${declaredAt - pausedAt} ms; the client learned it ${learnedAt - declaredAt} ms and was back ${backAt - declaredAt} ms after the declaration`,
      );
      expect(tokenUrls.at(-1)).toBe(other.url);
      // Issue #19: told through another node within 2 s of the declaration (it asks them while its own
      // node does not answer: 8–149 ms here, 2.1–2.6 s when it waited for its home attempt to time out).
      expect(learnedAt - declaredAt).toBeLessThan(2_000);
      // Back in the call (a new token from the backend, a join): a generous bound for a loaded CI.
      expect(backAt - declaredAt).toBeLessThan(6_000);
    } finally {
      hung.destroy();
      for (const node of nodes) if (node.running) node.resume();
    }
  }, 90_000);
});
