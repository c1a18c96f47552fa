import { describe, expect, it } from 'vitest';
import type { ClientMessage } from '../../../src/protocol';
import { joined, sessionHarness } from './support/harness';

const signalTypes = (processed: Array<{ msg: ClientMessage }>) =>
  processed.flatMap((p) => (p.msg.kind === 'signal' ? [p.msg.type] : []));

describe('session: signaling drop and resume', () => {
  it('resumes with the same connection id after a drop; nothing is re-created', async () => {
    const h = sessionHarness();
    await joined(h);
    const connectionId = h.session.connectionId;
    expect(h.session.state).toMatchObject({ status: 'connected', connectionId });

    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    expect(h.session.state).toMatchObject({ status: 'reconnecting', connectionId, attempt: 1 });

    await h.clock.advance(5_000);
    h.server.mode = 'up';
    await h.clock.advance(4_000);

    expect(h.session.state).toMatchObject({ status: 'connected', connectionId });
    expect(h.names()).toEqual(['connected', 'reconnecting', 'reconnected']);
    expect(h.of('reconnected')[0]).toMatchObject({ connectionId });
    expect(h.server.connectionIds()).toEqual([connectionId]);
    expect(h.media().methods).toEqual(['onJoined', 'onSignalingLost', 'onSignalingRestored']);
    expect(h.tokens).toHaveLength(1);
  });

  it('tells the media plane whether the resume came from another address than before (a handoff)', async () => {
    const h = sessionHarness();
    h.server.clientAddress = '10.0.0.5';
    await joined(h);
    const resumeFrom = async (address: string) => {
      h.server.clientAddress = address;
      h.server.mode = 'blackhole';
      h.server.heartbeatTimeout();
      await h.clock.advance(1_000);
      h.server.mode = 'up';
      await h.clock.advance(4_000);
      expect(h.session.state.status).toBe('connected');
      return h
        .media()
        .calls.filter((c) => c.method === 'onSignalingRestored')
        .at(-1)?.args[0];
    };
    expect(await resumeFrom('10.0.0.5')).toMatchObject({ addressChanged: false });
    expect(await resumeFrom('10.0.0.9')).toMatchObject({ addressChanged: true });
    expect(await resumeFrom('10.0.0.9')).toMatchObject({ addressChanged: false });
    // The same client seen by a dual-stack listener (another node of a cluster) is not a handoff.
    expect(await resumeFrom('::ffff:10.0.0.9')).toMatchObject({ addressChanged: false });
    expect(await resumeFrom('::FFFF:10.0.0.7')).toMatchObject({ addressChanged: true });
  });

  it('delivers 20 signals sent while reconnecting exactly once, in order, after reconnected', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    await h.session.signal({ type: 'before', to: [bob] });

    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    const sends = Array.from({ length: 20 }, (_, i) =>
      h.session.signal({ type: `m${i}`, data: i, to: [bob] }),
    );
    let processedAtReconnected = -1;
    h.session.on('reconnected', () => {
      processedAtReconnected = h.server.processed.length;
    });
    await h.clock.advance(5_000);
    h.server.mode = 'up';
    await h.clock.advance(4_000);
    await Promise.all(sends);

    expect(processedAtReconnected).toBe(1);
    expect(signalTypes(h.server.processed)).toEqual([
      'before',
      ...Array.from({ length: 20 }, (_, i) => `m${i}`),
    ]);
    const received = h.server.eventsFor(bob).flatMap((e) => (e.kind === 'signal' ? [e.data] : []));
    expect(received).toEqual([null, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it('a message the server processed but whose answer was lost is resent and not processed twice', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    h.server.loseReplies = true;
    const sent = h.session.signal({ type: 'once', to: [bob] });
    await h.clock.advance(0);
    expect(signalTypes(h.server.processed)).toEqual(['once']);

    h.server.loseReplies = false;
    h.server.heartbeatTimeout();
    await h.clock.advance(1_000);
    await sent;
    expect(h.session.state.status).toBe('connected');
    expect(signalTypes(h.server.processed)).toEqual(['once']);
    expect(h.server.eventsFor(bob).filter((e) => e.kind === 'signal')).toHaveLength(1);
  });

  it('a message lost in the blackhole before the drop was noticed is resent after resume, once', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    h.server.mode = 'blackhole';
    const sent = h.session.signal({ type: 'in-flight', to: [bob] });
    await h.clock.advance(2_500);
    expect(h.server.processed).toHaveLength(0);
    h.server.heartbeatTimeout();
    h.server.mode = 'up';
    await h.clock.advance(4_000);
    await sent;
    expect(signalTypes(h.server.processed)).toEqual(['in-flight']);
  });

  it('events sent to this page during the drop are replayed once, in order, after reconnected', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    h.server.signalFrom(bob, 'live', 0, [me]);
    await h.clock.advance(0);

    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    for (let i = 1; i <= 20; i += 1) h.server.signalFrom(bob, 'during', i, [me]);
    h.server.mode = 'up';
    await h.clock.advance(4_000);

    const order = h.names().filter((n) => n === 'signal' || n === 'reconnected');
    expect(order).toEqual(['signal', 'reconnected', ...Array.from({ length: 20 }, () => 'signal')]);
    expect(h.of('signal').map((s) => s.data)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(h.of('signal')[1]?.from).toMatchObject({ identity: 'bob', connectionId: bob });
  });

  it('drops an event delivered twice (same sequence)', async () => {
    const h = sessionHarness();
    await joined(h);
    const socket = h.server.lastSocket;
    const env = { seq: 1, evt: { kind: 'signal', from: null, type: 'dup', data: 1 } };
    socket?.deliver('hf:evt', env);
    socket?.deliver('hf:evt', env);
    socket?.deliver('hf:evt', { seq: 2, evt: { kind: 'signal', from: null, type: 'next', data: 2 } });
    expect(h.of('signal').map((s) => s.type)).toEqual(['dup', 'next']);
  });

  it('acknowledges processed events so the server can trim its replay buffer', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    for (let i = 0; i < 3; i += 1) h.server.signalFrom(bob, 'x', i, [me]);
    await h.clock.advance(0);
    expect(h.server.acks.get(me)).toBeUndefined();
    await h.clock.advance(500);
    expect(h.server.acks.get(me)).toBe(3);
  });

  it('a resume stuck on a dead network is replaced after the attempt timeout, without further wait', async () => {
    const h = sessionHarness({ random: [0] });
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    const lostAt = h.clock.now();
    await h.clock.advance(10_000);
    const starts = h.server.openedAt.slice(1).map((at) => at - lostAt);
    // Each attempt hangs 3000 ms (the attempt timeout), longer than any backoff delay inside the grace.
    expect(starts).toEqual([0, 3_000, 6_000, 9_000]);
    expect(h.server.sockets.slice(1, -1).every((s) => s.closed)).toBe(true);
    expect(h.session.state).toMatchObject({ status: 'reconnecting', attempt: 4, nextRetryAt: null });
  });

  it('quick failures (connection refused) are spaced by the backoff: 250, 500, then 1000 ms inside the grace', async () => {
    const h = sessionHarness({ random: [0] });
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    const lostAt = h.clock.now();
    await h.clock.advance(4_000);
    const starts = h.server.openedAt.slice(1).map((at) => at - lostAt);
    expect(starts).toEqual([0, 250, 750, 1_750, 2_750, 3_750]);
  });

  it('reports reconnecting state details a UI can show (attempt, since, next retry, grace end)', async () => {
    const h = sessionHarness({ random: [0] });
    await joined(h);
    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    const lostAt = h.clock.now();
    await h.clock.advance(0);
    expect(h.session.state).toEqual({
      status: 'reconnecting',
      connectionId: h.session.connectionId,
      cause: 'networkDisconnect',
      attempt: 2,
      since: lostAt,
      nextRetryAt: lostAt + 250,
      graceEndsAt: lostAt + 12_000,
      giveUpAt: lostAt + 22_000,
    });
  });
});
