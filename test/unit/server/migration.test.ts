import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../src/protocol';
import { InProcessMigrationNetwork, MemorySessionRegistry, type ServerOptions } from '../../../src/server';
import { waitFor } from '../../support/wait';
import { TestServer } from './harness';
import { MovingClient } from './moving-client';

/** Two nodes sharing a session registry and a secret, wired to migrate to each other. */
async function twoNodes(extra: ServerOptions = {}): Promise<{ one: TestServer; two: TestServer }> {
  const network = new InProcessMigrationNetwork();
  const registry = new MemorySessionRegistry();
  const node = async (nodeId: string) => {
    const t = await TestServer.start({
      nodeId,
      registry,
      migrationTarget: network.targetFor(nodeId),
      // Every session moves 30 % into its window: well inside the deadline, and deterministic.
      random: () => 0.3,
      // The hand-written client does not reconnect after a heartbeat loss: keep the heartbeat lenient so
      // a loaded machine does not cut a socket mid-test (what is under test is the move).
      pingIntervalMs: 1000,
      pingTimeoutMs: 3000,
      ...extra,
    });
    network.add({
      nodeId,
      url: t.url,
      draining: () => t.server.draining,
      importSession: (snapshot) => t.server.importSession(snapshot),
    });
    return t;
  };
  return { one: await node('node-1'), two: await node('node-2') };
}

async function member(t: TestServer, identity: string, migration = true): Promise<MovingClient> {
  await t.session('room');
  const client = await MovingClient.connect(t.url);
  const reply = await client.join('room', await t.token('room', { identity }), identity, migration);
  if (!reply.ok) throw new Error(`join refused: ${reply.error.code}`);
  return client;
}

const signalsFrom = (client: MovingClient, from: string): unknown[] =>
  client.events
    .filter((evt): evt is Extract<ServerEvent, { kind: 'signal' }> => evt.kind === 'signal')
    .filter((evt) => evt.from === from)
    .map((evt) => evt.data);

describe('session migration on a rotation (R1)', () => {
  it('moves every member to node 2 before a 10 s deadline; 50 messages sent during the move arrive once each, in order; node 1 ends nobody', async () => {
    const { one, two } = await twoNodes();
    const a = await member(one, 'a');
    const b = await member(one, 'b');
    const c = await member(one, 'c');
    await waitFor(() => a.events.filter((e) => e.kind === 'connectionCreated').length === 2);

    const drained = one.server.drain(10_000);
    // 25 messages from each of a and b: one every 100 ms until the move (at 30 % of the 5 s window,
    // ~1.5 s), then the rest at once, while the clients resume at node 2.
    const sending = (async () => {
      for (let i = 0; i < 25; i += 1) {
        a.send({ kind: 'signal', type: 'n', data: i });
        b.send({ kind: 'signal', type: 'n', data: i, to: [c.connectionId] });
        await Promise.race([sleep(100), a.moved]);
      }
    })();
    for (const client of [a, b, c]) {
      await waitFor(() => client.resumedAt.length === 1, { timeoutMs: 9000, what: 'resumed at node 2' });
      expect(client.resumedAt).toEqual(['node-2']);
      expect(client.moves).toEqual([{ url: two.url, nodeId: 'node-2', deadline: drained.deadline }]);
    }
    expect(Date.now()).toBeLessThan(drained.deadline);
    await sending;

    const all = Array.from({ length: 25 }, (_, i) => i);
    await waitFor(() => a.unanswered === 0 && b.unanswered === 0, { what: 'every message answered' });
    await waitFor(
      () => signalsFrom(c, b.connectionId).length >= 25 && signalsFrom(b, a.connectionId).length >= 25,
    );
    expect(signalsFrom(b, a.connectionId)).toEqual(all);
    expect(signalsFrom(c, a.connectionId)).toEqual(all);
    expect(signalsFrom(c, b.connectionId)).toEqual(all);
    expect(signalsFrom(a, b.connectionId)).toEqual([]);
    for (let seq = 1; seq <= 25; seq += 1) expect(a.answer(seq)).toEqual({ ok: true, seq });
    // Some went out to node 1 after it froze the session: unanswered there, they were resent to node 2.
    expect(a.resent + b.resent).toBeGreaterThan(0);
    expect(a.resent).toBeLessThan(25);

    expect(one.server.memberCount).toBe(0);
    expect(two.server.memberCount).toBe(3);
    // Node 1 no longer serves the session: an order sent there is refused, not swallowed.
    expect(await one.rest('POST', '/api/sessions/room/signal', { type: 'app', data: 'x' })).toMatchObject({
      status: 503,
      body: { error: { code: 'NODE_DRAINING' } },
    });
    expect((await two.rest('POST', '/api/sessions/room/signal', { type: 'app', data: 'y' })).status).toBe(
      204,
    );
    await waitFor(() => c.events.some((e) => e.kind === 'signal' && e.from === null));
    expect(c.events.filter((e) => e.kind === 'signal' && e.from === null)).toEqual([
      { kind: 'signal', from: null, type: 'app', data: 'y' },
    ]);
    // Past the deadline: node 1 ended nobody, nobody left anybody.
    await sleep(Math.max(0, drained.deadline - Date.now()) + 300);
    for (const client of [a, b, c]) {
      const kinds = client.events.map((e) => e.kind);
      expect(kinds).not.toContain('sessionDisconnected');
      expect(kinds).not.toContain('connectionDestroyed');
    }
    expect(two.server.memberCount).toBe(3);
  }, 20_000);

  it('a member that missed hf:move and resumes at node 1 is answered there and sent on to node 2, nothing lost', async () => {
    const { one } = await twoNodes();
    const a = await member(one, 'a');
    const b = await member(one, 'b');
    b.ignoreMoves = true;
    one.server.drain(10_000);
    await waitFor(() => a.resumedAt.length === 1, { timeoutMs: 5000, what: 'a moved' });
    a.send({ kind: 'signal', type: 'n', data: 'after the move' });
    // b's socket to node 1 is still open but node 1 no longer serves it; b resumes there (its own
    // reconnect after a loss would do the same) and is sent on.
    await sleep(100);
    b.ignoreMoves = false;
    expect(await b.resumeAt(one.url)).toMatchObject({ ok: true, node: { nodeId: 'node-1' } });
    await waitFor(() => b.resumedAt.includes('node-2'), { timeoutMs: 5000, what: 'b sent on to node 2' });
    await waitFor(() => signalsFrom(b, a.connectionId).length === 1);
    expect(signalsFrom(b, a.connectionId)).toEqual(['after the move']);
  });

  it('a failed transfer leaves the session on node 1: its sockets are closed, members resume there and it goes on until the deadline', async () => {
    const one = await TestServer.start({
      nodeId: 'node-1',
      pingIntervalMs: 1000,
      pingTimeoutMs: 3000,
      random: () => 0,
      migrationTarget: {
        pick: async () => ({ nodeId: 'node-x', url: 'http://127.0.0.1:9' }),
        transfer: async () => {
          throw new Error('node-x refused the session');
        },
      },
    });
    const a = await member(one, 'a');
    const b = await member(one, 'b');
    one.server.drain(3000);
    // The thaw closes the members' sockets so that their clients resume and resend.
    await waitFor(() => a.disconnected && b.disconnected, {
      timeoutMs: 3000,
      what: 'sockets closed by the thaw',
    });
    expect(a.moves).toEqual([]);
    expect(await a.resumeAt(one.url)).toMatchObject({ ok: true, node: { nodeId: 'node-1' } });
    expect(await b.resumeAt(one.url)).toMatchObject({ ok: true, node: { nodeId: 'node-1' } });
    a.send({ kind: 'signal', type: 'n', data: 'still here' });
    await waitFor(() => signalsFrom(b, a.connectionId).length === 1);
    expect(signalsFrom(b, a.connectionId)).toEqual(['still here']);
    // Not moved: the deadline applies.
    for (const client of [a, b]) {
      await waitFor(() => client.events.some((e) => e.kind === 'sessionDisconnected'), { timeoutMs: 5000 });
      expect(client.events.at(-1)).toEqual({ kind: 'sessionDisconnected', reason: 'serverRotation' });
    }
  });

  it('leaves a session with a member that opted out on node 1: no move, serverRotation at the deadline', async () => {
    const { one, two } = await twoNodes();
    const a = await member(one, 'a');
    const b = await member(one, 'b', false);
    const drained = one.server.drain(1500);
    for (const client of [a, b]) {
      await waitFor(() => client.events.some((e) => e.kind === 'sessionDisconnected'), { timeoutMs: 4000 });
      expect(client.events.at(-1)).toEqual({ kind: 'sessionDisconnected', reason: 'serverRotation' });
      expect(client.moves).toEqual([]);
    }
    expect(Date.now()).toBeGreaterThanOrEqual(drained.deadline - 5);
    expect(two.server.memberCount).toBe(0);
  });

  it('keeps the session on node 1 when no other node can take it (the deadline applies)', async () => {
    const { one, two } = await twoNodes();
    two.server.drain(60_000);
    const a = await member(one, 'a');
    one.server.drain(1200);
    await waitFor(() => a.events.some((e) => e.kind === 'sessionDisconnected'), { timeoutMs: 4000 });
    expect(a.events.at(-1)).toEqual({ kind: 'sessionDisconnected', reason: 'serverRotation' });
    expect(a.moves).toEqual([]);
  });
});
