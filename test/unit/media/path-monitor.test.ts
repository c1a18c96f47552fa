import { describe, expect, it } from 'vitest';
import { PathMonitor } from '../../../src/core/media/path-monitor';
import { FakeClock } from './support/fake-clock';

/**
 * A probe answered by the test: true after 20 ms while `up`; while down, false after `failAfterMs` (a
 * relay that refuses at once) or never (a path that drops everything: the probe times out).
 */
function setup(failAfterMs?: number) {
  const clock = new FakeClock(0);
  let up = false;
  let needed = true;
  let probes = 0;
  const backs: number[] = [];
  const monitor = new PathMonitor({
    clock,
    needed: () => needed,
    onPathBack: () => backs.push(clock.now()),
    probe: (signal) =>
      new Promise<boolean>((resolve) => {
        probes += 1;
        if (up) {
          clock.setTimeout(() => resolve(true), 20);
          return;
        }
        if (failAfterMs !== undefined) clock.setTimeout(() => resolve(false), failAfterMs);
        signal.addEventListener('abort', () => resolve(false));
      }),
  });
  return {
    clock,
    monitor,
    backs,
    get probes() {
      return probes;
    },
    setUp(v: boolean) {
      up = v;
    },
    setNeeded(v: boolean) {
      needed = v;
    },
  };
}

describe('PathMonitor', () => {
  it('reports the path back soon after probes that failed start answering', async () => {
    const t = setup();
    t.monitor.wake();
    await t.clock.advance(1000);
    expect(t.backs).toEqual([]);
    t.setUp(true);
    const restoredAt = t.clock.now();
    await t.clock.advance(1000);
    expect(t.backs).toHaveLength(1);
    expect((t.backs[0] ?? 0) - restoredAt).toBeLessThanOrEqual(400 + 20);
  });

  it('backs off after the first probes: a later return is seen by the next probe of the schedule', async () => {
    const t = setup();
    t.monitor.wake();
    await t.clock.advance(5000);
    // 0, 400, 800, 1200, then 1600, 2400, 4000 (the interval doubles).
    expect(t.probes).toBe(7);
    t.setUp(true);
    await t.clock.advance(2300);
    expect(t.backs).toEqual([7200 + 20]);
  });

  it('reports nothing when the path never failed (the other side of a broken link)', async () => {
    const t = setup();
    t.setUp(true);
    t.monitor.wake();
    await t.clock.advance(5000);
    expect(t.backs).toEqual([]);
  });

  it('stops probing once no link needs it, and on stop()', async () => {
    const t = setup();
    t.monitor.wake();
    await t.clock.advance(1000);
    t.setNeeded(false);
    await t.clock.advance(1000);
    const count = t.probes;
    await t.clock.advance(5000);
    expect(t.probes).toBe(count);
    expect(t.monitor.running).toBe(false);
    t.setNeeded(true);
    t.monitor.wake();
    t.monitor.stop();
    await t.clock.advance(5000);
    expect(t.clock.pending).toBe(0);
  });

  it('starts at most 8 probes (throwaway peer connections) in a minute, however often it is woken', async () => {
    const t = setup();
    for (let i = 0; i < 60; i++) {
      t.monitor.wake();
      await t.clock.advance(1000);
    }
    expect(t.probes).toBe(8);
    expect(t.monitor.recentProbes).toBeLessThanOrEqual(8);
    // A minute after the first, the window has room again.
    for (let i = 0; i < 5; i++) {
      t.monitor.wake();
      await t.clock.advance(1000);
    }
    expect(t.probes).toBeGreaterThan(8);
    expect(t.probes).toBeLessThanOrEqual(16);
  });

  it('stops once the path answers: a link broken for a minute on the far side costs one probe', async () => {
    const t = setup();
    t.setUp(true);
    t.monitor.wake();
    await t.clock.advance(60_000);
    // One probe, stopped at its answer (before: every 400 ms, then doubling, 8 in the minute).
    expect(t.probes).toBe(1);
    expect(t.monitor.running).toBe(false);
    expect(t.backs).toEqual([]);
  });

  it('a relay restarted every 12 s: each silent-link check still gets a probe, and the path back is seen', async () => {
    const t = setup(50);
    t.setUp(true);
    const answers: boolean[] = [];
    for (let restart = 0; restart < 5; restart++) {
      // The relay is down for 600 ms; the link falls silent and checks the path at 1 s.
      t.setUp(false);
      t.monitor.wake();
      await t.clock.advance(600);
      t.setUp(true);
      await t.clock.advance(400);
      const check = t.monitor.check(t.clock.now());
      await t.clock.advance(500);
      answers.push(await check);
      await t.clock.advance(10_500);
    }
    expect(answers).toEqual([true, true, true, true, true]);
    expect(t.backs).toHaveLength(5);
    expect(t.monitor.recentProbes).toBeLessThanOrEqual(8);
  });

  it('check() answers whether this page path works from a time on', async () => {
    const t = setup();
    t.setUp(true);
    t.setNeeded(false);
    const up = t.monitor.check(t.clock.now());
    await t.clock.advance(100);
    await expect(up).resolves.toBe(true);
    t.setUp(false);
    const down = t.monitor.check(t.clock.now());
    await t.clock.advance(1500);
    await expect(down).resolves.toBe(false);
    // A probe that failed since `since` spoils a later answer.
    const since = t.clock.now();
    const late = t.monitor.check(since);
    await t.clock.advance(1500);
    t.setUp(true);
    await t.clock.advance(2000);
    await expect(late).resolves.toBe(false);
  });
});
