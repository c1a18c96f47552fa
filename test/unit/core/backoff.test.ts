import { describe, expect, it } from 'vitest';
import { resolveReconnectPolicy } from '../../../src/core/session/resolve-options';
import { type BackoffPolicy, retryDelay } from '../../../src/core/signaling/backoff';

const policy: BackoffPolicy = {
  initialDelayMs: 250,
  multiplier: 2,
  maxDelayInGraceMs: 1_000,
  maxDelayMs: 5_000,
  jitter: 0.5,
};
const noJitter: BackoffPolicy = { ...policy, jitter: 0 };

describe('backoff', () => {
  it('grows exponentially from the initial delay', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, false, noJitter, 0))).toEqual([250, 500, 1_000, 2_000]);
  });

  it('is capped by maxDelayInGraceMs while inside the grace', () => {
    expect([3, 4, 8, 50].map((n) => retryDelay(n, true, noJitter, 0))).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  it('is capped by maxDelayMs once the grace is over', () => {
    expect([5, 6, 20, 2_000].map((n) => retryDelay(n, false, noJitter, 0))).toEqual([
      4_000, 5_000, 5_000, 5_000,
    ]);
  });

  it('jitter lowers each delay by at most its jitter share and never exceeds the cap', () => {
    for (let failures = 1; failures <= 12; failures += 1) {
      for (const inGrace of [true, false]) {
        const capped = retryDelay(failures, inGrace, noJitter, 0);
        for (let r = 0; r < 1; r += 0.05) {
          const delay = retryDelay(failures, inGrace, policy, r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(capped * 0.5));
          expect(delay).toBeLessThanOrEqual(capped);
        }
      }
    }
  });

  it('spreads delays across the whole jitter range', () => {
    expect(retryDelay(3, true, policy, 0)).toBe(1_000);
    expect(retryDelay(3, true, policy, 0.5)).toBe(750);
    expect(retryDelay(3, true, policy, 0.999)).toBe(500);
  });

  it('full jitter (1) can go down to zero, no jitter (0) is deterministic', () => {
    expect(retryDelay(2, false, { ...policy, jitter: 1 }, 0.999)).toBeLessThanOrEqual(1);
    expect(retryDelay(2, false, { ...policy, jitter: 1 }, 0)).toBe(500);
    expect(retryDelay(2, false, noJitter, 0.7)).toBe(500);
  });

  it('a grace cap above the overall cap does not raise delays', () => {
    expect(retryDelay(10, true, { ...noJitter, maxDelayInGraceMs: 60_000 }, 0)).toBe(5_000);
  });

  it('the documented defaults apply when options are missing', () => {
    expect(resolveReconnectPolicy()).toEqual({
      initialDelayMs: 250,
      multiplier: 2,
      maxDelayInGraceMs: 1_000,
      maxDelayMs: 5_000,
      jitter: 0.5,
      attemptTimeoutMs: 3_000,
      giveUpAfterMs: null,
    });
  });

  it('invalid option values fall back to the defaults', () => {
    const resolved = resolveReconnectPolicy({ initialDelayMs: -1, jitter: Number.NaN, multiplier: 0.5 });
    expect(resolved.initialDelayMs).toBe(250);
    expect(resolved.jitter).toBe(0.5);
    expect(resolved.multiplier).toBe(1);
  });
});
