import { describe, expect, it } from 'vitest';
import { HoldfastError } from '../../../src/core/errors';
import { joined, sessionHarness } from './support/harness';

describe('session: app signals and participants', () => {
  it('signal() resolves on the server ok and reaches the recipient', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    await h.session.signal({ type: 'chat', data: 'hi', to: [bob] });
    expect(h.server.eventsFor(bob).at(-1)).toEqual({
      kind: 'signal',
      from: h.session.connectionId,
      type: 'chat',
      data: 'hi',
    });
  });

  it('a refused signal rejects with the protocol code and emits exception SIGNAL_REJECTED', async () => {
    const h = sessionHarness();
    await joined(h);
    const error = await h.session.signal({ type: 'chat', to: ['nobody'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HoldfastError);
    expect(error).toMatchObject({ code: 'TARGET_NOT_IN_SESSION' });
    expect(h.of('exception')).toEqual([
      {
        name: 'SIGNAL_REJECTED',
        message: 'unknown recipient',
        origin: null,
        error: { code: 'TARGET_NOT_IN_SESSION', message: 'unknown recipient' },
      },
    ]);
  });

  it('a refused signal does not hold back the ones after it', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    h.server.rejectMessage = (msg) =>
      msg.kind === 'signal' && msg.type === 'bad' ? { code: 'FORBIDDEN', message: 'no' } : null;
    const results = await Promise.allSettled([
      h.session.signal({ type: 'a', to: [bob] }),
      h.session.signal({ type: 'bad', to: [bob] }),
      h.session.signal({ type: 'c', to: [bob] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('signal() before join rejects with NOT_JOINED', async () => {
    const h = sessionHarness();
    await expect(h.session.signal({ type: 'x' })).rejects.toMatchObject({ code: 'NOT_JOINED' });
  });

  it('signals sent while the first join is in flight go out once joined', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    const join = h.session.join();
    const sent = h.session.signal({ type: 'early' });
    await h.clock.advance(0);
    await Promise.all([join, sent]);
    expect(h.server.eventsFor(bob).filter((e) => e.kind === 'signal')).toHaveLength(1);
  });

  it('an incoming signal names its sender; one from the app backend has from null', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    h.server.signalFrom(bob, 'hello', { n: 1 }, [me]);
    h.server.push(me, { kind: 'signal', from: null, type: 'backend', data: 'x' });
    await h.clock.advance(0);
    expect(h.of('signal')).toEqual([
      {
        type: 'hello',
        data: { n: 1 },
        from: expect.objectContaining({ identity: 'bob', connectionId: bob }),
      },
      { type: 'backend', data: 'x', from: null },
    ]);
  });

  it('a participant re-joining with the same identity replaces its entry instead of adding a ghost', async () => {
    const h = sessionHarness();
    const bob1 = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    const bob2 = 'c99';
    h.server.push(me, {
      kind: 'connectionCreated',
      connection: { connectionId: bob2, identity: 'bob', role: 'publisher', data: '', createdAt: 1 },
      replaces: bob1,
    });
    h.server.push(me, {
      kind: 'connectionDestroyed',
      connectionId: bob1,
      identity: 'bob',
      reason: 'networkDisconnect',
    });
    await h.clock.advance(0);
    expect([...h.session.participants.values()].map((p) => p.connectionId)).toEqual([bob2]);
    expect(h.of('connectionCreated').at(-1)).toMatchObject({
      connection: { connectionId: bob2 },
      replaces: bob1,
    });
    expect(h.of('connectionDestroyed')).toEqual([]);
    const joinedCalls = h.media().calls.filter((c) => c.method === 'onParticipantJoined');
    expect(joinedCalls.at(-1)?.args).toEqual([expect.objectContaining({ connectionId: bob2 }), bob1]);
  });

  it('connectionDestroyed removes the participant, tells the media plane, and carries the reason', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    h.server.push(h.session.connectionId as string, {
      kind: 'connectionDestroyed',
      connectionId: bob,
      identity: 'bob',
      reason: 'networkDisconnect',
    });
    await h.clock.advance(0);
    expect(h.session.participants.size).toBe(0);
    expect(h.of('connectionDestroyed')).toEqual([
      { connection: expect.objectContaining({ identity: 'bob' }), reason: 'networkDisconnect' },
    ]);
    expect(h.media().methods).toContain('onParticipantLeft');
  });

  it('forwards sessionNotification to listeners', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.push(h.session.connectionId as string, {
      kind: 'sessionNotification',
      reason: 'serverRotation',
      deadline: 42,
    });
    await h.clock.advance(0);
    expect(h.of('sessionNotification')).toEqual([{ reason: 'serverRotation', deadline: 42 }]);
  });
});
