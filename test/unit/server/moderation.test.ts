import { describe, expect, it } from 'vitest';
import { delay } from '../../support/wait';
import { CAMERA, TestServer } from './harness';

describe('moderators', { timeout: 20_000 }, () => {
  it('a moderator force-disconnects a participant: it gets forceDisconnectByUser, the others see it leave', async () => {
    const t = await TestServer.start();
    const mod = await t.member('room', 'mod', { role: 'moderator' });
    const pat = await t.member('room', 'pat');
    const other = await t.member('room', 'other');
    await pat.send({ kind: 'publish', streamId: 'pat-cam', properties: CAMERA });
    await other.waitForEvent('streamCreated');

    expect(await mod.send({ kind: 'forceDisconnect', connectionId: pat.connectionId })).toMatchObject({
      ok: true,
    });
    expect(await pat.waitForEvent('sessionDisconnected')).toEqual({
      kind: 'sessionDisconnected',
      reason: 'forceDisconnectByUser',
    });
    expect(await pat.waitForDisconnect()).toBe('io server disconnect');
    for (const watcher of [mod, other]) {
      expect(await watcher.waitForEvent('connectionDestroyed')).toEqual({
        kind: 'connectionDestroyed',
        connectionId: pat.connectionId,
        identity: 'pat',
        reason: 'forceDisconnectByUser',
      });
    }
    expect(other.received('streamDestroyed')).toEqual([
      {
        kind: 'streamDestroyed',
        streamId: 'pat-cam',
        connectionId: pat.connectionId,
        reason: 'forceDisconnectByUser',
      },
    ]);
    const description = await t.rest<{ connections: { identity: string }[] }>('GET', '/api/sessions/room');
    expect(description.body.connections.map((c) => c.identity)).toEqual(['mod', 'other']);
  });

  it('a publisher or subscriber may not force-disconnect: FORBIDDEN, and nobody is removed', async () => {
    const t = await TestServer.start();
    const mod = await t.member('room', 'mod', { role: 'moderator' });
    const pub = await t.member('room', 'pub');
    const sub = await t.member('room', 'sub', { role: 'subscriber' });
    for (const [from, target] of [
      [pub, mod],
      [sub, pub],
    ] as const) {
      expect(await from.send({ kind: 'forceDisconnect', connectionId: target.connectionId })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    await delay(200);
    for (const member of [mod, pub, sub]) {
      expect(member.received('sessionDisconnected')).toEqual([]);
      expect(member.received('connectionDestroyed')).toEqual([]);
      expect(member.socket.connected).toBe(true);
    }
  });

  it('a moderator targeting nobody in the session gets TARGET_NOT_IN_SESSION', async () => {
    const t = await TestServer.start();
    const mod = await t.member('room', 'mod', { role: 'moderator' });
    const elsewhere = await t.member('other-room', 'x');
    expect(await mod.send({ kind: 'forceDisconnect', connectionId: elsewhere.connectionId })).toMatchObject({
      ok: false,
      error: { code: 'TARGET_NOT_IN_SESSION' },
    });
    expect(elsewhere.socket.connected).toBe(true);
  });
});
