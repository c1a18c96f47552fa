import { describe, expect, it } from 'vitest';
import { joined, sessionHarness } from './support/harness';

async function waitingForRetry(h: ReturnType<typeof sessionHarness>) {
  await joined(h);
  h.server.mode = 'down';
  h.server.heartbeatTimeout();
  await h.clock.advance(3_000);
  const state = h.session.state;
  if (state.status !== 'reconnecting' || state.nextRetryAt === null)
    throw new Error('not waiting for a retry');
  h.server.mode = 'up';
  return { sockets: h.server.sockets.length, nextRetryAt: state.nextRetryAt };
}

describe('session: immediate retries', () => {
  it('the device coming back online retries at once, without waiting for the backoff', async () => {
    const h = sessionHarness();
    const { sockets } = await waitingForRetry(h);
    h.environment.goOnline();
    expect(h.server.sockets.length).toBe(sockets + 1);
    await h.clock.advance(0);
    expect(h.session.state.status).toBe('connected');
    expect(h.of('reconnected')).toHaveLength(1);
  });

  it('the page becoming visible retries at once', async () => {
    const h = sessionHarness();
    const { sockets } = await waitingForRetry(h);
    h.environment.becomeVisible();
    expect(h.server.sockets.length).toBe(sockets + 1);
    await h.clock.advance(0);
    expect(h.session.state.status).toBe('connected');
  });

  it('reconnectNow retries at once', async () => {
    const h = sessionHarness();
    const { sockets } = await waitingForRetry(h);
    h.session.reconnectNow();
    expect(h.server.sockets.length).toBe(sockets + 1);
    await h.clock.advance(0);
    expect(h.session.state.status).toBe('connected');
  });

  it('without a trigger, the retry waits for its backoff time', async () => {
    const h = sessionHarness();
    const { sockets, nextRetryAt } = await waitingForRetry(h);
    await h.clock.advance(nextRetryAt - h.clock.now() - 1);
    expect(h.server.sockets.length).toBe(sockets);
    await h.clock.advance(1);
    expect(h.server.sockets.length).toBe(sockets + 1);
  });

  it('online and visible do nothing while connected or idle', async () => {
    const h = sessionHarness();
    h.environment.goOnline();
    expect(h.server.sockets).toHaveLength(0);
    await joined(h);
    h.environment.goOnline();
    h.environment.becomeVisible();
    h.session.reconnectNow();
    expect(h.server.sockets).toHaveLength(1);
    expect(h.session.state.status).toBe('connected');
  });

  it('after a successful resume the backoff starts over from the initial delay', async () => {
    const h = sessionHarness({ random: [0] });
    await waitingForRetry(h);
    h.session.reconnectNow();
    await h.clock.advance(0);
    expect(h.session.state.status).toBe('connected');
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    await h.clock.advance(0);
    expect(h.session.state).toMatchObject({
      status: 'reconnecting',
      attempt: 2,
      nextRetryAt: h.clock.now() + 250,
    });
  });
});
