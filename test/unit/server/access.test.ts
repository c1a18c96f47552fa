import { describe, expect, it } from 'vitest';
import type { ConnectionTokenResponse, JoinReply } from '../../../src/protocol';
import { delay, waitFor } from '../../support/wait';
import { FakeClock } from './fake-clock';
import { CAMERA, TestServer } from './harness';

const refused = (code: string) => ({ ok: false, error: { code } });

describe('who may join: tokens bind identity, uses and session incarnation; a session has a member cap', {
  timeout: 20_000,
}, () => {
  it('refuses a join that presents another member’s identity (no takeover), and keeps the victim in the call', async () => {
    const t = await TestServer.start();
    const alice = await t.member('room', 'alice');
    const bob = await t.member('room', 'bob');
    const mallory = await t.client();
    const token = await t.token('room', { identity: 'mallory' });

    expect(await mallory.join('room', token, 'alice')).toMatchObject(refused('TOKEN_IDENTITY_MISMATCH'));
    await delay(200);
    expect(alice.received('sessionDisconnected')).toEqual([]);
    expect(alice.socket.connected).toBe(true);
    expect(bob.received('connectionCreated')).toEqual([]);
    // The refusal did not use the token: its holder still joins as itself.
    expect((await mallory.join('room', token, 'mallory')).ok).toBe(true);
    expect(await bob.waitForEvent('connectionCreated')).toMatchObject({
      connection: { identity: 'mallory' },
    });
    expect(bob.received('connectionCreated').some((evt) => 'replaces' in evt)).toBe(false);
  });

  it('a return with the same identity and a fresh token still replaces the old connection', async () => {
    const t = await TestServer.start();
    const first = await t.member('room', 'alice');
    const bob = await t.member('room', 'bob');
    const again = await t.member('room', 'alice');
    expect(again.joined?.replaced).toBe(first.connectionId);
    expect(await first.waitForEvent('sessionDisconnected')).toMatchObject({ reason: 'duplicateIdentity' });
    expect(await bob.waitForEvent('connectionCreated')).toMatchObject({
      replaces: first.connectionId,
      connection: { identity: 'alice', connectionId: again.connectionId },
    });
  });

  it('a token without an identity is bound to one the server assigns, and only that one joins', async () => {
    const t = await TestServer.start();
    await t.session('room');
    const issued = await t.rest<ConnectionTokenResponse>('POST', '/api/sessions/room/connections', {});
    expect(issued.body.identity).toMatch(/^p_/);
    expect(issued.body.maxUses).toBe(1);
    const client = await t.client();
    expect(await client.join('room', issued.body.token, 'someone')).toMatchObject(
      refused('TOKEN_IDENTITY_MISMATCH'),
    );
    expect(await client.join('room', issued.body.token, issued.body.identity)).toMatchObject({
      ok: true,
      identity: issued.body.identity,
    });
  });

  it('one token used by 20 sockets at once admits exactly one join; the others get TOKEN_USED', async () => {
    const t = await TestServer.start();
    await t.session('room');
    const token = await t.token('room', { identity: 'alice' });
    const clients = await Promise.all(Array.from({ length: 20 }, () => t.client()));
    const replies = await Promise.all(clients.map((client) => client.join('room', token, 'alice')));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    const codes = replies.flatMap((reply: JoinReply) => (reply.ok ? [] : [reply.error.code]));
    expect(codes).toEqual(Array.from({ length: 19 }, () => 'TOKEN_USED'));
    const description = await t.rest<{ connections: unknown[] }>('GET', '/api/sessions/room');
    expect(description.body.connections).toHaveLength(1);
  });

  it('a token used once is refused the second time, even after its connection left; maxUses admits more', async () => {
    const t = await TestServer.start();
    await t.session('room');
    const token = await t.token('room', { identity: 'alice' });
    const first = await t.client();
    expect((await first.join('room', token, 'alice')).ok).toBe(true);
    await first.send({ kind: 'leave' });
    expect(await (await t.client()).join('room', token, 'alice')).toMatchObject(refused('TOKEN_USED'));

    const three = await t.token('room', { identity: 'tabs', maxUses: 3 });
    for (let use = 0; use < 3; use += 1)
      expect((await (await t.client()).join('room', three, 'tabs')).ok).toBe(true);
    expect(await (await t.client()).join('room', three, 'tabs')).toMatchObject(refused('TOKEN_USED'));
  });

  it('a resume does not use a token: a single-use token’s connection resumes after a drop', async () => {
    const t = await TestServer.start();
    const alice = await t.member('room', 'alice');
    const joined = alice.joined ?? expect.fail();
    alice.drop();
    await delay(100);
    const back = await t.client();
    expect(await back.resume(joined, 0)).toMatchObject({ ok: true, connectionId: joined.connectionId });
  });

  it('a token issued before DELETE is refused on a session re-created with the same id', async () => {
    const t = await TestServer.start();
    await t.session('room');
    const old = await t.token('room', { identity: 'alice', maxUses: 2 });
    expect((await t.rest('DELETE', '/api/sessions/room')).status).toBe(204);
    await t.session('room');
    expect(await (await t.client()).join('room', old, 'alice')).toMatchObject(
      refused('TOKEN_SESSION_MISMATCH'),
    );
    const fresh = await t.token('room', { identity: 'alice' });
    expect((await (await t.client()).join('room', fresh, 'alice')).ok).toBe(true);
  });

  it('refuses a join beyond the member cap with SESSION_FULL, but lets a member return', async () => {
    const t = await TestServer.start({ maxSessionMembers: 3 });
    const members = [];
    for (const identity of ['a', 'b', 'c']) members.push(await t.member('room', identity));
    const late = await t.client();
    expect(await late.join('room', await t.token('room', { identity: 'd' }), 'd')).toMatchObject(
      refused('SESSION_FULL'),
    );
    // Returning with an identity already there replaces, so it takes no extra place.
    expect((await t.member('room', 'b')).joined?.replaced).toBe(members[1]?.connectionId);
    // A place freed by leaving can be taken.
    await members[0]?.send({ kind: 'leave' });
    expect((await late.join('room', await t.token('room', { identity: 'd' }), 'd')).ok).toBe(true);
  });

  it('the default member cap is 16', async () => {
    const t = await TestServer.start();
    for (let i = 0; i < 16; i += 1) await t.member('room', `m${i}`);
    const extra = await t.client();
    expect(await extra.join('room', await t.token('room', { identity: 'm16' }), 'm16')).toMatchObject(
      refused('SESSION_FULL'),
    );
  });
});

describe('empty sessions expire', { timeout: 20_000 }, () => {
  const status = async (t: TestServer, sessionId: string) =>
    (await t.rest('GET', `/api/sessions/${sessionId}`)).status;

  it('a session nobody joins is closed after 300 s of the injected clock', async () => {
    const clock = new FakeClock();
    const t = await TestServer.start({ clock });
    await t.session('idle');
    clock.advance(299_999);
    expect(await status(t, 'idle')).toBe(200);
    clock.advance(1);
    await waitFor(async () => (await status(t, 'idle')) === 410, { what: 'the idle session to close' });
  });

  it('a session with members never expires; once the last one leaves it expires after the timeout', async () => {
    const clock = new FakeClock();
    const t = await TestServer.start({ clock, emptySessionTtlMs: 60_000 });
    const a = await t.member('room', 'a');
    await a.send({ kind: 'publish', streamId: 'a-cam', properties: CAMERA });
    clock.advance(120_000);
    expect(await status(t, 'room')).toBe(200);
    await a.send({ kind: 'leave' });
    clock.advance(59_999);
    expect(await status(t, 'room')).toBe(200);
    clock.advance(1);
    await waitFor(async () => (await status(t, 'room')) === 410, { what: 'the emptied session to close' });
    // Its id can be used again, as after a DELETE.
    expect((await t.member('room', 'b')).joined?.sessionId).toBe('room');
  });

  it('a member in its grace keeps the session open', async () => {
    const clock = new FakeClock();
    const t = await TestServer.start({ clock, graceMs: 100_000, emptySessionTtlMs: 10_000 });
    const a = await t.member('room', 'a');
    a.drop();
    await delay(100);
    clock.advance(50_000);
    expect(await status(t, 'room')).toBe(200);
  });
});
