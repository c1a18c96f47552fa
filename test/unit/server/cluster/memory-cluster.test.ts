import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectionTokenResponse,
  type JoinSuccess,
  PROTOCOL_VERSION,
  type ResumeReply,
  type SessionDescription,
  WIRE,
} from '../../../../src/protocol';
import type { CrashDeclaration } from '../../../../src/server';
import { createCluster, type HoldfastCluster } from '../../../../src/server/cluster/create-cluster';
import { RawClient } from '../../../support/raw-client';
import { delay, waitFor } from '../../../support/wait';

const SECRET = 'memory-cluster-secret-0123456789';

async function rest<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

describe('the in-memory cluster (several nodes in one process)', () => {
  let cluster: HoldfastCluster | undefined;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await cluster?.close();
  });

  it('declares a crashed node once, answers its clients NODE_CRASHED elsewhere, re-places the session on a survivor', async () => {
    const declared: CrashDeclaration[] = [];
    cluster = createCluster({
      nodes: 3,
      secret: SECRET,
      logLevel: 'silent',
      cluster: { onNodeCrashed: (d) => declared.push(d) },
    });
    const urls = (await cluster.listen()).map((l) => l.url);
    const sessionId = 'mem-crash';
    // Any node answers REST; the token names the node the session is placed on.
    await rest(urls[2] ?? '', 'POST', '/api/sessions', { customSessionId: sessionId });
    const first = await rest<ConnectionTokenResponse>(
      urls[2] ?? '',
      'POST',
      `/api/sessions/${sessionId}/connections`,
      {
        identity: 'alice',
      },
    );
    const hostIndex = urls.indexOf(first.url ?? '');
    expect(hostIndex).toBeGreaterThanOrEqual(0);
    const host = cluster.servers[hostIndex];
    const alice = await RawClient.connect(first.url ?? '');
    clients.push(alice);
    const joined = (await alice.join({ sessionId, token: first.token, identity: 'alice' })) as JoinSuccess;
    expect(joined.ok).toBe(true);
    await waitFor(() => cluster?.servers[hostIndex]?.cluster?.peers().length === 2, { what: 'two peers' });
    const again = await RawClient.connect(first.url ?? '');
    clients.push(again);
    const second = await rest<ConnectionTokenResponse>(
      urls[0] ?? '',
      'POST',
      `/api/sessions/${sessionId}/connections`,
      {
        identity: 'bob',
      },
    );
    const bobJoin = (await again.join({ sessionId, token: second.token, identity: 'bob' })) as JoinSuccess;
    expect(bobJoin.nodes?.map((n) => n.url).sort()).toEqual(urls.filter((u) => u !== first.url).sort());

    const crashedAt = Date.now();
    await host?.crash();
    await waitFor(() => declared.length > 0, { timeoutMs: 8000, what: 'the crash to be declared' });
    const declaredAfterMs = Date.now() - crashedAt;
    expect(declared[0]).toMatchObject({ nodeId: `node-${hostIndex + 1}`, sessions: [sessionId] });

    // A client of the dead node asks a survivor to resume: told the node crashed.
    const survivorUrl = urls.find((u) => u !== first.url) ?? '';
    const asker = await RawClient.connect(survivorUrl);
    clients.push(asker);
    const resumed = await asker.request<ResumeReply>(WIRE.resume, {
      v: PROTOCOL_VERSION,
      sessionId,
      connectionId: joined.connectionId,
      resumeSecret: joined.resumeSecret,
      lastSeq: 0,
    });
    expect(resumed).toMatchObject({ ok: false, error: { code: 'NODE_CRASHED' } });

    // A fresh token re-places the session on a survivor; the same session id is joined there.
    const fresh = await rest<ConnectionTokenResponse>(
      survivorUrl,
      'POST',
      `/api/sessions/${sessionId}/connections`,
      {
        identity: 'alice',
      },
    );
    expect(fresh.url).not.toBe(first.url);
    const back = await RawClient.connect(fresh.url ?? '');
    clients.push(back);
    const rejoined = await back.join({ sessionId, token: fresh.token, identity: 'alice' });
    expect(rejoined).toMatchObject({ ok: true, sessionId });

    await delay(1500);
    expect(declared).toHaveLength(1);
    expect(declaredAfterMs).toBeLessThan(6000);
    console.log(`in-memory crash → nodeCrashed declared after ${declaredAfterMs} ms`);
  }, 30_000);

  it('REST on a node that does not host the session: GET lists the members, a signal reaches them, DELETE ends them on the node that does', async () => {
    cluster = createCluster({ nodes: 2, secret: SECRET, logLevel: 'silent' });
    const urls = (await cluster.listen()).map((l) => l.url);
    const sessionId = 'mem-bus';
    await rest(urls[0] ?? '', 'POST', '/api/sessions', { customSessionId: sessionId });
    const token = await rest<ConnectionTokenResponse>(
      urls[0] ?? '',
      'POST',
      `/api/sessions/${sessionId}/connections`,
      {
        identity: 'gil',
      },
    );
    const other = urls.find((u) => u !== token.url) ?? '';
    const gil = await RawClient.connect(token.url ?? '');
    clients.push(gil);
    expect(await gil.join({ sessionId, token: token.token, identity: 'gil' })).toMatchObject({ ok: true });
    // GET and a server signal through the node that does not host the members.
    const described = await rest<SessionDescription>(other, 'GET', `/api/sessions/${sessionId}`);
    expect(described.connections.map((c) => c.identity)).toEqual(['gil']);
    await rest(other, 'POST', `/api/sessions/${sessionId}/signal`, { type: 'hello', data: 'x' });
    await waitFor(() => gil.signals().some((x) => x.type === 'hello' && x.from === null), {
      what: 'gil gets the server signal sent through the other node',
    });
    await expect(
      rest(other, 'POST', `/api/sessions/${sessionId}/signal`, { type: 'x', data: 0, to: ['c_nobody'] }),
    ).rejects.toThrow(/400/);
    await rest(other, 'DELETE', `/api/sessions/${sessionId}`);
    await waitFor(
      () =>
        gil.events.some(
          (e) => e.evt.kind === 'sessionDisconnected' && e.evt.reason === 'sessionClosedByServer',
        ),
      { what: 'gil told the session closed through the other node' },
    );
  }, 30_000);
  it('empty sessions expire in a cluster too: never joined (placed or not), whichever node created them; one in use on another node stays', async () => {
    cluster = createCluster({ nodes: 2, secret: SECRET, logLevel: 'silent', emptySessionTtlMs: 1_500 });
    const urls = (await cluster.listen()).map((l) => l.url);
    const creator = urls[0] ?? '';
    const create = (sessionId: string) =>
      rest(creator, 'POST', '/api/sessions', { customSessionId: sessionId });
    const token = (sessionId: string, identity: string) =>
      rest<ConnectionTokenResponse>(creator, 'POST', `/api/sessions/${sessionId}/connections`, { identity });
    const isOpen = (sessionId: string) =>
      fetch(`${urls[1]}/api/sessions/${sessionId}`, { headers: { authorization: `Bearer ${SECRET}` } }).then(
        (r) => r.ok,
      );
    await create('never-placed');
    await create('placed-idle');
    await token('placed-idle', 'nobody');
    // Two sessions in use: placement spreads them, so at least one is hosted by the node that did not create it.
    const hosts: string[] = [];
    for (const sessionId of ['busy-a', 'busy-b']) {
      await create(sessionId);
      const t = await token(sessionId, 'alice');
      hosts.push(t.url ?? '');
      const member = await RawClient.connect(t.url ?? '');
      clients.push(member);
      const reply = await member.request<JoinSuccess>(WIRE.join, {
        v: PROTOCOL_VERSION,
        sessionId,
        token: t.token,
        identity: 'alice',
      });
      expect(reply.ok).toBe(true);
    }
    expect(
      hosts.some((url) => url !== creator),
      'a busy session hosted by the other node',
    ).toBe(true);
    // The creator's timer closes what is unplaced or its own; the host lists what is placed on it (every 10 s).
    await waitFor(async () => !(await isOpen('never-placed')), {
      timeoutMs: 5_000,
      what: 'never-placed closed',
    });
    await waitFor(async () => !(await isOpen('placed-idle')), {
      timeoutMs: 15_000,
      what: 'placed-idle closed',
    });
    // Past every timer the creator armed for the busy ones: they stay open.
    await delay(2_000);
    expect(await isOpen('busy-a')).toBe(true);
    expect(await isOpen('busy-b')).toBe(true);
  }, 30_000);
});
