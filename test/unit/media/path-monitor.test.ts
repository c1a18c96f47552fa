import { describe, expect, it } from 'vitest';
import { PathMonitor } from '../../../src/core/media/path-monitor';
import { FakeClock } from './support/fake-clock';

/** A probe answered by the test: true while `up`, after `rttMs`. */
function setup() {
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
    await t.clock.advance(5000);
    expect(t.backs).toEqual([]);
    t.setUp(true);
    const restoredAt = t.clock.now();
    await t.clock.advance(1000);
    expect(t.backs).toHaveLength(1);
    expect((t.backs[0] ?? 0) - restoredAt).toBeLessThanOrEqual(400 + 20);
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

  it('keeps a bounded number of probes in flight', async () => {
    const t = setup();
    t.monitor.wake();
    await t.clock.advance(10_000);
    // One every 400 ms, each living 1200 ms.
    expect(t.probes).toBeGreaterThanOrEqual(24);
    expect(t.probes).toBeLessThanOrEqual(26);
  });
});
