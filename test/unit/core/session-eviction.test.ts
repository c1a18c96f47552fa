import { describe, expect, it } from 'vitest';
import { HoldfastError } from '../../../src/core/errors';
import { joined, sessionHarness } from './support/harness';

describe('session: back after eviction', () => {
  it('a resume refused as evicted ends with sessionDisconnected networkDisconnect and stops every retry', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    await h.clock.advance(15_000);
    expect(h.server.eventsFor(bob)).toContainEqual({
      kind: 'connectionDestroyed',
      connectionId: me,
      identity: 'alice',
      reason: 'networkDisconnect',
    });
    expect(h.session.state.status).toBe('reconnecting');

    h.server.mode = 'up';
    // Past the grace, retries are spaced by the large cap; the next one (≤ 5 s away) is refused.
    await h.clock.advance(6_500);
    expect(h.session.state).toMatchObject({
      status: 'disconnected',
      reason: 'networkDisconnect',
      error: { code: 'CONNECTION_EVICTED' },
    });
    expect(h.names()).toEqual(['connectionCreated', 'connected', 'reconnecting', 'sessionDisconnected']);
    expect(h.of('sessionDisconnected')[0]).toMatchObject({
      reason: 'networkDisconnect',
      error: { code: 'CONNECTION_EVICTED' },
    });
    const close = h.media().calls.find((c) => c.method === 'close');
    expect(close?.args).toEqual(['networkDisconnect']);

    const socketsAtEnd = h.server.sockets.length;
    await h.clock.advance(120_000);
    expect(h.server.sockets.length).toBe(socketsAtEnd);
    expect(h.clock.pending).toBe(0);
    expect(h.session.participants.size).toBe(0);
  });

  it('the local stream is destroyed (media close) before sessionDisconnected is emitted', async () => {
    const h = sessionHarness();
    await joined(h);
    const order: string[] = [];
    h.session.on('sessionDisconnected', () => order.push('sessionDisconnected'));
    const plane = h.media();
    const close = plane.close.bind(plane);
    plane.close = (...args) => {
      order.push('mediaClose');
      close(...args);
    };
    h.server.evict(h.session.connectionId as string);
    await h.clock.advance(1_000);
    expect(order).toEqual(['mediaClose', 'sessionDisconnected']);
  });

  it('signals still queued when the session ends are rejected with SESSION_ENDED', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    const pending = h.session.signal({ type: 'late', to: [bob] }).catch((e: unknown) => e);
    h.server.evict(h.session.connectionId as string);
    h.server.mode = 'up';
    await h.clock.advance(5_000);
    const error = await pending;
    expect(error).toBeInstanceOf(HoldfastError);
    expect((error as HoldfastError).code).toBe('SESSION_ENDED');
  });
});
