import { describe, expect, it } from 'vitest';
import { FrozenDetector, type MediaSample } from '../../../src/core/media/frozen-detector';
import { FakeClock } from './support/fake-clock';

const OPTIONS = { frozenAfterMs: 1500, startupMs: 4000, intervalMs: 500 };

/** Drives a detector with one sample per interval; `frames(at)` gives framesDecoded at each time. */
function run(clockStart = 0) {
  let now = clockStart;
  const detector = new FrozenDetector(now, OPTIONS);
  const changes: { at: number; health: string }[] = [];
  let last = detector.health;
  const record = () => {
    if (detector.health !== last) changes.push({ at: now, health: detector.health });
    last = detector.health;
  };
  return {
    detector,
    changes,
    get now() {
      return now;
    },
    sample(sample: Omit<MediaSample, 'at'>, stepMs = 500) {
      now += stepMs;
      detector.observe({ ...sample, at: now });
      record();
    },
    call(fn: (d: FrozenDetector, at: number) => void) {
      fn(detector, now);
      record();
    },
  };
}

describe('FrozenDetector', () => {
  it('stays live while decoded frames rise', () => {
    const t = run();
    for (let i = 1; i <= 20; i++) t.sample({ counter: i * 10 });
    expect(t.detector.health).toBe('live');
    expect(t.changes).toEqual([]);
  });

  it('marks a stall frozen once frames have not moved for frozenAfterMs', () => {
    const t = run();
    for (let i = 1; i <= 4; i++) t.sample({ counter: i * 10 }); // last rise at 2000
    t.sample({ counter: 40 }); // 2500
    t.sample({ counter: 40 }); // 3000
    expect(t.detector.health).toBe('live');
    t.sample({ counter: 40 }); // 3500 = 2000 + 1500
    expect(t.changes).toEqual([{ at: 3500, health: 'frozen' }]);
  });

  it('dates the stall from the last frame inside the reading that saw it, at the rate of the interval before', () => {
    const t = run();
    for (let i = 1; i <= 4; i++) t.sample({ counter: i * 10 }); // 10 frames per 500 ms, up to 2000
    // 6 more frames by 2500, then none: at 10 per 500 ms they took 300 ms, so the last came at 2300.
    t.sample({ counter: 46 });
    expect(t.detector.checkDueAt).toBe(2300 + 1500);
    t.sample({ counter: 46 }); // 3000
    t.sample({ counter: 46 }, 800); // 3800
    expect(t.changes).toEqual([{ at: 3800, health: 'frozen' }]);
  });

  it('never dates the last frame before the reading preceding it, nor after the reading that saw it', () => {
    const early = run();
    for (let i = 1; i <= 4; i++) early.sample({ counter: i * 100 }); // 100 frames per 500 ms
    early.sample({ counter: 401 }); // one frame: 5 ms after 2000
    expect(early.detector.checkDueAt).toBe(2005 + 1500);
    const late = run();
    for (let i = 1; i <= 4; i++) late.sample({ counter: i }); // 1 frame per 500 ms
    late.sample({ counter: 14 }); // 10 frames would take 5 s at that rate: dated at the reading
    expect(late.detector.checkDueAt).toBe(2500 + 1500);
  });

  it('dates from the reading when the rate before is unknown: the first rise, after a stall, or a new receiver', () => {
    const first = run();
    first.sample({ counter: 10 }); // 500
    expect(first.detector.checkDueAt).toBe(500 + 1500);
    const afterStall = run();
    for (let i = 1; i <= 4; i++) afterStall.sample({ counter: i * 10 });
    afterStall.sample({ counter: 40 }); // 2500: no frames
    afterStall.sample({ counter: 41 }); // 3000: the rate of the interval before is 0
    expect(afterStall.detector.checkDueAt).toBe(3000 + 1500);
    const renewed = run();
    for (let i = 1; i <= 4; i++) renewed.sample({ counter: i * 100 });
    renewed.sample({ counter: 3 }); // 2500: a new receiver, whose count started over
    expect(renewed.detector.checkDueAt).toBe(2500 + 1500);
  });

  it('goes back to live only when frames rise again', () => {
    const t = run();
    t.sample({ counter: 10 });
    for (let i = 0; i < 4; i++) t.sample({ counter: 10 });
    expect(t.detector.health).toBe('frozen');
    t.call((d) => d.setRepairing(true));
    expect(t.detector.health).toBe('recovering');
    t.sample({ counter: 10 });
    expect(t.detector.health).toBe('recovering');
    // One stray frame, or frames for less than a second, is no recovery.
    t.sample({ counter: 11 });
    t.sample({ counter: 12 });
    expect(t.detector.health).toBe('recovering');
    t.sample({ counter: 13 });
    expect(t.changes.map((c) => c.health)).toEqual(['frozen', 'recovering', 'live']);
  });

  it('does not call a stream live again on frames that come and stop (a sender whose camera froze)', () => {
    const t = run();
    t.sample({ counter: 10 });
    for (let i = 0; i < 4; i++) t.sample({ counter: 10 });
    expect(t.detector.health).toBe('frozen');
    for (let burst = 0; burst < 5; burst++) {
      t.sample({ counter: 11 + burst * 2 });
      t.sample({ counter: 12 + burst * 2 });
      t.sample({ counter: 12 + burst * 2 });
    }
    expect(t.changes.map((c) => c.health)).toEqual(['frozen']);
  });

  it('falls back to frozen when a repair ends without frames', () => {
    const t = run();
    t.sample({ counter: 10 });
    for (let i = 0; i < 4; i++) t.sample({ counter: 10 });
    t.call((d) => d.setRepairing(true));
    t.call((d) => d.setRepairing(false));
    expect(t.changes.map((c) => c.health)).toEqual(['frozen', 'recovering', 'frozen']);
  });

  it('reads a stall while a repair runs as recovering, not frozen', () => {
    const t = run();
    t.sample({ counter: 10 });
    t.call((d) => d.setRepairing(true));
    for (let i = 0; i < 4; i++) t.sample({ counter: 10 });
    expect(t.changes.map((c) => c.health)).toEqual(['recovering']);
  });

  it('is muted, not frozen, while the publisher has its video off', () => {
    const t = run();
    t.sample({ counter: 10 });
    t.call((d, at) => d.setActive(false, at));
    for (let i = 0; i < 10; i++) t.sample({ counter: 10 });
    expect(t.detector.health).toBe('muted');
    t.call((d, at) => d.setActive(true, at));
    expect(t.detector.health).toBe('live');
    // Video back on: frames are due again, within the startup allowance plus frozenAfterMs.
    for (let i = 0; i < 10; i++) t.sample({ counter: 10 });
    expect(t.detector.health).toBe('live');
    for (let i = 0; i < 2; i++) t.sample({ counter: 10 });
    expect(t.detector.health).toBe('frozen');
  });

  it('gives a new stream the startup allowance before its first frame', () => {
    const t = run();
    for (let i = 0; i < 10; i++) t.sample({ counter: 0 }); // 5000 < 4000 + 1500
    expect(t.detector.health).toBe('live');
    t.sample({ counter: 0 }); // 5500
    expect(t.changes).toEqual([{ at: 5500, health: 'frozen' }]);
  });

  it('restarts the count for a new receiver (its counter went down), so its first frames count as a rise', () => {
    const t = run();
    t.sample({ counter: 500 });
    for (let i = 0; i < 4; i++) t.sample({ counter: 500 });
    expect(t.detector.health).toBe('frozen');
    t.sample({ counter: 3 });
    t.sample({ counter: 13 });
    t.sample({ counter: 23 });
    expect(t.detector.health).toBe('live');
  });

  it('does not count a new receiver without frames yet as a rise', () => {
    const t = run();
    t.sample({ counter: 500 });
    for (let i = 0; i < 4; i++) t.sample({ counter: 500 });
    expect(t.detector.health).toBe('frozen');
    t.sample({ counter: 0 });
    expect(t.detector.health).toBe('frozen');
    t.sample({ counter: 0 });
    expect(t.detector.health).toBe('frozen');
    t.sample({ counter: 2 });
    t.sample({ counter: 12 });
    t.sample({ counter: 22 });
    expect(t.detector.health).toBe('live');
  });

  it('asks for a check exactly when a stall would turn into frozen', () => {
    const t = run();
    t.sample({ counter: 10 }); // rise at 500
    t.sample({ counter: 10 });
    expect(t.detector.checkDueAt).toBe(2000);
  });

  it('runs on a fake clock: a stall at 20 fps between two readings is detected 1.5 s after the last frame', async () => {
    const clock = new FakeClock(0);
    const detector = new FrozenDetector(clock.now(), OPTIONS);
    let frozenAt: number | null = null;
    // 20 fps; the last frame at 3.15 s, between the readings at 3.0 and 3.5 s; sampling every 500 ms
    // or at checkDueAt.
    const tick = () => {
      const now = clock.now();
      detector.observe({ at: now, counter: Math.floor(Math.min(now, 3150) / 50) });
      if (detector.health === 'frozen' && frozenAt === null) frozenAt = now;
      const due = detector.checkDueAt;
      const next = due !== null && due > now ? Math.min(500, due - now) : 500;
      clock.setTimeout(tick, next);
    };
    clock.setTimeout(tick, 500);
    await clock.advance(10_000);
    expect(frozenAt).not.toBeNull();
    expect((frozenAt ?? 0) - 3150).toBeGreaterThanOrEqual(1500);
    expect((frozenAt ?? 0) - 3150).toBeLessThan(1600);
  });
});
