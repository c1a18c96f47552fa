import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type Session, type SessionEventMap, type TokenContext } from '../../../src/core';
import { ioSocketFactory } from '../../../src/core/signaling/socket';
import type { ConnectionTokenResponse } from '../../../src/protocol';
import { RedisProcess } from '../../support/redis-process';
import { ServerProcess } from '../../support/server-process';
import { delay, waitFor } from '../../support/wait';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { fakeMediaPlaneFactory } from './support/fake-media-plane';

/**
 * The client core (real `createSession`, real socket.io-client; media faked) on a cluster of two REAL
 * node processes sharing a real redis-server: the node hosting the call is SIGKILLed (N1), or drained
 * for a rotation with migration (R1). The clients find out from their sockets and the other node.
 */
const SECRET = 'cluster-failover-secret-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.from('cluster failover webhook secret!').toString('base64')}`;
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('client core on a Redis cluster of two node processes (issue #19)', () => {
  let redis: RedisProcess;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    redis = await RedisProcess.start();
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await redis?.stop();
  });

  const startNodes = async (prefix: string, which = [1, 2]): Promise<ServerProcess[]> => {
    const nodes = await Promise.all(
      which.map((i) =>
        ServerProcess.start({
          secret: SECRET,
          redisUrl: redis.url,
          nodeId: `${prefix}-${i}`,
          graceMs: 30_000,
          pingIntervalMs: 1000,
          pingTimeoutMs: 2000,
          webhookUrl: receiver.url,
          webhookSecret: WEBHOOK_SECRET,
          webhookRetryDelaysMs: [200, 500],
          startTimeoutMs: 90_000,
          extraArgs: ['--dev'],
        }),
      ),
    );
    for (const node of nodes) cleanups.push(() => node.stop());
    await waitFor(
      async () =>
        (await Promise.all(nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.ok)))).every(Boolean),
      { what: 'the nodes ready', timeoutMs: 20_000 },
    );
    await delay(700);
    return nodes;
  };

  /** A participant whose backend asks any live node for a token (as behind a load balancer). */
  const participant = (identity: string, sessionId: string, nodes: ServerProcess[]) => {
    const log: Array<{ name: keyof SessionEventMap; payload: unknown }> = [];
    const statuses: string[] = [];
    const session: Session = createSession(
      {
        serverUrl: nodes[0]?.url ?? '',
        sessionId,
        identity,
        getToken: async (id: string, { identity: who }: TokenContext) => {
          for (const node of nodes) {
            try {
              const res = await fetch(`${node.url}/dev/token`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ sessionId: id, identity: who }),
                signal: AbortSignal.timeout(2000),
              });
              if (res.ok) return ((await res.json()) as ConnectionTokenResponse).token;
            } catch {
              // that node is down: the next one
            }
          }
          throw new Error('no node gave a token');
        },
        reconnect: { attemptTimeoutMs: 2_000 },
      },
      { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
    );
    const names: Array<keyof SessionEventMap> = ['migrating', 'migrated', 'rejoining', 'rejoined', 'signal'];
    for (const name of names) session.on(name, (payload) => log.push({ name, payload }));
    session.on('stateChanged', ({ state }) => statuses.push(state.status));
    cleanups.push(() => session.destroy());
    const signalsFrom = (who: string) =>
      log
        .filter((e) => e.name === 'signal')
        .map((e) => e.payload as SessionEventMap['signal'])
        .filter((s) => s.from?.identity === who)
        .map((s) => s.data);
    return { session, log, statuses, signalsFrom };
  };

  /** The node the session lives on, as the cluster answers a token request now. */
  const hostOf = async (nodes: ServerProcess[], sessionId: string): Promise<ServerProcess> => {
    const token = await nodes[0]?.createToken(sessionId, { identity: 'observer' });
    const host = nodes.find((n) => n.url === token?.url);
    if (!host) throw new Error(`token url ${token?.url} names no node`);
    return host;
  };

  it('N1: the hosting node is SIGKILLed → every client rejoins the same session id on the other node by itself; the nodeCrashed webhook arrives once, signed', async () => {
    const nodes = await startNodes('n1');
    const sessionId = 'n1-call';
    const people = ['alice', 'bob', 'carol'].map((who) => participant(who, sessionId, nodes));
    for (const p of people) await p.session.join();
    await waitFor(() => people.every((p) => p.session.participants.size === 2), { what: 'a full roster' });
    const host = await hostOf(nodes, sessionId);
    const survivor = nodes.find((n) => n !== host) as ServerProcess;

    const killedAt = Date.now();
    await host.kill('SIGKILL');
    for (const p of people) {
      await waitFor(
        () => p.log.some((e) => e.name === 'rejoined') && p.session.state.status === 'connected',
        {
          what: 'rejoined',
          timeoutMs: 20_000,
        },
      );
    }
    const rejoinedAfterMs = Date.now() - killedAt;
    for (const p of people) {
      expect(p.statuses).toContain('rejoining');
      expect(p.log.find((e) => e.name === 'rejoining')?.payload).toMatchObject({ cause: 'nodeCrashed' });
      expect(p.session.participants.size).toBe(2);
    }
    expect((await survivor.health()).connections).toBe(3);
    // Messages flow again on the survivor.
    await people[0]?.session.signal({ type: 'n', data: 'after' });
    await waitFor(() => people[1]?.signalsFrom('alice').includes('after') ?? false, {
      what: 'a signal after',
    });

    const crashed = () =>
      receiver
        .verified(WEBHOOK_SECRET)
        .filter((m) => m.type === 'nodeCrashed' && m.data.nodeId === host.options.nodeId);
    await waitFor(() => crashed().length > 0, { what: 'the nodeCrashed webhook', timeoutMs: 10_000 });
    await delay(1500);
    expect(crashed()).toHaveLength(1);
    expect(crashed()[0]?.data).toMatchObject({ sessionIds: [sessionId] });
    console.log(`[cluster] SIGKILL → all 3 clients rejoined on the survivor after ${rejoinedAfterMs} ms`);
  }, 120_000);

  it('N1 after a scale-out: node 2 joins the cluster after the clients joined node 1; node 1 is SIGKILLed → the clients (told of node 2 while on node 1) rejoin there', async () => {
    const nodes = await startNodes('s1', [1]);
    const sessionId = 's1-call';
    // The backend's list of nodes grows with the cluster (the same array).
    const people = ['alice', 'bob'].map((who) => participant(who, sessionId, nodes));
    for (const p of people) await p.session.join();
    await waitFor(() => people.every((p) => p.session.participants.size === 1), { what: 'a full roster' });
    nodes.push(...(await startNodes('s1', [2])));
    // Node 1 sees node 2 within its next look (every 500 ms) and tells its clients.
    await delay(1500);

    await nodes[0]?.kill('SIGKILL');
    for (const p of people) {
      await waitFor(
        () => p.log.some((e) => e.name === 'rejoined') && p.session.state.status === 'connected',
        { what: `${p.session.identity} rejoined on node 2`, timeoutMs: 20_000 },
      );
    }
    expect((await nodes[1]?.health())?.connections).toBe(2);
  }, 120_000);

  it('R1 with migration: drain the hosting node with a 10 s deadline → every client moves to the other node before it (same connection ids), 50 signals sent during the move arrive once each, in order', async () => {
    const nodes = await startNodes('r1');
    const sessionId = 'r1-call';
    const [a, b, c] = ['alice', 'bob', 'carol'].map((who) => participant(who, sessionId, nodes)) as [
      ReturnType<typeof participant>,
      ReturnType<typeof participant>,
      ReturnType<typeof participant>,
    ];
    for (const p of [a, b, c]) await p.session.join();
    await waitFor(() => c.session.participants.size === 2, { what: 'a full roster' });
    const ids = [a, b, c].map((p) => p.session.connectionId);
    const host = await hostOf(nodes, sessionId);
    const other = nodes.find((n) => n !== host) as ServerProcess;

    const drained = (await host.rest('POST', '/api/drain', { withinMs: 10_000 })) as { deadline: number };
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 25; i += 1) {
      sends.push(a.session.signal({ type: 'n', data: i }));
      sends.push(b.session.signal({ type: 'n', data: i }));
      await delay(100);
    }
    for (const p of [a, b, c]) {
      await waitFor(() => p.log.some((e) => e.name === 'migrated'), { what: 'migrated', timeoutMs: 12_000 });
    }
    expect(Date.now()).toBeLessThan(drained.deadline);
    await Promise.all(sends);
    for (const [i, p] of [a, b, c].entries()) {
      expect(p.session.connectionId).toBe(ids[i]);
      expect(p.statuses).toEqual(['connecting', 'connected', 'migrating', 'connected']);
    }
    const all = Array.from({ length: 25 }, (_, i) => i);
    await waitFor(() => c.signalsFrom('alice').length >= 25 && c.signalsFrom('bob').length >= 25, {
      what: 'every signal',
    });
    await delay(300);
    expect(c.signalsFrom('alice')).toEqual(all);
    expect(c.signalsFrom('bob')).toEqual(all);
    expect(b.signalsFrom('alice')).toEqual(all);
    expect(a.signalsFrom('bob')).toEqual(all);
    expect((await other.health()).connections).toBe(3);
    expect((await host.health()).connections).toBe(0);
  }, 120_000);
});
