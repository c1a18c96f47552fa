import { describe, expect, it } from 'vitest';
import { joined, sessionHarness } from './support/harness';

describe('session: server payloads that break the protocol', () => {
  it('an invalid event is dropped with exception PROTOCOL_ERROR; the valid ones around it still arrive', async () => {
    const h = sessionHarness();
    await joined(h);
    const socket = h.server.lastSocket;
    socket?.deliver('hf:evt', { seq: 1, evt: { kind: 'signal', from: null, type: 'ok-1', data: 1 } });
    socket?.deliver('hf:evt', { seq: 2, evt: { kind: 'connectionCreated', connection: { identity: 42 } } });
    socket?.deliver('hf:evt', 'not even an object');
    socket?.deliver('hf:evt', { seq: 3, evt: { kind: 'signal', from: null, type: 'ok-3', data: 3 } });
    expect(h.of('signal').map((s) => s.type)).toEqual(['ok-1', 'ok-3']);
    expect(h.of('exception').map((e) => e.name)).toEqual(['PROTOCOL_ERROR', 'PROTOCOL_ERROR']);
    expect(h.session.participants.size).toBe(0);
    expect(h.session.state.status).toBe('connected');
  });

  it('a stream property whose value does not fit it (a size for a flag, a flag for a size) is a protocol error', async () => {
    const h = sessionHarness();
    await joined(h);
    const changed = (seq: number, property: string, value: unknown) =>
      h.server.lastSocket?.deliver('hf:evt', {
        seq,
        evt: { kind: 'streamPropertyChanged', streamId: 's-x', connectionId: 'c-x', property, value },
      });
    changed(1, 'videoActive', { width: 640, height: 480 });
    changed(2, 'videoDimensions', true);
    changed(3, 'videoActive', false);
    changed(4, 'videoDimensions', { width: 640, height: 480 });
    expect(h.of('exception').map((e) => [e.name, e.message])).toEqual([
      ['PROTOCOL_ERROR', expect.stringContaining('value')],
      ['PROTOCOL_ERROR', expect.stringContaining('value')],
    ]);
  });

  it('an invalid event still counts its sequence, so acknowledgements move on', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.lastSocket?.deliver('hf:evt', { seq: 1, evt: { kind: 'unknown-kind' } });
    await h.clock.advance(500);
    expect(h.server.acks.get(h.session.connectionId as string)).toBe(1);
  });

  it('an unsequenced hf:error notice is reported as an exception with its code', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.lastSocket?.deliver('hf:error', { code: 'RATE_LIMITED', message: 'slow down' });
    h.server.lastSocket?.deliver('hf:error', { nope: true });
    expect(h.of('exception')).toEqual([
      {
        name: 'PROTOCOL_ERROR',
        message: 'slow down',
        origin: null,
        error: { code: 'RATE_LIMITED', message: 'slow down' },
      },
      { name: 'PROTOCOL_ERROR', message: expect.stringContaining('invalid error notice'), origin: null },
    ]);
  });

  it('an invalid join answer is a protocol error and the join is retried', async () => {
    const h = sessionHarness();
    h.server.nextJoinAnswer = { ok: true, connectionId: 'missing-everything-else' };
    const join = h.session.join();
    await h.clock.advance(1_000);
    await join;
    expect(h.of('exception')).toEqual([
      { name: 'PROTOCOL_ERROR', message: expect.stringMatching(/^invalid join answer/), origin: null },
    ]);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.server.sockets[0]?.closed).toBe(true);
    expect(h.session.state.status).toBe('connected');
  });

  it('a resume answer for another connection id is a protocol error, never adopted; the retry resumes', async () => {
    const h = sessionHarness();
    await joined(h);
    const me = h.session.connectionId;
    h.server.nextResumeAnswer = {
      ok: true,
      connectionId: 'someone-else',
      lastClientSeq: 0,
      timing: { graceMs: 12_000, pingIntervalMs: 1_000, pingTimeoutMs: 1_500 },
      node: { nodeId: 'node-1', bootId: 'boot-1' },
    };
    h.server.heartbeatTimeout();
    await h.clock.advance(0);
    expect(h.of('exception')).toEqual([
      { name: 'PROTOCOL_ERROR', message: expect.stringContaining('someone-else'), origin: null },
    ]);
    expect(h.session.state.status).toBe('reconnecting');
    await h.clock.advance(1_000);
    expect(h.session.state).toMatchObject({ status: 'connected', connectionId: me });
  });
});
