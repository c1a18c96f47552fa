import { describe, expect, it } from 'vitest';
import { joined, sessionHarness } from './support/harness';

describe('session: signaling drop and resume', () => {
  it('joins, then resumes with the same connection id after a drop, nothing re-created', async () => {
    const h = sessionHarness();
    await joined(h);
    const connectionId = h.session.connectionId;
    expect(h.session.state).toMatchObject({ status: 'connected', connectionId });

    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    expect(h.session.state).toMatchObject({ status: 'reconnecting', connectionId, attempt: 1 });

    await h.clock.advance(5_000);
    h.server.mode = 'up';
    h.session.reconnectNow();
    await h.clock.advance(0);

    expect(h.session.state).toMatchObject({ status: 'connected', connectionId });
    expect(h.names()).toEqual(['connected', 'reconnecting', 'reconnected']);
    expect(h.of('reconnected')[0]).toMatchObject({ connectionId });
    expect(h.server.connectionIds()).toEqual([connectionId]);
    expect(h.media().methods).toEqual(['onJoined', 'onSignalingLost', 'onSignalingRestored']);
  });
});
