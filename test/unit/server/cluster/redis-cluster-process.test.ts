import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionTokenResponse,
  type JoinSuccess,
  PROTOCOL_VERSION,
  type ResumeReply,
  type SessionDescription,
  WIRE,
} from '../../../../src/protocol';
import { RawClient } from '../../../support/raw-client';
import { RedisProcess } from '../../../support/redis-process';
import { ServerProcess } from '../../../support/server-process';
import { delay, waitFor } from '../../../support/wait';

/**
 * Real node processes on a real redis-server: crashes (SIGKILL), pauses (SIGSTOP) and a Redis
 * restart, judged by what the nodes log and answer.
 */
describe('a cluster of real node processes on Redis (issue #19)', () => {
  let redis: RedisProcess;
  let nodes: ServerProcess[] = [];
  const clients: RawClient[] = [];
  const secret = 'redis-cluster-secret-0123456789';

  beforeAll(async () => {
    redis = await RedisProcess.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const startNodes = async (count: number, prefix: string) => {
    nodes = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        ServerProcess.start({
          secret,
          redisUrl: redis.url,
          nodeId: `${prefix}-${i + 1}`,
          graceMs: 30_000,
          startTimeoutMs: 90_000,
        }),
      ),
    );
    // Every node sees every other (first watch after 500 ms).
    await waitFor(
      async () => {
        const ready = await Promise.all(nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.ok)));
        return ready.every(Boolean);
      },
      { what: 'every node ready' },
    );
    await delay(700);
  };
  const crashLogs = () => nodes.flatMap((n) => n.logsWith('node crashed'));
  const hostOf = (token: ConnectionTokenResponse) => {
    const host = nodes.find((n) => n.url === token.url);
    if (!host) throw new Error(`token url ${token.url} names no node`);
    return host;
  };
  /** Joins as a client does: honours OVERLOADED's retryAfterMs (the shared machine may lag). */
  const join = async (token: ConnectionTokenResponse, sessionId: string) => {
    const client = await RawClient.connect(token.url ?? '');
    clients.push(client);
    for (let attempt = 1; ; attempt += 1) {
      const reply = await client.join({ sessionId, token: token.token, identity: token.identity });
      if (reply.ok) return { client, reply };
      if (reply.error.code !== 'OVERLOADED' || attempt >= 20) {
        throw new Error(`join refused: ${JSON.stringify(reply.error)}`);
      }
      await delay(reply.error.retryAfterMs ?? 250);
    }
  };

  it('SIGKILL of the hosting node: one survivor of three declares nodeCrashed once, its client gets NODE_CRASHED elsewhere and re-joins a survivor with a fresh token', async () => {
    await startNodes(3, 'kill');
    const sessionId = 'kill-session';
    await nodes[0]?.createSession(sessionId);
    const first = await nodes[2]?.createToken(sessionId, { identity: 'alice' });
    if (!first) throw new Error('no token');
    const host = hostOf(first);
    const { reply } = await join(first, sessionId);
    expect((reply as JoinSuccess).nodes?.map((n) => n.url).sort()).toEqual(
      nodes
        .filter((n) => n !== host)
        .map((n) => n.url)
        .sort(),
    );
    const survivors = nodes.filter((n) => n !== host);

    const killedAt = Date.now();
    await host.kill('SIGKILL');
    await waitFor(() => crashLogs().length > 0, { timeoutMs: 10_000, what: 'a node crashed log' });
    const declaredAfterMs = Date.now() - killedAt;
    const survivor = survivors[0] as ServerProcess;

    // Within 2 s of the declaration, any survivor tells the dead node's client.
    const asker = await RawClient.connect(survivor.url);
    clients.push(asker);
    const resumed = await asker.request<ResumeReply>(WIRE.resume, {
      v: PROTOCOL_VERSION,
      sessionId,
      connectionId: (reply as JoinSuccess).connectionId,
      resumeSecret: (reply as JoinSuccess).resumeSecret,
      lastSeq: 0,
    });
    expect(resumed).toMatchObject({ ok: false, error: { code: 'NODE_CRASHED' } });
    const toldAfterMs = Date.now() - killedAt - declaredAfterMs;
    expect(toldAfterMs).toBeLessThan(2000);
    // The crashed node's next boot (same node id) serves again and says so too (before re-placement).
    await host.restart();
    await waitFor(async () => (await fetch(`${host.url}/readyz`)).ok, { what: 'the next boot ready' });
    const askHome = await RawClient.connect(host.url);
    clients.push(askHome);
    const again = await askHome.request<ResumeReply>(WIRE.resume, {
      v: PROTOCOL_VERSION,
      sessionId,
      connectionId: (reply as JoinSuccess).connectionId,
      resumeSecret: (reply as JoinSuccess).resumeSecret,
      lastSeq: 0,
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'NODE_CRASHED' } });

    const fresh = await survivor.createToken(sessionId, { identity: 'alice' });
    expect(fresh.url).toBeDefined();
    expect(nodes.map((n) => n.url)).toContain(fresh.url);
    const rejoined = await join(fresh, sessionId);
    expect(rejoined.reply.sessionId).toBe(sessionId);

    await delay(2000);
    const logs = crashLogs();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ crashedNodeId: host.options.nodeId, sessions: 1 });
    // Declared 3.5 s after the last renewal (made 0–1 s before the kill), at the next watch.
    expect(declaredAfterMs).toBeGreaterThan(2000);
    expect(declaredAfterMs).toBeLessThan(6000);

    console.log(
      `SIGKILL → nodeCrashed declared after ${declaredAfterMs} ms, NODE_CRASHED told ${toldAfterMs} ms later`,
    );
  }, 180_000);

  it('SIGSTOP 2 s is a blip (no crash); SIGSTOP 10 s is declared, and after SIGCONT the node serves nothing', async () => {
    await startNodes(2, 'stop');
    const [paused, other] = nodes as [ServerProcess, ServerProcess];
    paused.pause();
    await delay(2000);
    paused.resume();
    await delay(3000);
    expect(crashLogs()).toHaveLength(0);
    expect((await fetch(`${paused.url}/readyz`)).status).toBe(200);

    const sessionId = 'stop-session';
    await paused.createSession(sessionId);
    const token = await other.createToken(sessionId, { identity: 'bob' });
    const member = await join(token, sessionId);
    const host = hostOf(token);
    host.pause();
    await delay(10_000);
    expect(other === host ? [] : other.logsWith('node crashed')).toHaveLength(host === other ? 0 : 1);
    host.resume();
    await waitFor(() => host.logsWith('node fenced').length === 1, {
      what: 'the node to find itself fenced',
    });
    await waitFor(() => !member.client.connected, { what: 'the fenced node to close its sockets' });
    expect((await fetch(`${host.url}/readyz`)).status).toBe(503);
    await expect(host.createToken(sessionId, { identity: 'x' })).rejects.toThrow(/NODE_FENCED/);
    const late = await RawClient.connect(host.url);
    clients.push(late);
    const refused = await late.join({ sessionId, token: token.token, identity: 'bob' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NODE_FENCED' } });
  }, 180_000);

  it('a Redis restart (kill, start empty on the same port) declares no crash; the nodes keep serving', async () => {
    await startNodes(2, 'redis');
    const sessionId = 'redis-session';
    await nodes[0]?.createSession(sessionId);
    const before = await nodes[0]?.createToken(sessionId, { identity: 'carol' });
    if (!before) throw new Error('no token');
    const member = await join(before, sessionId);
    await redis.kill();
    await delay(1500);
    await redis.start();
    await delay(6000);
    expect(crashLogs()).toHaveLength(0);
    expect(nodes.flatMap((n) => n.logsWith('node fenced'))).toHaveLength(0);
    expect(member.client.connected).toBe(true);
    for (const node of nodes) expect((await fetch(`${node.url}/readyz`)).status).toBe(200);
    // The restarted Redis is empty: the session is created again and placed anew.
    await nodes[1]?.createSession('after-restart');
    const after = await nodes[1]?.createToken('after-restart', { identity: 'dave' });
    if (!after) throw new Error('no token');
    await join(after, 'after-restart');
  }, 180_000);

  it('REST on a node that does not host the session reaches the members through the socket.io Redis adapter', async () => {
    await startNodes(2, 'bus');
    const sessionId = 'bus-session';
    await nodes[0]?.createSession(sessionId);
    const tokenA = await nodes[0]?.createToken(sessionId, { identity: 'erin' });
    const tokenB = await nodes[0]?.createToken(sessionId, { identity: 'finn' });
    if (!tokenA || !tokenB) throw new Error('no token');
    const host = hostOf(tokenA);
    const other = nodes.find((n) => n !== host) as ServerProcess;
    const erin = await join(tokenA, sessionId);
    const finn = await join(tokenB, sessionId);
    const finnId = (finn.reply as JoinSuccess).connectionId;
    const erinId = (erin.reply as JoinSuccess).connectionId;

    // GET answers with the members the hosting node has, whichever node is asked.
    const described = (await other.rest('GET', `/api/sessions/${sessionId}`)) as SessionDescription;
    expect(described.connections.map((c) => c.identity).sort()).toEqual(['erin', 'finn']);
    // A server signal through the other node reaches the members (all, or the one named).
    await other.rest('POST', `/api/sessions/${sessionId}/signal`, { type: 'all', data: 1 });
    await other.rest('POST', `/api/sessions/${sessionId}/signal`, {
      type: 'erin-only',
      data: 2,
      to: [erinId],
    });
    await waitFor(() => erin.client.signals().length === 2 && finn.client.signals().length === 1, {
      what: 'signals delivered through the other node',
    });
    expect(erin.client.signals().map((x) => [x.from, x.type])).toEqual([
      [null, 'all'],
      [null, 'erin-only'],
    ]);
    expect(finn.client.signals().map((x) => x.type)).toEqual(['all']);
    await expect(
      other.rest('POST', `/api/sessions/${sessionId}/signal`, { type: 'x', data: 0, to: ['c_nobody'] }),
    ).rejects.toThrow(/400/);

    await other.rest('DELETE', `/api/sessions/${sessionId}/connections/${finnId}`);
    await waitFor(() => finn.client.events.some((e) => e.evt.kind === 'sessionDisconnected'), {
      what: 'finn forced out through the other node',
    });
    await expect(other.rest('DELETE', `/api/sessions/${sessionId}/connections/nobody`)).rejects.toThrow(
      /404/,
    );

    await other.rest('DELETE', `/api/sessions/${sessionId}`);
    await waitFor(
      () =>
        erin.client.events.some(
          (e) => e.evt.kind === 'sessionDisconnected' && e.evt.reason === 'sessionClosedByServer',
        ),
      { what: 'erin told the session closed through the other node' },
    );
  }, 180_000);
});
