import { describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../support/wait';
import { TestServer } from './harness';

describe('sequencing, resume and replay', () => {
  it('numbers server events 1, 2, 3 per connection and keeps unacknowledged ones for replay', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    for (let i = 1; i <= 3; i += 1) await a.send({ kind: 'signal', type: 'n', data: i });
    await waitFor(() => b.received('signal').length === 3);
    expect(b.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    // a got connectionCreated(b) as its first event.
    expect(a.events.map((e) => [e.seq, e.evt.kind])).toEqual([[1, 'connectionCreated']]);
  });

  it('resumes inside the grace with the same connection id and replays exactly what the client had not processed', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    for (let i = 1; i <= 3; i += 1) await a.send({ kind: 'signal', type: 'n', data: i });
    await waitFor(() => b.received('signal').length === 3);
    b.ack(2);
    const joinedB = b.joined ?? expect.fail();
    b.drop();
    await delay(100);
    // Sent while b is away: buffered for it; nobody is told that b is gone.
    for (let i = 4; i <= 5; i += 1) await a.send({ kind: 'signal', type: 'n', data: i });
    expect(a.received('connectionDestroyed')).toEqual([]);

    const back = await t.client();
    const reply = await back.resume(joinedB, 2);
    expect(reply).toEqual({
      ok: true,
      connectionId: joinedB.connectionId,
      lastClientSeq: 0,
      timing: { graceMs: 5000, pingIntervalMs: 300, pingTimeoutMs: 300, holdMs: 35_000 },
      node: t.server.node,
      // The client's address as the server sees the socket (a handoff shows as a new one).
      address: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/),
    });
    await waitFor(() => back.events.length === 3);
    expect(back.events.map((e) => [e.seq, e.evt.kind === 'signal' && e.evt.data])).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    // Live again: new events continue the sequence.
    await a.send({ kind: 'signal', type: 'n', data: 6 });
    await waitFor(() => back.events.length === 4);
    expect(back.events.at(-1)).toMatchObject({ seq: 6, evt: { data: 6 } });
    expect(a.received('connectionDestroyed')).toEqual([]);
    const description = await t.rest<{ connections: { connectionId: string }[] }>(
      'GET',
      '/api/sessions/room',
    );
    expect(description.body.connections.map((c) => c.connectionId)).toContain(joinedB.connectionId);
  });

  it('processes each client sequence once: duplicates get the stored reply, gaps are refused, refusals count', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    expect(await a.send({ kind: 'signal', type: 't', data: 'one' }, 1)).toEqual({ ok: true, seq: 1 });
    const refused = await a.send({ kind: 'signal', type: 't', data: 'x', to: ['nobody'] }, 2);
    expect(refused).toMatchObject({ ok: false, seq: 2, error: { code: 'TARGET_NOT_IN_SESSION' } });
    // Duplicates: the same answers again, nothing delivered twice.
    expect(await a.send({ kind: 'signal', type: 't', data: 'one' }, 1)).toEqual({ ok: true, seq: 1 });
    expect(await a.send({ kind: 'signal', type: 't', data: 'x', to: ['nobody'] }, 2)).toEqual(refused);
    // A gap does not advance.
    expect(await a.send({ kind: 'signal', type: 't', data: 'gap' }, 5)).toMatchObject({
      ok: false,
      seq: 5,
      error: { code: 'MESSAGE_MALFORMED' },
    });
    expect(await a.send({ kind: 'signal', type: 't', data: 'three' }, 3)).toEqual({ ok: true, seq: 3 });
    await waitFor(() => b.received('signal').length === 2);
    await delay(100);
    expect(b.received('signal').map((s) => s.kind === 'signal' && s.data)).toEqual(['one', 'three']);
  });

  it('after a resume, lastClientSeq tells the client what to resend; a resent duplicate is answered with the stored reply', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    await a.send({ kind: 'signal', type: 't', data: 1 });
    await a.send({ kind: 'signal', type: 't', data: 2, to: ['ghost'] });
    const joinedA = a.joined ?? expect.fail();
    a.drop();
    const back = await t.client();
    const reply = await back.resume(joinedA, 0);
    expect(reply).toMatchObject({ ok: true, lastClientSeq: 2 });
    // The client did not see the reply to 2 before the drop: it resends 2, then continues with 3.
    expect(await back.send({ kind: 'signal', type: 't', data: 2, to: ['ghost'] }, 2)).toMatchObject({
      ok: false,
      seq: 2,
      error: { code: 'TARGET_NOT_IN_SESSION' },
    });
    back.continueAt(3);
    expect(await back.send({ kind: 'signal', type: 't', data: 3 })).toEqual({ ok: true, seq: 3 });
    await waitFor(() => b.received('signal').length === 2);
    await delay(100);
    expect(b.received('signal').map((s) => s.kind === 'signal' && s.data)).toEqual([1, 3]);
    // a's own events (connectionCreated of b) are replayed after lastSeq 0.
    await waitFor(() => back.events.length === 1);
    expect(back.events[0]).toMatchObject({ seq: 1, evt: { kind: 'connectionCreated' } });
  });

  it('a resume while the server still thinks the old socket is alive drops the old socket', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    const back = await t.client();
    expect(await back.resume(a.joined ?? expect.fail(), 1)).toMatchObject({ ok: true });
    expect(await a.waitForDisconnect()).toBe('io server disconnect');
    await b.send({ kind: 'signal', type: 't', data: 'to the new socket' });
    await back.waitForEvent('signal');
    await delay(100);
    expect(a.received('signal')).toEqual([]);
    expect(b.received('connectionDestroyed')).toEqual([]);
  });

  it('refuses a resume with a wrong secret (RESUME_SECRET_INVALID) or an unknown id (CONNECTION_NOT_FOUND), always with node', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    const joinedA = a.joined ?? expect.fail();
    a.drop();
    const wrong = await (await t.client()).resume(joinedA, 0, 'not-the-secret');
    expect(wrong).toMatchObject({ ok: false, error: { code: 'RESUME_SECRET_INVALID' }, node: t.server.node });
    const unknown = await (await t.client()).resume({ ...joinedA, connectionId: 'c_unknown' }, 0);
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'CONNECTION_NOT_FOUND' },
      node: t.server.node,
    });
    // A wrong secret does not end the connection: the right one still resumes.
    expect(await (await t.client()).resume(joinedA, 0)).toMatchObject({ ok: true });
  });

  it('trims acknowledged events: a resume after an ack replays only what follows', async () => {
    const t = await TestServer.start({ graceMs: 5000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    for (let i = 1; i <= 4; i += 1) await a.send({ kind: 'signal', type: 'n', data: i });
    await waitFor(() => b.received('signal').length === 4);
    b.ack(4);
    await delay(50);
    b.drop();
    const back = await t.client();
    // Even a client claiming less than it acked gets nothing the server already forgot.
    expect(await back.resume(b.joined ?? expect.fail(), 0)).toMatchObject({ ok: true });
    await a.send({ kind: 'signal', type: 'n', data: 5 });
    await back.waitForEvent('signal');
    expect(back.events.map((e) => e.seq)).toEqual([5]);
  });
});
