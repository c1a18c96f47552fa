import { describe, expect, it } from 'vitest';
import { AdmissionGate } from '../../../src/server/ops/admission-gate';
import { FakeClock } from './fake-clock';

/** How many of `count` admissions asked at once are let in. */
function admitted(gate: AdmissionGate, count: number): number {
  let ok = 0;
  for (let i = 0; i < count; i += 1) if (gate.admit().ok) ok += 1;
  return ok;
}

describe('admission gate', () => {
  it('lets a burst in at once while the loop keeps up, then one per 1000 / perSec ms', () => {
    const clock = new FakeClock();
    const gate = new AdmissionGate(clock, { perSec: 100, burst: 20 });
    expect(admitted(gate, 30)).toBe(20);
    clock.advance(100);
    expect(admitted(gate, 30)).toBe(10);
  });

  it('while the loop is saturated, admits a trickle (a tenth of perSec) instead of nothing', () => {
    // A loop can lag because the host is busy (other processes, a GC), not because of joins: a lone
    // join then still gets in at once, while a crowd is paced at the trickle and told when to return.
    const clock = new FakeClock();
    let saturated = true;
    const gate = new AdmissionGate(clock, { perSec: 100, burst: 20 }, () => saturated);
    expect(gate.admit()).toEqual({ ok: true });
    const refused = gate.admit();
    expect(refused.ok).toBe(false);
    expect(refused.ok ? 0 : refused.retryAfterMs).toBeGreaterThanOrEqual(250);
    clock.advance(99);
    expect(admitted(gate, 5)).toBe(0);
    clock.advance(1);
    expect(admitted(gate, 5)).toBe(1);
    // Over one second of saturation: 10 admitted (perSec / 10), whatever the demand.
    let total = 0;
    for (let ms = 0; ms < 1000; ms += 10) {
      clock.advance(10);
      total += admitted(gate, 3);
    }
    expect(total).toBe(10);
    // The loop keeps up again: the bucket, full again a moment later, lets a burst in.
    saturated = false;
    clock.advance(200);
    expect(admitted(gate, 30)).toBe(20);
  });

  it('a trickle of its own when asked (saturatedPerSec)', () => {
    const clock = new FakeClock();
    const gate = new AdmissionGate(clock, { perSec: 100, burst: 20, saturatedPerSec: 2 }, () => true);
    expect(admitted(gate, 5)).toBe(1);
    clock.advance(499);
    expect(admitted(gate, 5)).toBe(0);
    clock.advance(1);
    expect(admitted(gate, 5)).toBe(1);
  });
});
