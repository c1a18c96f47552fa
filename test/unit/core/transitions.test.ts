import { describe, expect, it } from 'vitest';
import type { Effect, MachineEvent } from '../../../src/core/session/machine';
import { resolveReconnectPolicy } from '../../../src/core/session/resolve-options';
import type { SessionState } from '../../../src/core/session/state';
import { createTransition, readResumeRefusal } from '../../../src/core/session/transitions';
import { connecting, NOW, reconnecting, rejoining } from './support/machine-states';

const t = createTransition(resolveReconnectPolicy({ jitter: 0 }));

const idle: SessionState = { status: 'idle' };
const connected: SessionState = {
  status: 'connected',
  connectionId: 'c1',
  since: NOW - 50_000,
  recoveredFrom: null,
};
const disconnected: SessionState = {
  status: 'disconnected',
  reason: 'networkDisconnect',
  error: null,
  since: NOW - 1,
};

const ev = {
  join: { type: 'join', now: NOW },
  leave: { type: 'leave', now: NOW },
  joined: { type: 'joined', now: NOW, connectionId: 'c9' },
  resumed: { type: 'resumed', now: NOW, connectionId: 'c1' },
  failed: { type: 'attemptFailed', now: NOW, random: 0, startedAt: NOW, message: 'refused at once' },
  tokenFailed: { type: 'tokenFailed', now: NOW, random: 0, startedAt: NOW, message: 'backend down' },
  retryTimer: { type: 'retryTimer', now: NOW },
  giveUp: { type: 'giveUpTimer', now: NOW },
  retryNow: { type: 'retryNow', now: NOW },
  lost: { type: 'signalingLost', now: NOW, graceMs: 12_000 },
} satisfies Record<string, MachineEvent>;

function refused(
  code:
    | 'CONNECTION_EVICTED'
    | 'RESUME_SECRET_INVALID'
    | 'CONNECTION_NOT_FOUND'
    | 'SESSION_NOT_FOUND'
    | 'RATE_LIMITED'
    | 'INTERNAL'
    | 'TOKEN_INVALID',
  nodeRestarted = false,
): MachineEvent {
  return {
    type: 'refused',
    now: NOW,
    error: { code, message: code },
    nodeRestarted,
    random: 0,
    startedAt: NOW,
    graceMs: 12_000,
  };
}
function ended(
  reason: 'nodeCrashed' | 'serverRotation' | 'sessionClosedByServer' | 'forceDisconnectByServer',
): MachineEvent {
  return { type: 'serverEnded', now: NOW, reason, graceMs: 12_000 };
}
const types = (effects: Effect[]) => effects.map((e) => (e.type === 'emit' ? `emit:${e.event}` : e.type));

describe('session transitions: idle and disconnected', () => {
  it('join starts the first attempt at once and arms the give-up timer (default grace + 10 s)', () => {
    const { state, effects } = t(idle, ev.join);
    expect(state).toEqual({
      status: 'connecting',
      attempt: 1,
      since: NOW,
      nextRetryAt: null,
      giveUpAt: NOW + 22_000,
    });
    expect(effects).toEqual([
      { type: 'openChannel' },
      { type: 'startAttempt', mode: 'join' },
      { type: 'scheduleGiveUp', at: NOW + 22_000 },
    ]);
  });

  it('a disconnected session can join again', () => {
    expect(t(disconnected, ev.join).state.status).toBe('connecting');
  });

  it.each([
    ['idle', idle],
    ['disconnected', disconnected],
  ])('%s ignores leave, retries, losses and stale attempt results', (_name, state) => {
    for (const event of [
      ev.leave,
      ev.retryNow,
      ev.retryTimer,
      ev.giveUp,
      ev.lost,
      ev.joined,
      ev.resumed,
      ev.failed,
    ]) {
      const result = t(state, event);
      expect(result.state).toBe(state);
      expect(result.effects).toEqual([]);
    }
  });
});

describe('session transitions: connecting (first join)', () => {
  it('a successful join connects, adopts the link, then flushes queued messages and resolves join()', () => {
    const { state, effects } = t(connecting, ev.joined);
    expect(state).toEqual({ status: 'connected', connectionId: 'c9', since: NOW, recoveredFrom: null });
    expect(types(effects)).toEqual([
      'cancelRetry',
      'cancelGiveUp',
      'adopt',
      'emit:connected',
      'flushOutbox',
      'releaseInbound',
      'settleJoin',
    ]);
    expect(effects.at(-1)).toEqual({ type: 'settleJoin', error: null });
  });

  it('a server refusal goes back to idle and rejects join() with the code, without sessionDisconnected', () => {
    const { state, effects } = t(connecting, refused('TOKEN_INVALID'));
    expect(state).toEqual({
      status: 'idle',
      joinFailure: { error: { code: 'TOKEN_INVALID', message: 'TOKEN_INVALID' }, at: NOW },
    });
    expect(effects).toContainEqual({
      type: 'settleJoin',
      error: { code: 'TOKEN_INVALID', message: 'TOKEN_INVALID' },
    });
    expect(types(effects)).not.toContain('emit:sessionDisconnected');
    expect(types(effects)).toContain('endChannel');
  });

  it('a transport failure waits the backoff delay, then retries', () => {
    const failed = t(connecting, ev.failed);
    expect(failed.state).toMatchObject({ status: 'connecting', attempt: 2, nextRetryAt: NOW + 250 });
    expect(failed.effects).toEqual([{ type: 'scheduleRetry', at: NOW + 250 }]);
    const retried = t(failed.state, { type: 'retryTimer', now: NOW + 250 });
    expect(retried.state).toMatchObject({ status: 'connecting', attempt: 2, nextRetryAt: null });
    expect(retried.effects).toEqual([{ type: 'startAttempt', mode: 'join' }]);
  });

  it('backoff runs from the start of the failed attempt: one that hung until its timeout is followed at once', () => {
    const hung = {
      type: 'attemptFailed',
      now: NOW,
      random: 0,
      startedAt: NOW - 3_000,
      message: 'timed out',
    } as const;
    expect(t(connecting, hung).state).toMatchObject({ attempt: 2, nextRetryAt: NOW });
    const quick = { ...hung, startedAt: NOW - 100 };
    expect(t(connecting, quick).state).toMatchObject({ attempt: 2, nextRetryAt: NOW + 150 });
  });

  it('join retries stay on the small cap', () => {
    const state: SessionState = { ...connecting, attempt: 9 } as SessionState;
    expect(t(state, ev.failed).state).toMatchObject({ nextRetryAt: NOW + 1_000 });
  });

  it('re-join retries back off to the long cap: a restarted node’s pages come in a crowd', () => {
    const state: SessionState = { ...rejoining, attempt: 9 } as SessionState;
    expect(t(state, ev.failed).state).toMatchObject({ nextRetryAt: NOW + 5_000 });
  });

  it('a getToken failure rejects join() with TOKEN_FETCH_FAILED and reports an exception', () => {
    const { state, effects } = t(connecting, ev.tokenFailed);
    expect(state).toEqual({
      status: 'idle',
      joinFailure: { error: { code: 'TOKEN_FETCH_FAILED', message: 'backend down' }, at: NOW },
    });
    expect(effects).toContainEqual({
      type: 'emit',
      event: 'exception',
      payload: { name: 'TOKEN_FETCH_FAILED', message: 'backend down', origin: null },
    });
    expect(effects).toContainEqual({
      type: 'settleJoin',
      error: { code: 'TOKEN_FETCH_FAILED', message: 'backend down' },
    });
  });

  it('giving up goes back to idle and rejects join() with SIGNALING_UNREACHABLE', () => {
    const { state, effects } = t(connecting, ev.giveUp);
    expect(state).toMatchObject({
      status: 'idle',
      joinFailure: { error: { code: 'SIGNALING_UNREACHABLE' }, at: NOW },
    });
    expect(types(effects)).toEqual([
      'abortAttempt',
      'cancelRetry',
      'cancelGiveUp',
      'endChannel',
      'settleJoin',
    ]);
    expect(effects.at(-1)).toMatchObject({ error: { code: 'SIGNALING_UNREACHABLE' } });
  });

  it('leave aborts the join in flight and rejects join() with JOIN_ABORTED (idle with nothing to show: the user chose it)', () => {
    const { state, effects } = t(connecting, ev.leave);
    expect(state).toEqual({ status: 'idle' });
    expect(types(effects)[0]).toBe('abortAttempt');
    expect(effects.at(-1)).toMatchObject({ error: { code: 'JOIN_ABORTED' } });
  });

  it('retryNow skips the wait, or replaces an attempt in flight', () => {
    const waiting: SessionState = { ...connecting, attempt: 3, nextRetryAt: NOW + 900 } as SessionState;
    expect(t(waiting, ev.retryNow)).toEqual({
      state: { ...waiting, nextRetryAt: null },
      effects: [{ type: 'cancelRetry' }, { type: 'startAttempt', mode: 'join' }],
    });
    expect(t(connecting, ev.retryNow)).toEqual({
      state: { ...connecting, attempt: 2 },
      effects: [{ type: 'startAttempt', mode: 'join' }],
    });
  });

  it('a failure reported while a retry is already scheduled changes nothing', () => {
    const waiting: SessionState = { ...connecting, attempt: 2, nextRetryAt: NOW + 250 } as SessionState;
    expect(t(waiting, ev.failed)).toEqual({ state: waiting, effects: [] });
  });
});

describe('session transitions: connected', () => {
  it('losing signaling starts reconnecting at once, keeps media, and arms give-up at grace + 10 s', () => {
    const { state, effects } = t(connected, ev.lost);
    expect(state).toEqual({
      status: 'reconnecting',
      connectionId: 'c1',
      cause: 'networkDisconnect',
      attempt: 1,
      since: NOW,
      nextRetryAt: null,
      graceEndsAt: NOW + 12_000,
      giveUpAt: NOW + 22_000,
    });
    expect(effects).toEqual([
      { type: 'dropSocket' },
      { type: 'mediaSignalingLost' },
      { type: 'emit', event: 'reconnecting', payload: { cause: 'networkDisconnect', connectionId: 'c1' } },
      { type: 'startAttempt', mode: 'resume' },
      { type: 'scheduleGiveUp', at: NOW + 22_000 },
    ]);
  });

  it('an explicit giveUpAfterMs overrides grace + 10 s', () => {
    const custom = createTransition(resolveReconnectPolicy({ giveUpAfterMs: 5_000 }));
    expect(custom(connected, ev.lost).state).toMatchObject({ giveUpAt: NOW + 5_000 });
  });

  it('leave ends with disconnect, tells the server, stops local media, then emits sessionDisconnected', () => {
    const { state, effects } = t(connected, ev.leave);
    expect(state).toEqual({ status: 'disconnected', reason: 'disconnect', error: null, since: NOW });
    expect(effects).toContainEqual({
      type: 'endChannel',
      leave: true,
      error: { code: 'SESSION_ENDED', message: 'the session has ended' },
    });
    expect(types(effects).slice(-2)).toEqual(['closeMedia', 'emit:sessionDisconnected']);
    expect(effects).toContainEqual({ type: 'closeMedia', reason: 'disconnect' });
  });

  it.each(['nodeCrashed', 'serverRotation'] as const)(
    'a server-sent %s ending re-joins, keeping local media',
    (reason) => {
      const { state, effects } = t(connected, ended(reason));
      expect(state).toMatchObject({
        status: 'rejoining',
        cause: reason,
        previousConnectionId: 'c1',
        attempt: 1,
        since: NOW,
      });
      expect(effects).toContainEqual({ type: 'mediaRejoining', cause: reason });
      expect(effects.map((effect) => effect.type)).not.toContain('closeMedia');
      expect(effects).toContainEqual({
        type: 'emit',
        event: 'rejoining',
        payload: { cause: reason, previousConnectionId: 'c1' },
      });
      expect(effects).toContainEqual({ type: 'startAttempt', mode: 'rejoin' });
      expect(types(effects)).not.toContain('emit:sessionDisconnected');
    },
  );

  it.each(['sessionClosedByServer', 'forceDisconnectByServer'] as const)(
    'a server-sent %s ending ends the session with that reason',
    (reason) => {
      const { state, effects } = t(connected, ended(reason));
      expect(state).toEqual({ status: 'disconnected', reason, error: null, since: NOW });
      expect(effects).toContainEqual({
        type: 'emit',
        event: 'sessionDisconnected',
        payload: { reason, error: null },
      });
      expect(types(effects)).not.toContain('startAttempt');
    },
  );

  it('ignores retry triggers and stale attempt results', () => {
    for (const event of [ev.retryNow, ev.retryTimer, ev.giveUp, ev.joined, ev.resumed, ev.failed, ev.join]) {
      expect(t(connected, event)).toEqual({ state: connected, effects: [] });
    }
  });
});

describe('session transitions: reconnecting', () => {
  it('a resume reconnects with the same connection id; reconnected is emitted before queued messages go out', () => {
    const { state, effects } = t(reconnecting, ev.resumed);
    expect(state).toEqual({
      status: 'connected',
      connectionId: 'c1',
      since: NOW,
      recoveredFrom: { cause: 'networkDisconnect', downtimeMs: 2_000, attempts: 1 },
    });
    expect(types(effects)).toEqual([
      'cancelRetry',
      'cancelGiveUp',
      'adopt',
      'emit:reconnected',
      'flushOutbox',
      'mediaSignalingRestored',
      'releaseInbound',
    ]);
    expect(effects).toContainEqual({
      type: 'emit',
      event: 'reconnected',
      payload: { connectionId: 'c1', downtimeMs: 2_000, attempts: 1 },
    });
  });

  it.each(['CONNECTION_EVICTED', 'RESUME_SECRET_INVALID'] as const)(
    'a %s refusal ends with networkDisconnect and stops retrying',
    (code) => {
      const { state, effects } = t(reconnecting, refused(code));
      expect(state).toEqual({
        status: 'disconnected',
        reason: 'networkDisconnect',
        error: { code, message: code },
        since: NOW,
      });
      expect(types(effects)).toEqual([
        'abortAttempt',
        'cancelRetry',
        'cancelGiveUp',
        'endChannel',
        'closeMedia',
        'emit:sessionDisconnected',
      ]);
      expect(effects).toContainEqual({
        type: 'closeMedia',
        reason: 'networkDisconnect',
      });
    },
  );

  it('CONNECTION_NOT_FOUND from the same node boot means evicted', () => {
    expect(t(reconnecting, refused('CONNECTION_NOT_FOUND', false)).state).toMatchObject({
      status: 'disconnected',
      reason: 'networkDisconnect',
    });
  });

  it('CONNECTION_NOT_FOUND from a restarted node means nodeCrashed: re-join, keeping when the outage began', () => {
    const { state, effects } = t(reconnecting, refused('CONNECTION_NOT_FOUND', true));
    expect(state).toMatchObject({
      status: 'rejoining',
      cause: 'nodeCrashed',
      previousConnectionId: 'c1',
      since: reconnecting.since,
      attempt: 1,
    });
    expect(effects).toContainEqual({ type: 'startAttempt', mode: 'rejoin' });
    expect(effects).toContainEqual({ type: 'mediaRejoining', cause: 'nodeCrashed' });
  });

  it('a transient refusal (RATE_LIMITED) backs off and retries', () => {
    expect(t(reconnecting, refused('RATE_LIMITED')).state).toMatchObject({
      status: 'reconnecting',
      attempt: 2,
      nextRetryAt: NOW + 250,
    });
  });

  it('retries use the small cap inside the grace and the large cap after it', () => {
    const many = { ...reconnecting, attempt: 8 } as SessionState;
    expect(t(many, ev.failed).state).toMatchObject({ nextRetryAt: NOW + 1_000 });
    const afterGrace = { ...reconnecting, attempt: 8, graceEndsAt: NOW - 1 } as SessionState;
    expect(t(afterGrace, ev.failed).state).toMatchObject({ nextRetryAt: NOW + 5_000 });
  });

  it('giving up ends with networkDisconnect and aborts the attempt in flight', () => {
    const { state, effects } = t(reconnecting, ev.giveUp);
    expect(state).toMatchObject({ status: 'disconnected', reason: 'networkDisconnect', error: null });
    expect(types(effects)[0]).toBe('abortAttempt');
    expect(effects).toContainEqual({
      type: 'emit',
      event: 'sessionDisconnected',
      payload: { reason: 'networkDisconnect', error: null },
    });
  });

  it('leave wins over the reconnect in flight: disconnect, attempt aborted, no leave message possible', () => {
    const { state, effects } = t(reconnecting, ev.leave);
    expect(state).toMatchObject({ status: 'disconnected', reason: 'disconnect' });
    expect(types(effects).slice(0, 3)).toEqual(['abortAttempt', 'cancelRetry', 'cancelGiveUp']);
    expect(effects).toContainEqual(expect.objectContaining({ type: 'endChannel', leave: false }));
  });

  it('ignores a join result and another loss (no live socket)', () => {
    expect(t(reconnecting, ev.joined)).toEqual({ state: reconnecting, effects: [] });
    expect(t(reconnecting, ev.lost)).toEqual({ state: reconnecting, effects: [] });
  });
});

describe('session transitions: rejoining', () => {
  it('a successful re-join connects under the new connection id and emits rejoined', () => {
    const { state, effects } = t(rejoining, ev.joined);
    expect(state).toEqual({
      status: 'connected',
      connectionId: 'c9',
      since: NOW,
      recoveredFrom: { cause: 'nodeCrashed', downtimeMs: 3_000, attempts: 1 },
    });
    expect(effects).toContainEqual({ type: 'adopt', mode: 'rejoin' });
    expect(effects).toContainEqual({
      type: 'emit',
      event: 'rejoined',
      payload: { connectionId: 'c9', previousConnectionId: 'c1', downtimeMs: 3_000 },
    });
  });

  it('a refused re-join ends with the cause and the error', () => {
    const { state } = t(rejoining, refused('SESSION_NOT_FOUND'));
    expect(state).toEqual({
      status: 'disconnected',
      reason: 'nodeCrashed',
      error: { code: 'SESSION_NOT_FOUND', message: 'SESSION_NOT_FOUND' },
      since: NOW,
    });
  });

  it('transport and token failures back off and retry (reporting the token failure)', () => {
    expect(t(rejoining, ev.failed).state).toMatchObject({ status: 'rejoining', attempt: 2 });
    const token = t(rejoining, ev.tokenFailed);
    expect(token.state).toMatchObject({ status: 'rejoining', attempt: 2 });
    expect(types(token.effects)).toEqual(['emit:exception', 'scheduleRetry']);
  });

  it('giving up ends with networkDisconnect; leave ends with disconnect', () => {
    expect(t(rejoining, ev.giveUp).state).toMatchObject({
      status: 'disconnected',
      reason: 'networkDisconnect',
    });
    expect(t(rejoining, ev.leave).state).toMatchObject({ status: 'disconnected', reason: 'disconnect' });
  });
});

describe('session transitions: purity', () => {
  it('never mutates its inputs and gives the same answer twice', () => {
    const states = [idle, connecting, connected, reconnecting, rejoining, disconnected];
    const events = [
      ...Object.values(ev),
      refused('CONNECTION_EVICTED'),
      refused('CONNECTION_NOT_FOUND', true),
      ended('nodeCrashed'),
    ];
    for (const state of states) {
      for (const event of events) {
        const frozenState = structuredClone(state);
        const first = t(state, event);
        expect(state).toEqual(frozenState);
        expect(t(state, event)).toEqual(first);
      }
    }
  });

  it('reads refusals of a resume as the semantics say', () => {
    expect(readResumeRefusal('CONNECTION_EVICTED', true)).toBe('evicted');
    expect(readResumeRefusal('RESUME_SECRET_INVALID', false)).toBe('evicted');
    expect(readResumeRefusal('CONNECTION_NOT_FOUND', false)).toBe('evicted');
    expect(readResumeRefusal('CONNECTION_NOT_FOUND', true)).toBe('nodeCrashed');
    expect(readResumeRefusal('INTERNAL', false)).toBe('retry');
  });
});
