import { describe, expect, it } from 'vitest';
import { HoldfastError } from '../../../src/core/errors';
import { joined, sessionHarness } from './support/harness';

describe('session: first join', () => {
  it('joins with a token from getToken and the stable identity, over one socket', async () => {
    const h = sessionHarness({ identity: 'alice' });
    await joined(h);
    expect(h.session.state).toMatchObject({ status: 'connected', connectionId: h.session.connectionId });
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.lastSocket?.sent[0]).toEqual({
      event: 'hf:join',
      payload: { v: 1, sessionId: 'room', token: 'tok-room-1', identity: 'alice', migration: true },
    });
    expect(h.statuses()).toEqual(['connecting', 'connected']);
    expect(h.of('connected')).toEqual([{ connectionId: h.session.connectionId }]);
  });

  it('a refused first join rejects join() with the server code and returns to idle, without sessionDisconnected', async () => {
    const h = sessionHarness();
    h.server.refuseJoin = 'TOKEN_EXPIRED';
    const error = await h.session.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HoldfastError);
    expect(error).toMatchObject({ code: 'TOKEN_EXPIRED', protocolError: { code: 'TOKEN_EXPIRED' } });
    expect(h.session.state).toMatchObject({
      status: 'idle',
      joinFailure: { error: { code: 'TOKEN_EXPIRED' } },
    });
    expect(h.names()).toEqual([]);
    expect(h.server.sockets[0]?.closed).toBe(true);
    await h.clock.advance(60_000);
    expect(h.server.sockets).toHaveLength(1);
  });

  it('a failing getToken rejects join() with TOKEN_FETCH_FAILED and reports an exception', async () => {
    const h = sessionHarness();
    h.failTokens(new Error('401 from the app backend'));
    const join = h.session.join().catch((e: unknown) => e);
    await h.clock.advance(0);
    expect(await join).toMatchObject({ code: 'TOKEN_FETCH_FAILED' });
    expect(h.of('exception')[0]).toMatchObject({
      name: 'TOKEN_FETCH_FAILED',
      message: expect.stringContaining('401'),
    });
    expect(h.session.state).toEqual({
      status: 'idle',
      joinFailure: {
        error: { code: 'TOKEN_FETCH_FAILED', message: 'getToken failed: 401 from the app backend' },
        at: h.clock.now(),
      },
    });
    expect(h.server.sockets).toHaveLength(0);
  });

  it('announces everyone already present with connectionCreated, keyed by identity', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    const carol = h.server.addPeer('carol');
    await joined(h);
    expect(h.of('connectionCreated').map((e) => e.connection.identity)).toEqual(['bob', 'carol']);
    expect([...h.session.participants.keys()]).toEqual(['bob', 'carol']);
    expect(h.session.participants.get('bob')).toMatchObject({ connectionId: bob, isLocal: false });
    expect(h.session.participants.get('carol')?.connectionId).toBe(carol);
    const onJoined = h.media().calls[0];
    expect(onJoined?.method).toBe('onJoined');
    expect(onJoined?.args[0]).toMatchObject({ kind: 'join', connectionId: h.session.connectionId });
  });

  it('join() while joining or joined makes no second connection', async () => {
    const h = sessionHarness();
    const a = h.session.join();
    const b = h.session.join();
    await h.clock.advance(0);
    await Promise.all([a, b, h.session.join()]);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.tokens).toHaveLength(1);
  });

  it('asks getToken for a token for the page’s identity', async () => {
    const h = sessionHarness({ identity: 'alice' });
    await joined(h);
    expect(h.tokenIdentities).toEqual(['alice']);
  });

  it('retries with a fresh token after a join that reached the server unanswered (it may have used the token)', async () => {
    const h = sessionHarness({ identity: 'alice' });
    // The server gets the join but answers after the attempt has timed out (3 s).
    h.server.replyDelayMs = 10_000;
    const join = h.session.join();
    await h.clock.advance(100);
    h.server.replyDelayMs = 0;
    await h.clock.advance(8_000);
    await join;
    const sentTokens = h.server.sockets.flatMap((socket) =>
      socket.sent.filter((e) => e.event === 'hf:join').map((e) => (e.payload as { token: string }).token),
    );
    expect(sentTokens).toEqual(['tok-room-1', 'tok-room-2']);
    expect(h.session.state.status).toBe('connected');
  });

  it('a random identity is drawn from the injected random when none is given', async () => {
    const { createSession } = await import('../../../src/core');
    const make = () =>
      createSession(
        { serverUrl: 'http://x', sessionId: 's', getToken: async () => 't', random: () => 0.1 },
        {
          environment: { onOnline: () => () => {}, onVisible: () => () => {}, onPageHide: () => () => {} },
          mediaPlaneFactory: () => ({}) as never,
        },
      );
    expect(make().identity).toBe(make().identity);
    expect(make().identity).toMatch(/^hf-[0-9a-z]{12}$/);
  });
});
