import { describe, expect, it } from 'vitest';
import { HoldfastError } from '../../../src/core/errors';
import { joined, sessionHarness } from './support/harness';

describe('session: giving up', () => {
  it('with no server reachable, retries until grace + 10 s, then ends with networkDisconnect and stops', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    const lostAt = h.clock.now();
    await h.clock.advance(21_999);
    expect(h.session.state.status).toBe('reconnecting');
    await h.clock.advance(1);
    expect(h.session.state).toMatchObject({
      status: 'disconnected',
      reason: 'networkDisconnect',
      error: null,
    });
    expect(h.of('sessionDisconnected')).toEqual([{ reason: 'networkDisconnect', error: null }]);

    const gaps = h.server.openedAt
      .slice(1)
      .map((at) => at - lostAt)
      .map((at, i, all) => at - (all[i - 1] ?? 0));
    const inGrace = h.server.openedAt.slice(1).filter((at) => at - lostAt < 12_000).length;
    expect(gaps.slice(1, inGrace).every((gap) => gap > 0 && gap <= 1_000)).toBe(true);
    expect(gaps.slice(inGrace).every((gap) => gap <= 5_000)).toBe(true);
    expect(gaps.slice(inGrace).some((gap) => gap > 1_000)).toBe(true);

    const sockets = h.server.sockets.length;
    await h.clock.advance(120_000);
    expect(h.server.sockets.length).toBe(sockets);
    expect(h.clock.pending).toBe(0);
  });

  it('giveUpAfterMs overrides the default budget', async () => {
    const h = sessionHarness({ reconnect: { giveUpAfterMs: 4_000 } });
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    await h.clock.advance(4_000);
    expect(h.session.state).toMatchObject({ status: 'disconnected', reason: 'networkDisconnect' });
  });

  it('uses the grace the server announced at join for the budget', async () => {
    const h = sessionHarness();
    h.server.graceMs = 3_000;
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    expect(h.session.state).toMatchObject({ status: 'reconnecting', giveUpAt: h.clock.now() + 13_000 });
    await h.clock.advance(13_000);
    expect(h.session.state.status).toBe('disconnected');
  });

  it('keeps resuming as long as the server said it may hold the place (a loaded server stretches its grace)', async () => {
    const h = sessionHarness();
    h.server.holdMs = 42_000;
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    const lostAt = h.clock.now();
    expect(h.session.state).toMatchObject({ status: 'reconnecting', giveUpAt: lostAt + 42_000 });
    // Past the grace + 10 s of a server that stretches nothing, still trying.
    await h.clock.advance(30_000);
    expect(h.session.state.status).toBe('reconnecting');
    // The server answers again (this fake one did not stretch its 12 s grace): the client learns it was
    // evicted from that answer, not from giving up.
    h.server.mode = 'up';
    await h.clock.advance(6_000);
    expect(h.session.state).toMatchObject({
      status: 'disconnected',
      reason: 'networkDisconnect',
      error: { code: 'CONNECTION_EVICTED' },
    });
  });

  it('a hold shorter than the grace + 10 s changes nothing; giveUpAfterMs still overrides a hold', async () => {
    const short = sessionHarness();
    short.server.holdMs = 15_000;
    await joined(short);
    short.server.mode = 'down';
    short.server.heartbeatTimeout();
    expect(short.session.state).toMatchObject({ giveUpAt: short.clock.now() + 22_000 });
    const set = sessionHarness({ reconnect: { giveUpAfterMs: 4_000 } });
    set.server.holdMs = 42_000;
    await joined(set);
    set.server.mode = 'down';
    set.server.heartbeatTimeout();
    await set.clock.advance(4_000);
    expect(set.session.state).toMatchObject({ status: 'disconnected', reason: 'networkDisconnect' });
  });

  it('a first join with no server retries with backoff, then rejects SIGNALING_UNREACHABLE and returns to idle', async () => {
    const h = sessionHarness();
    h.server.mode = 'down';
    const join = h.session.join().catch((e: unknown) => e);
    await h.clock.advance(21_000);
    expect(h.session.state.status).toBe('connecting');
    expect(h.server.sockets.length).toBeGreaterThan(10);
    await h.clock.advance(1_000);
    const error = await join;
    expect(error).toBeInstanceOf(HoldfastError);
    expect((error as HoldfastError).code).toBe('SIGNALING_UNREACHABLE');
    expect(h.session.state).toEqual({
      status: 'idle',
      joinFailure: {
        error: { code: 'SIGNALING_UNREACHABLE', message: expect.any(String) },
        at: h.clock.now(),
      },
    });
    expect(h.names()).toEqual([]);
    expect(h.tokens).toHaveLength(1);
  });

  it('a first join that finds the server later succeeds', async () => {
    const h = sessionHarness();
    h.server.mode = 'down';
    const join = h.session.join();
    await h.clock.advance(3_000);
    h.server.mode = 'up';
    await h.clock.advance(1_000);
    await join;
    expect(h.session.state.status).toBe('connected');
    expect(h.names()).toEqual(['connected']);
  });
});
