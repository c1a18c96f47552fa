import { describe, expect, it } from 'vitest';
import type { Effect, MachineEvent } from '../../../src/core/session/machine';
import { resolveReconnectPolicy } from '../../../src/core/session/resolve-options';
import type { SessionState } from '../../../src/core/session/state';
import { createTransition } from '../../../src/core/session/transitions';
import { NOW } from './support/machine-states';

const t = createTransition(resolveReconnectPolicy({ jitter: 0 }));
const DEADLINE = NOW + 10_000;

const connected: SessionState = {
  status: 'connected',
  connectionId: 'c1',
  since: NOW - 50_000,
  recoveredFrom: null,
};
const URL2 = 'http://127.0.0.1:4001';
const migrating: Extract<SessionState, { status: 'migrating' }> = {
  status: 'migrating',
  connectionId: 'c1',
  since: NOW - 200,
  deadline: DEADLINE,
  url: URL2,
  attempt: 1,
  nextRetryAt: null,
};

const move = {
  type: 'moveOrdered',
  now: NOW,
  url: URL2,
  nodeId: 'node-2',
  deadline: DEADLINE,
} satisfies MachineEvent;
const resumed = { type: 'resumed', now: NOW, connectionId: 'c1' } satisfies MachineEvent;
const failed = {
  type: 'attemptFailed',
  now: NOW,
  random: 0,
  startedAt: NOW,
  message: 'connect error',
} satisfies MachineEvent;
const types = (effects: Effect[]) => effects.map((e) => (e.type === 'emit' ? `emit:${e.event}` : e.type));

describe('session transitions: migration (hf:move)', () => {
  it('a move order while connected starts migrating: emits migrating with the deadline and resumes at the new node, keeping the live socket and media', () => {
    const { state, effects } = t(connected, move);
    expect(state).toEqual({ ...migrating, since: NOW });
    expect(effects).toEqual([
      { type: 'emit', event: 'migrating', payload: { deadline: DEADLINE } },
      { type: 'startAttempt', mode: 'migrate', moveTo: URL2 },
    ]);
    // Make-before-break: nothing closes the live socket or touches media.
    expect(types(effects)).not.toContain('dropSocket');
    expect(types(effects).some((type) => type.startsWith('media'))).toBe(false);
  });

  it('the resume at the new node connects again with the same connection id: adopt (closing the old link), migrated, then queued messages and held events', () => {
    const { state, effects } = t(migrating, resumed);
    expect(state).toEqual({
      status: 'connected',
      connectionId: 'c1',
      since: NOW,
      // Make-before-break: no downtime, nothing retried while down.
      recoveredFrom: { cause: 'serverRotation', downtimeMs: 0, attempts: null },
    });
    expect(types(effects)).toEqual([
      'cancelRetry',
      'adopt',
      'emit:migrated',
      'flushOutbox',
      'releaseInbound',
    ]);
    expect(effects[1]).toEqual({ type: 'adopt', mode: 'migrate' });
    expect(effects[2]).toEqual({ type: 'emit', event: 'migrated', payload: { connectionId: 'c1' } });
  });

  it('a move attempt that failed on the way (timed out, unreachable) is tried again at the new node after the backoff, keeping the connection id', () => {
    const waiting = t(migrating, failed);
    expect(waiting.state).toEqual({ ...migrating, attempt: 2, nextRetryAt: expect.any(Number) });
    const at = (waiting.state as typeof migrating).nextRetryAt as number;
    expect(at).toBeGreaterThan(NOW);
    expect(waiting.effects).toEqual([{ type: 'scheduleRetry', at }]);
    // One failure at a time: another report while waiting changes nothing.
    expect(t(waiting.state, { ...failed, now: NOW + 10 })).toEqual({ state: waiting.state, effects: [] });
    const again = t(waiting.state, { type: 'retryTimer', now: at });
    expect(again.effects).toEqual([{ type: 'startAttempt', mode: 'migrate', moveTo: URL2 }]);
  });

  it('a failed move with no room for another attempt before the deadline falls back to re-joining as after a rotation, counting the outage from the move', () => {
    const late = { ...migrating, deadline: NOW + 1_000 };
    const { state, effects } = t(late, failed);
    expect(state).toMatchObject({
      status: 'rejoining',
      previousConnectionId: 'c1',
      cause: 'serverRotation',
      since: NOW - 200,
      attempt: 1,
    });
    expect(types(effects)).toEqual([
      'abortAttempt',
      'cancelRetry',
      'cancelGiveUp',
      'dropSocket',
      'mediaRejoining',
      'emit:rejoining',
      'startAttempt',
      'scheduleGiveUp',
    ]);
  });

  it('an overloaded new node is asked again at its slot (backoff at least), at the same URL, while that fits before the deadline', () => {
    const overloaded: MachineEvent = {
      type: 'refused',
      now: NOW,
      error: { code: 'OVERLOADED', message: 'busy', retryAfterMs: 700 },
      nodeRestarted: false,
      random: 0,
      startedAt: NOW,
      graceMs: 12_000,
    };
    const waiting = t(migrating, overloaded);
    expect(waiting.state).toEqual({ ...migrating, attempt: 2, nextRetryAt: NOW + 700 });
    expect(waiting.effects).toEqual([{ type: 'scheduleRetry', at: NOW + 700 }]);
    const again = t(waiting.state, { type: 'retryTimer', now: NOW + 700 });
    expect(again.state).toEqual({ ...migrating, attempt: 2 });
    expect(again.effects).toEqual([{ type: 'startAttempt', mode: 'migrate', moveTo: URL2 }]);
    // No room left before the deadline: re-join instead.
    const late = { ...migrating, deadline: NOW + 1_000 };
    expect(t(late, overloaded).state).toMatchObject({ status: 'rejoining', cause: 'serverRotation' });
  });

  it('a refused move re-joins too', () => {
    const refused: MachineEvent = {
      type: 'refused',
      now: NOW,
      error: { code: 'CONNECTION_NOT_FOUND', message: 'no such connection' },
      nodeRestarted: false,
      random: 0,
      startedAt: NOW,
      graceMs: 12_000,
    };
    expect(t(migrating, refused).state).toMatchObject({ status: 'rejoining', cause: 'serverRotation' });
  });

  it('the old link closing while moving changes nothing: the move attempt decides', () => {
    const lost: MachineEvent = { type: 'signalingLost', now: NOW, graceMs: 12_000 };
    expect(t(migrating, lost)).toEqual({ state: migrating, effects: [] });
  });

  it('ignores a second move order and retry triggers while moving; leave still wins', () => {
    expect(t(migrating, move)).toEqual({ state: migrating, effects: [] });
    expect(t(migrating, { type: 'retryNow', now: NOW })).toEqual({ state: migrating, effects: [] });
    const left = t(migrating, { type: 'leave', now: NOW });
    expect(left.state).toMatchObject({ status: 'disconnected', reason: 'disconnect' });
    expect(types(left.effects)).toContain('abortAttempt');
  });

  it('a move order outside connected is ignored (it only arrives on a live socket)', () => {
    const idle: SessionState = { status: 'idle' };
    expect(t(idle, move)).toEqual({ state: idle, effects: [] });
  });
});
