import { describe, expect, it } from 'vitest';
import type { HoldfastError } from '../../../src/core/errors';
import { joined, sessionHarness } from './support/harness';

describe('session: leave', () => {
  it('leave while connected tells the server (others see disconnect) and ends with sessionDisconnected disconnect', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    const left = h.session.leave();
    expect(h.session.state).toMatchObject({ status: 'disconnected', reason: 'disconnect' });
    await h.clock.advance(0);
    await left;
    expect(h.of('sessionDisconnected')).toEqual([{ reason: 'disconnect', error: null }]);
    expect(h.server.eventsFor(bob)).toContainEqual({
      kind: 'connectionDestroyed',
      connectionId: me,
      identity: 'alice',
      reason: 'disconnect',
    });
    expect(h.server.lastSocket?.closed).toBe(true);
    expect(h.media().calls.at(-1)).toEqual({
      method: 'close',
      args: ['disconnect'],
    });
  });

  it('messages sent before leave are still delivered (the leave message queues behind them)', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const sent = h.session.signal({ type: 'bye-soon', to: [bob] });
    const left = h.session.leave();
    await h.clock.advance(0);
    await Promise.all([sent, left]);
    expect(h.server.processed.map((p) => p.msg.kind)).toEqual(['signal', 'leave']);
  });

  it('leave does not wait more than a second for a silent server', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.mode = 'blackhole';
    let done = false;
    const left = h.session.leave().then(() => {
      done = true;
    });
    await h.clock.advance(999);
    expect(done).toBe(false);
    await h.clock.advance(1);
    await left;
    expect(done).toBe(true);
    expect(h.server.lastSocket?.closed).toBe(true);
  });

  it('leave during reconnecting wins: disconnect at once, the attempt in flight is abandoned, no retry follows', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    await h.clock.advance(500);
    const inFlight = h.server.lastSocket;
    const queued = h.session.signal({ type: 'never' }).catch((e: unknown) => (e as HoldfastError).code);
    await h.session.leave();
    expect(h.session.state).toMatchObject({ status: 'disconnected', reason: 'disconnect' });
    expect(h.names()).toEqual(['connected', 'reconnecting', 'sessionDisconnected']);
    expect(inFlight?.closed).toBe(true);
    expect(await queued).toBe('SESSION_ENDED');

    h.server.mode = 'up';
    const sockets = h.server.sockets.length;
    await h.clock.advance(60_000);
    expect(h.server.sockets.length).toBe(sockets);
    expect(h.session.state.status).toBe('disconnected');
    expect(h.clock.pending).toBe(0);
  });

  it('leave during the first join rejects join() with JOIN_ABORTED and returns to idle', async () => {
    const h = sessionHarness();
    h.server.mode = 'blackhole';
    const join = h.session.join().catch((e: unknown) => (e as HoldfastError).code);
    await h.clock.advance(100);
    await h.session.leave();
    expect(await join).toBe('JOIN_ABORTED');
    expect(h.session.state).toEqual({ status: 'idle' });
    expect(h.names()).toEqual([]);
  });

  it('can join again after leaving, as a new connection', async () => {
    const h = sessionHarness();
    await joined(h);
    const first = h.session.connectionId;
    await h.session.leave();
    await joined(h);
    expect(h.session.state.status).toBe('connected');
    expect(h.session.connectionId).not.toBe(first);
    expect(h.server.connectionIds()).toEqual([h.session.connectionId]);
  });

  it('listens to online/visibility/pagehide only while a member: nothing before join, nothing after leave', async () => {
    const h = sessionHarness();
    expect(h.environment.listenerCount).toBe(0);
    await joined(h);
    expect(h.environment.listenerCount).toBe(3);
    await h.session.leave();
    expect(h.environment.listenerCount).toBe(0);
    h.server.refuseJoin = 'SESSION_CLOSED';
    await h.session.join().catch(() => {});
    expect(h.environment.listenerCount).toBe(0);
  });

  it('the page going away (pagehide) leaves: the leave message is on the socket before the handler returns, and the others see disconnect', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    const socket = h.server.lastSocket;
    h.environment.hidePage();
    // The page unloads right after its pagehide handlers: nothing later than this may be needed.
    expect(JSON.stringify(socket?.sent.at(-1)?.payload)).toContain('"kind":"leave"');
    expect(h.session.state).toMatchObject({ status: 'disconnected', reason: 'disconnect' });
    await h.clock.advance(0);
    expect(h.server.eventsFor(bob)).toContainEqual({
      kind: 'connectionDestroyed',
      connectionId: me,
      identity: 'alice',
      reason: 'disconnect',
    });
    expect(h.environment.listenerCount).toBe(0);
  });

  it('with leaveOnPageHide false, the page going away leaves nothing (the server holds the place for its grace)', async () => {
    const h = sessionHarness({ leaveOnPageHide: false });
    await joined(h);
    expect(h.environment.listenerCount).toBe(2);
    h.environment.hidePage();
    await h.clock.advance(0);
    expect(h.session.state.status).toBe('connected');
    expect(h.server.processed.map((p) => p.msg.kind)).not.toContain('leave');
  });

  it('destroy leaves, releases the environment listeners and every timer', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    await h.clock.advance(100);
    expect(h.environment.listenerCount).toBe(3);
    h.session.destroy();
    expect(h.environment.listenerCount).toBe(0);
    expect(h.media().methods.at(-1)).toBe('destroy');
    await h.clock.advance(60_000);
    expect(h.clock.pending).toBe(0);
    await expect(h.session.join()).rejects.toMatchObject({ code: 'SESSION_DESTROYED' });
  });
});
