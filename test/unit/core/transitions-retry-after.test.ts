import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../../src/core/session/machine';
import { resolveReconnectPolicy } from '../../../src/core/session/resolve-options';
import type { SessionState } from '../../../src/core/session/state';
import { createTransition } from '../../../src/core/session/transitions';
import type { ErrorCode } from '../../../src/protocol';
import { connecting, NOW, reconnecting, rejoining } from './support/machine-states';

const t = createTransition(resolveReconnectPolicy({ jitter: 0 }));

function refused(code: ErrorCode, retryAfterMs?: number): MachineEvent {
  const error = retryAfterMs === undefined ? { code, message: code } : { code, message: code, retryAfterMs };
  return {
    type: 'refused',
    now: NOW,
    error,
    nodeRestarted: false,
    random: 0,
    startedAt: NOW,
    graceMs: 12_000,
  };
}

const STATES = { connecting, reconnecting, rejoining } as const;

/** Default policy: attempt timeout 3000 ms, so the give-up moves to the slot + 6000 ms at least. */
const ROOM_MS = 6_000;

describe('session transitions: an overloaded server asking to retry later (retryAfterMs)', () => {
  it.each([
    // status, retryAfterMs, expected next try, expected give-up
    ['connecting', 800, NOW + 800, NOW + 21_990],
    ['connecting', 30_000, NOW + 30_000, NOW + 30_000 + ROOM_MS],
    ['reconnecting', 4_000, NOW + 4_000, NOW + 20_000],
    ['reconnecting', 18_000, NOW + 18_000, NOW + 18_000 + ROOM_MS],
    ['rejoining', 2_500, NOW + 2_500, NOW + 19_000],
    ['rejoining', 25_000, NOW + 25_000, NOW + 25_000 + ROOM_MS],
  ] as const)(
    '%s waits exactly the asked %i ms, and the give-up leaves room for the slot',
    (status, after, retryAt, giveUpAt) => {
      const state = STATES[status];
      const { state: next, effects } = t(state, refused('OVERLOADED', after));
      expect(next).toMatchObject({ status: state.status, attempt: 2, nextRetryAt: retryAt, giveUpAt });
      expect(effects).toContainEqual({ type: 'scheduleRetry', at: retryAt });
      const moved = effects.filter((e) => e.type === 'scheduleGiveUp');
      expect(moved).toEqual(giveUpAt === state.giveUpAt ? [] : [{ type: 'scheduleGiveUp', at: giveUpAt }]);
    },
  );

  it('never retries before the asked delay, even when the backoff would be later it keeps the later one', () => {
    const many = { ...reconnecting, attempt: 8, graceEndsAt: NOW - 1 } as SessionState;
    // Backoff after the grace: 5000 ms, later than the 100 ms asked.
    expect(t(many, refused('OVERLOADED', 100)).state).toMatchObject({ nextRetryAt: NOW + 5_000 });
  });

  it('a first join refused with a retry delay keeps trying instead of failing the join', () => {
    const { state, effects } = t(connecting, refused('OVERLOADED', 1_000));
    expect(state.status).toBe('connecting');
    expect(effects.map((e) => e.type)).not.toContain('settleJoin');
  });

  it('a first join refused without a retry delay still fails at once', () => {
    expect(t(connecting, refused('OVERLOADED')).state).toMatchObject({
      status: 'idle',
      joinFailure: { error: { code: 'OVERLOADED' } },
    });
  });

  it('a resume refused OVERLOADED without a delay is transient: plain backoff, give-up unchanged', () => {
    const { state, effects } = t(reconnecting, refused('OVERLOADED'));
    expect(state).toMatchObject({ status: 'reconnecting', nextRetryAt: NOW + 250, giveUpAt: NOW + 20_000 });
    expect(effects.map((e) => e.type)).toEqual(['scheduleRetry']);
  });

  it('the give-up keeps moving while the server keeps answering with slots, and fires once it stops', () => {
    let state: SessionState = reconnecting;
    let now = NOW;
    for (let i = 0; i < 5; i += 1) {
      const event = { ...refused('OVERLOADED', 10_000), now, startedAt: now } as MachineEvent;
      state = t(state, event).state;
      now = (state as { nextRetryAt: number }).nextRetryAt;
      state = t(state, { type: 'retryTimer', now }).state;
    }
    expect(state).toMatchObject({ status: 'reconnecting', giveUpAt: now + ROOM_MS });
    expect(t(state, { type: 'giveUpTimer', now: now + ROOM_MS }).state.status).toBe('disconnected');
  });
});
