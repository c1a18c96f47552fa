import { describe, expect, it } from 'vitest';
import { TcpProxy } from '../../support/tcp-proxy';
import { delay, waitFor } from '../../support/wait';
import { FakeClock } from './fake-clock';
import { CAMERA, TestServer } from './harness';

describe('grace, eviction and endings', () => {
  it('evicts after the grace: the others get streamDestroyed then connectionDestroyed, reason networkDisconnect', async () => {
    const t = await TestServer.start({ graceMs: 600 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    await a.send({ kind: 'publish', streamId: 'a-cam', properties: CAMERA });
    await b.waitForEvent('streamCreated');
    const lostAt = Date.now();
    a.drop();
    await delay(300);
    expect(b.received('connectionDestroyed')).toEqual([]);
    const destroyed = await b.waitForEvent('connectionDestroyed', () => true, 5000);
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(550);
    expect(destroyed).toEqual({
      kind: 'connectionDestroyed',
      connectionId: a.connectionId,
      identity: 'a',
      reason: 'networkDisconnect',
    });
    const kinds = b.received().map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(['streamDestroyed', 'connectionDestroyed']);
    expect(b.received('streamDestroyed')).toEqual([
      {
        kind: 'streamDestroyed',
        streamId: 'a-cam',
        connectionId: a.connectionId,
        reason: 'networkDisconnect',
      },
    ]);
    const description = await t.rest<{ connections: unknown[]; streams: unknown[] }>(
      'GET',
      '/api/sessions/room',
    );
    expect(description.body.connections).toHaveLength(1);
    expect(description.body.streams).toEqual([]);
  });

  it('the grace runs on the injected clock: no eviction before graceMs of clock time, eviction right after', async () => {
    const clock = new FakeClock();
    const t = await TestServer.start({ clock, graceMs: 12_000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    a.drop();
    await waitFor(() => clock.pending >= 1, { what: 'the grace timer' });
    clock.advance(11_999);
    await delay(200);
    expect(b.received('connectionDestroyed')).toEqual([]);
    clock.advance(1);
    expect(await b.waitForEvent('connectionDestroyed', () => true, 1000)).toMatchObject({
      connectionId: a.connectionId,
      reason: 'networkDisconnect',
    });
  });

  it('a silent (no FIN) loss is noticed by the heartbeat and starts the grace', async () => {
    const t = await TestServer.start({ graceMs: 400, pingIntervalMs: 200, pingTimeoutMs: 200 });
    const proxy = await TcpProxy.start({ port: Number(new URL(t.url).port) });
    try {
      const a = await t.member('room', 'a', {}, proxy.url);
      const b = await t.member('room', 'b');
      await delay(500);
      expect(b.received('connectionDestroyed')).toEqual([]);
      // Nothing forwarded either way, no FIN: only the heartbeat can tell.
      proxy.blackhole();
      const destroyed = await b.waitForEvent('connectionDestroyed', () => true, 4000);
      expect(destroyed).toMatchObject({ connectionId: a.connectionId, reason: 'networkDisconnect' });
    } finally {
      await proxy.close();
    }
  });

  it('answers CONNECTION_EVICTED after eviction, and CONNECTION_NOT_FOUND with a new bootId from a restarted node', async () => {
    const t = await TestServer.start({ graceMs: 300 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    const joinedA = a.joined ?? expect.fail();
    a.drop();
    await b.waitForEvent('connectionDestroyed');
    const evicted = await (await t.client()).resume(joinedA, 0);
    expect(evicted).toMatchObject({ ok: false, error: { code: 'CONNECTION_EVICTED' }, node: t.server.node });

    const token = await t.token('room', { identity: 'a' });
    // Same port, new process state: the connection is unknown and the bootId differs.
    const port = Number(new URL(t.url).port);
    await t.server.close();
    const restarted = await TestServer.start({ port, graceMs: 300 });
    const notFound = await (await restarted.client()).resume(joinedA, 0);
    expect(notFound).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    if (notFound.ok) expect.fail();
    expect(notFound.node?.bootId).toBeDefined();
    expect(notFound.node?.bootId).not.toBe(joinedA.node.bootId);
    // And a rejoin on the fresh node finds no session.
    const rejoin = await (await restarted.client()).join('room', token, 'a');
    expect(rejoin).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('leave: replied, others get streamDestroyed + connectionDestroyed reason disconnect, socket dropped, no grace', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    await a.send({ kind: 'publish', streamId: 'a-cam', properties: CAMERA });
    expect(await a.send({ kind: 'leave' })).toEqual({ ok: true, seq: 2 });
    expect(await a.waitForDisconnect()).toBe('io server disconnect');
    const destroyed = await b.waitForEvent('connectionDestroyed', () => true, 1000);
    expect(destroyed).toMatchObject({ connectionId: a.connectionId, reason: 'disconnect' });
    expect(b.received('streamDestroyed')).toEqual([
      { kind: 'streamDestroyed', streamId: 'a-cam', connectionId: a.connectionId, reason: 'disconnect' },
    ]);
    const late = await (await t.client()).resume(a.joined ?? expect.fail(), 0);
    expect(late).toMatchObject({ ok: false, error: { code: 'CONNECTION_EVICTED' } });
  });

  it('REST force-disconnect: the member gets sessionDisconnected forceDisconnectByServer, the others the destroy events', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    await a.send({ kind: 'publish', streamId: 'a-cam', properties: CAMERA });
    await b.waitForEvent('streamCreated');
    const answer = await t.rest('DELETE', `/api/sessions/room/connections/${a.connectionId}`);
    expect(answer.status).toBe(204);
    expect(await a.waitForEvent('sessionDisconnected')).toEqual({
      kind: 'sessionDisconnected',
      reason: 'forceDisconnectByServer',
    });
    expect(await a.waitForDisconnect()).toBe('io server disconnect');
    await b.waitForEvent('connectionDestroyed');
    expect(b.received().slice(-2)).toEqual([
      {
        kind: 'streamDestroyed',
        streamId: 'a-cam',
        connectionId: a.connectionId,
        reason: 'forceDisconnectByServer',
      },
      {
        kind: 'connectionDestroyed',
        connectionId: a.connectionId,
        identity: 'a',
        reason: 'forceDisconnectByServer',
      },
    ]);
    const again = await t.rest('DELETE', `/api/sessions/room/connections/${a.connectionId}`);
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'CONNECTION_NOT_FOUND' } } });
  });

  it('a member in grace during a forced ending fetches its sessionDisconnected on resume', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    await t.member('room', 'b');
    const joinedA = a.joined ?? expect.fail();
    a.drop();
    await delay(50);
    expect((await t.rest('DELETE', `/api/sessions/room/connections/${joinedA.connectionId}`)).status).toBe(
      204,
    );
    const back = await t.client();
    expect(await back.resume(joinedA, 1)).toMatchObject({ ok: true });
    expect(await back.waitForEvent('sessionDisconnected')).toMatchObject({
      reason: 'forceDisconnectByServer',
    });
    expect(await back.waitForDisconnect()).toBe('io server disconnect');
    const after = await (await t.client()).resume(joinedA, 1);
    expect(after).toMatchObject({ ok: false, error: { code: 'CONNECTION_EVICTED' } });
  });

  it('REST close: every member gets sessionDisconnected sessionClosedByServer and is dropped; joins are refused', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    const token = await t.token('room', { identity: 'c' });
    expect((await t.rest('DELETE', '/api/sessions/room')).status).toBe(204);
    for (const member of [a, b]) {
      expect(await member.waitForEvent('sessionDisconnected')).toMatchObject({
        reason: 'sessionClosedByServer',
      });
      expect(await member.waitForDisconnect()).toBe('io server disconnect');
    }
    expect(await (await t.client()).join('room', token, 'c')).toMatchObject({
      ok: false,
      error: { code: 'SESSION_CLOSED' },
    });
    expect(await t.rest('GET', '/api/sessions/room')).toMatchObject({ status: 410 });
    // The id can be used again for a new session.
    expect((await t.rest('POST', '/api/sessions', { customSessionId: 'room' })).status).toBe(200);
    expect((await (await t.client()).join('room', await t.token('room', { identity: 'c' }), 'c')).ok).toBe(
      true,
    );
  });

  it('a REST signal reaches members with from: null; unknown targets are refused', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    expect((await t.rest('POST', '/api/sessions/room/signal', { type: 'notice', data: 'all' })).status).toBe(
      204,
    );
    const toA = { type: 'notice', data: 'a only', to: [a.connectionId] };
    expect((await t.rest('POST', '/api/sessions/room/signal', toA)).status).toBe(204);
    await a.waitForEvent('signal', (s) => s.data === 'a only');
    expect(await b.waitForEvent('signal')).toEqual({
      kind: 'signal',
      from: null,
      type: 'notice',
      data: 'all',
    });
    const bad = await t.rest('POST', '/api/sessions/room/signal', { type: 'x', data: 1, to: ['ghost'] });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'TARGET_NOT_IN_SESSION' } } });
    await delay(50);
    expect(b.received('signal')).toHaveLength(1);
  });

  it('evicts a connection whose replay buffer overflows (reason networkDisconnect)', async () => {
    const t = await TestServer.start({ graceMs: 60_000, replayMaxEvents: 20 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    b.drop();
    for (let i = 1; i <= 25; i += 1) await a.send({ kind: 'signal', type: 'n', data: i });
    const destroyed = await a.waitForEvent('connectionDestroyed', () => true, 2000);
    expect(destroyed).toMatchObject({ connectionId: b.connectionId, reason: 'networkDisconnect' });
    const late = await (await t.client()).resume(b.joined ?? expect.fail(), 0);
    expect(late).toMatchObject({ ok: false, error: { code: 'CONNECTION_EVICTED' } });
    await waitFor(() => a.received('connectionDestroyed').length === 1);
  });
});
