import { describe, expect, it } from 'vitest';
import type { JoinKind } from '../../../src/core/media/media-plane';
import { joined, sessionHarness } from './support/harness';

describe('session: node crash and server-side endings', () => {
  it('a restarted node (new bootId, connection unknown) leads to rejoining, a new token, and rejoined with the same identity', async () => {
    const h = sessionHarness();
    h.server.addPeer('bob');
    await joined(h);
    const first = h.session.connectionId;

    h.server.restart();
    expect(h.session.state.status).toBe('reconnecting');
    await h.clock.advance(2_000);

    expect(h.session.state).toMatchObject({ status: 'connected' });
    expect(h.session.connectionId).not.toBe(first);
    expect(h.names()).toEqual(['connectionCreated', 'connected', 'reconnecting', 'rejoining', 'rejoined']);
    expect(h.of('rejoining')[0]).toEqual({ cause: 'nodeCrashed', previousConnectionId: first });
    expect(h.of('rejoined')[0]).toMatchObject({
      connectionId: h.session.connectionId,
      previousConnectionId: first,
    });
    expect(h.tokens).toHaveLength(2);
    expect(h.server.lastSocket?.sent.find((s) => s.event === 'hf:join')?.payload).toMatchObject({
      identity: 'alice',
      sessionId: 'room',
    });
    const media = h.media();
    expect(media.methods).toEqual(['onJoined', 'onSignalingLost', 'onRejoining', 'onJoined']);
    expect(media.calls[2]?.args).toEqual(['nodeCrashed']);
    expect(media.calls[3]?.args[0]).toMatchObject({ kind: 'rejoin' satisfies JoinKind });
  });

  it('after a re-join as the first one back, the others are held: one coming back is reported with replaces, one not back within the grace is destroyed with nodeCrashed', async () => {
    const h = sessionHarness();
    const bobBefore = h.server.addPeer('bob');
    const carolBefore = h.server.addPeer('carol');
    await joined(h);
    h.server.restart();
    await h.clock.advance(2_000);
    expect(h.session.state.status).toBe('connected');
    // Alone on the restarted server: bob and carol are kept, nobody is destroyed.
    expect([...h.session.participants.keys()]).toEqual(['bob', 'carol']);
    expect(h.of('connectionDestroyed')).toEqual([]);

    const bobAfter = h.server.addPeer('bob');
    await h.clock.advance(0);
    expect(h.of('connectionCreated').at(-1)).toEqual({
      connection: expect.objectContaining({ identity: 'bob', connectionId: bobAfter }),
      replaces: bobBefore,
    });
    expect(h.media().calls.at(-1)).toEqual({
      method: 'onParticipantJoined',
      args: [expect.objectContaining({ connectionId: bobAfter }), bobBefore],
    });

    await h.clock.advance(12_000);
    expect(h.of('connectionDestroyed')).toEqual([
      {
        connection: expect.objectContaining({ identity: 'carol', connectionId: carolBefore }),
        reason: 'nodeCrashed',
      },
    ]);
    expect([...h.session.participants.keys()]).toEqual(['bob']);
    expect(h.media().methods.slice(-2)).toEqual(['onParticipantLeft', 'releaseHeld']);
    expect(h.media().calls.at(-2)?.args).toEqual([
      expect.objectContaining({ identity: 'carol', connectionId: carolBefore }),
      'nodeCrashed',
    ]);
  });

  it('leaving while others are held ends the wait: nothing is released afterwards', async () => {
    const h = sessionHarness();
    h.server.addPeer('bob');
    await joined(h);
    h.server.restart();
    await h.clock.advance(2_000);
    await h.session.leave();
    await h.clock.advance(30_000);
    expect(h.media().methods).not.toContain('releaseHeld');
    expect(h.of('connectionDestroyed')).toEqual([]);
  });

  it('after a re-join, participants keep their identity and a queued signal follows its recipient to the new connection', async () => {
    const h = sessionHarness();
    const bobBefore = h.server.addPeer('bob');
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    const sent = h.session.signal({ type: 'hello-bob', to: [bobBefore] });
    h.server.mode = 'up';
    h.server.restart();
    const bobAfter = h.server.addPeer('bob');
    await h.clock.advance(5_000);
    await sent;

    expect(h.session.state.status).toBe('connected');
    expect([...h.session.participants.keys()]).toEqual(['bob']);
    expect(h.session.participants.get('bob')?.connectionId).toBe(bobAfter);
    expect(h.of('connectionCreated').at(-1)).toEqual({
      connection: expect.objectContaining({ identity: 'bob', connectionId: bobAfter }),
      replaces: bobBefore,
    });
    const delivered = h.server.eventsFor(bobAfter).filter((e) => e.kind === 'signal');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ type: 'hello-bob', from: h.session.connectionId });
  });

  it('a server-sent sessionDisconnected nodeCrashed re-joins at once', async () => {
    const h = sessionHarness();
    await joined(h);
    const first = h.session.connectionId as string;
    h.server.end(first, 'nodeCrashed');
    await h.clock.advance(0);
    expect(h.names()).toEqual(['connected', 'rejoining', 'rejoined']);
    expect(h.session.connectionId).not.toBe(first);
    expect(h.statuses()).toEqual(['connecting', 'connected', 'rejoining', 'connected']);
  });

  it('a server-sent sessionDisconnected serverRotation re-joins with cause serverRotation', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.end(h.session.connectionId as string, 'serverRotation');
    await h.clock.advance(0);
    expect(h.of('rejoining')[0]?.cause).toBe('serverRotation');
    expect(h.session.state.status).toBe('connected');
  });

  it('a refused re-join ends with sessionDisconnected nodeCrashed and the error', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.restart();
    h.server.sessionExists = false;
    await h.clock.advance(2_000);
    expect(h.session.state).toMatchObject({
      status: 'disconnected',
      reason: 'nodeCrashed',
      error: { code: 'SESSION_NOT_FOUND' },
    });
    expect(h.of('sessionDisconnected')).toEqual([
      { reason: 'nodeCrashed', error: { code: 'SESSION_NOT_FOUND', message: 'SESSION_NOT_FOUND' } },
    ]);
    const sockets = h.server.sockets.length;
    await h.clock.advance(60_000);
    expect(h.server.sockets.length).toBe(sockets);
  });

  it('a failing getToken during a re-join is reported and retried', async () => {
    const h = sessionHarness();
    await joined(h);
    h.failTokens(new Error('backend down'));
    h.server.end(h.session.connectionId as string, 'nodeCrashed');
    await h.clock.advance(100);
    expect(h.of('exception')[0]).toMatchObject({ name: 'TOKEN_FETCH_FAILED' });
    expect(h.session.state.status).toBe('rejoining');
    h.failTokens(null);
    await h.clock.advance(2_000);
    expect(h.session.state.status).toBe('connected');
    expect(h.names().at(-1)).toBe('rejoined');
  });

  it.each(['sessionClosedByServer', 'forceDisconnectByServer'] as const)(
    'a server-sent %s ends the session without retrying',
    async (reason) => {
      const h = sessionHarness();
      await joined(h);
      h.server.end(h.session.connectionId as string, reason);
      await h.clock.advance(30_000);
      expect(h.session.state).toMatchObject({ status: 'disconnected', reason });
      expect(h.names()).toEqual(['connected', 'sessionDisconnected']);
      expect(h.server.sockets).toHaveLength(1);
    },
  );
});
