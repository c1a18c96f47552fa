import { describe, expect, it } from 'vitest';
import type { HoldfastError } from '../../../src/core/errors';
import { joined, sessionHarness } from './support/harness';

describe('session: stale attempts', () => {
  it('an answer that arrives after leave() is dropped: no connected, state stays idle', async () => {
    const h = sessionHarness();
    h.server.lateReplies = true;
    let requests = 0;
    // The join request is on the wire (the server processes it); the client leaves before the answer.
    h.server.onRequest = (event) => {
      if (event !== 'hf:join') return;
      requests += 1;
      void h.session.leave();
    };
    const join = h.session.join().catch((e: unknown) => (e as HoldfastError).code);
    await h.clock.advance(0);
    expect(requests).toBe(1);
    expect(h.server.connectionIds()).toHaveLength(1);
    expect(await join).toBe('JOIN_ABORTED');
    expect(h.session.state).toEqual({ status: 'idle' });
    expect(h.names()).toEqual([]);
    expect(h.media().methods).toEqual([]);
  });

  it('a token that arrives after leave() opens no socket', async () => {
    const h = sessionHarness();
    const release = h.holdTokens();
    const join = h.session.join().catch((e: unknown) => (e as HoldfastError).code);
    await h.clock.advance(10);
    await h.session.leave();
    release();
    await h.clock.advance(10);
    expect(await join).toBe('JOIN_ABORTED');
    expect(h.server.sockets).toHaveLength(0);
  });

  it('reconnectNow abandons the stuck attempt; only the new one is adopted', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    await h.clock.advance(1_000);
    const stuck = h.server.lastSocket;
    h.server.mode = 'up';
    h.session.reconnectNow();
    await h.clock.advance(0);
    expect(stuck?.closed).toBe(true);
    expect(h.session.state.status).toBe('connected');
    expect(h.of('reconnected')).toHaveLength(1);
    // The abandoned socket connecting late changes nothing.
    stuck?.acceptConnect();
    await h.clock.advance(5_000);
    expect(h.of('reconnected')).toHaveLength(1);
    expect(h.server.sockets.filter((s) => !s.closed)).toHaveLength(1);
  });

  it('a resume answer that arrives after the attempt timed out is dropped, and the retry succeeds', async () => {
    const h = sessionHarness({ reconnect: { attemptTimeoutMs: 1_000 } });
    await joined(h);
    h.server.lateReplies = true;
    h.server.replyDelayMs = 1_500;
    const resumes: number[] = [];
    h.server.onRequest = (event) => {
      if (event === 'hf:resume') resumes.push(h.clock.now());
    };
    h.server.heartbeatTimeout();
    await h.clock.advance(1_000);
    const timedOut = h.server.sockets[1];
    expect(timedOut?.closed).toBe(true);
    expect(h.session.state.status).toBe('reconnecting');
    await h.clock.advance(600);
    // The late answer to the first resume arrived meanwhile and was ignored.
    expect(h.of('reconnected')).toHaveLength(0);
    h.server.replyDelayMs = 0;
    await h.clock.advance(2_000);
    expect(resumes.length).toBeGreaterThanOrEqual(2);
    expect(h.session.state.status).toBe('connected');
    expect(h.of('reconnected')).toHaveLength(1);
  });
});
