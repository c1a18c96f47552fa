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

  it('probes every 400 ms for 8 s, then backs off: a later return is seen by the next probe of the schedule', async () => {
    const t = setup();
    t.monitor.wake();
    await t.clock.advance(7_900);
    // 0, 400, …, 7600: twenty probes at the first interval.
    expect(t.probes).toBe(20);
    await t.clock.advance(4_100);
    // Then 8000, 8800, 10400 (the interval doubles), the next at 13600.
    expect(t.probes).toBe(23);
    t.setUp(true);
    await t.clock.advance(2_000);
    expect(t.backs).toEqual([13_600 + 20]);
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

  it('a minute-long outage takes 38 probes on its schedule (the interval doubles up to 3.2 s), under the budget of 45', async () => {
    const t = setup();
    for (let i = 0; i < 60; i++) {
      t.monitor.wake();
      await t.clock.advance(1000);
    }
    // 20 in the first 8 s, then 8000, 8800, 10400 and every 3200 ms from 13600 to 58400.
    expect(t.probes).toBe(38);
    expect(t.monitor.running).toBe(true);
    expect(t.monitor.down).toBe(true);
  });

  it('starts at most 45 probes in a minute, however often it is stopped and woken again', async () => {
    const t = setup();
    for (let i = 0; i < 60; i++) {
      t.monitor.stop();
      t.monitor.wake();
      // (At 60 s the first probe leaves the window.)
      await t.clock.advance(i === 59 ? 999 : 1000);
    }
    expect(t.probes).toBe(45);
    expect(t.monitor.recentProbes).toBeLessThanOrEqual(45);
    // A minute after the first, the window has room again.
    for (let i = 0; i < 5; i++) {
      t.monitor.stop();
      t.monitor.wake();
      await t.clock.advance(1000);
    }
    expect(t.probes).toBeGreaterThan(45);
    expect(t.probes).toBeLessThanOrEqual(60);
  });

  it('out of budget, it pauses until the window has room, the path still down; a check is answered false at once', async () => {
    const clock = new FakeClock(0);
    let up = false;
    let probes = 0;
    const backs: number[] = [];
    const monitor = new PathMonitor({
      clock,
      maxProbes: 5,
      needed: () => true,
      onPathBack: () => backs.push(clock.now()),
      probe: (signal) =>
        new Promise<boolean>((resolve) => {
          probes += 1;
          if (up) clock.setTimeout(() => resolve(true), 20);
          else signal.addEventListener('abort', () => resolve(false));
        }),
    });
    monitor.wake();
    await clock.advance(2_000);
    // 0, 400, 800, 1200, 1600: the budget is spent.
    expect(probes).toBe(5);
    expect(monitor.running).toBe(true);
    expect(monitor.down).toBe(true);
    const check = monitor.check(clock.now());
    await clock.advance(1);
    await expect(check).resolves.toBe(false);
    await clock.advance(30_000);
    expect(probes).toBe(5);
    expect(monitor.down).toBe(true);
    // A minute after the first probe, the window has room: the next probe sees the path back.
    up = true;
    await clock.advance(28_100);
    expect(probes).toBe(6);
    expect(backs).toEqual([60_020]);
    expect(monitor.down).toBe(false);
  });

  it('down: a probe failed and none answered since; a kick (network change) clears it until a probe from then on fails', async () => {
    const t = setup(50);
    expect(t.monitor.down).toBe(false);
    t.monitor.wake();
    await t.clock.advance(60);
    expect(t.monitor.down).toBe(true);
    await t.clock.advance(10_000);
    const before = t.probes;
    // Backed off (the next probe is seconds away): a kick launches one now and clears `down` meanwhile.
    t.monitor.kick();
    expect(t.probes).toBe(before + 1);
    expect(t.monitor.down).toBe(false);
    await t.clock.advance(60);
    expect(t.monitor.down).toBe(true);
    // …and the schedule starts over at 400 ms.
    await t.clock.advance(400);
    expect(t.probes).toBe(before + 2);
    t.setUp(true);
    await t.clock.advance(500);
    expect(t.monitor.down).toBe(false);
    expect(t.backs).toHaveLength(1);
    expect(t.monitor.running).toBe(false);
  });

  it('stops once the path answers: a link broken for a minute on the far side costs one probe', async () => {
    const t = setup();
    t.setUp(true);
    t.monitor.wake();
    await t.clock.advance(60_000);
    // One probe, stopped at its answer (not every 400 ms, then doubling, 27 in the minute).
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

/** A stand-in for the browser's RTCPeerConnection: records what the probe does; the test fires candidates. */
class FakeProbePc {
  static made: FakeProbePc[] = [];
  onicecandidate:
    | ((event: { candidate: { type: string; usernameFragment?: string } | null }) => void)
    | null = null;
  restarts = 0;
  offers = 0;
  closed = false;
  iceGatheringState: RTCIceGatheringState = 'new';
  constructor(readonly config: RTCConfiguration) {
    FakeProbePc.made.push(this);
  }
  createDataChannel() {}
  restartIce() {
    this.restarts += 1;
  }
  /** Each offer gathers under a new username fragment (`u1`, `u2`, …), as `restartIce()` makes it. */
  async createOffer() {
    this.offers += 1;
    return { type: 'offer', sdp: `v=0\r\na=ice-ufrag:u${this.offers}\r\n` };
  }
  async setLocalDescription() {
    this.iceGatheringState = 'gathering';
  }
  close() {
    this.closed = true;
  }
  /** A candidate of the gathering under `ufrag` (default: the latest offer's); null ends the gathering. */
  gathered(type: string | null, ufrag = `u${this.offers}`) {
    if (type === null) this.iceGatheringState = 'complete';
    this.onicecandidate?.({ candidate: type === null ? null : { type, usernameFragment: ufrag } });
  }
}

/** Lets the probe's promise chains (createOffer, setLocalDescription) run. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('browserPathProbe', () => {
  const turn: RTCConfiguration = {
    iceServers: [{ urls: 'turn:relay.example:3478', username: 'u', credential: 'c' }],
  };

  async function withFakePc(run: () => Promise<void>) {
    const real = (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    FakeProbePc.made = [];
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakeProbePc;
    try {
      await run();
    } finally {
      (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = real;
    }
  }

  it('keeps one connection for an episode: later tries restart its ICE; a relay candidate answers every try; release closes it', () =>
    withFakePc(async () => {
      const { browserPathProbe } = await import('../../../src/core/media/path-monitor');
      const probe = browserPathProbe(() => turn);
      const first = new AbortController();
      const tries = [probe(first.signal)];
      await Promise.resolve();
      first.abort(); // timed out: the path drops everything
      await expect(tries[0]).resolves.toBe(false);
      const second = probe(new AbortController().signal);
      const third = probe(new AbortController().signal);
      await flush();
      expect(FakeProbePc.made).toHaveLength(1);
      const [pc] = FakeProbePc.made as [FakeProbePc];
      expect(pc.config.iceTransportPolicy).toBe('relay');
      expect(pc.restarts).toBe(2);
      expect(pc.offers).toBe(3);
      pc.gathered('host');
      pc.gathered('relay');
      await expect(second).resolves.toBe(true);
      await expect(third).resolves.toBe(true);
      expect(pc.closed).toBe(false);
      probe.release?.();
      expect(pc.closed).toBe(true);
      // The next episode starts on a new connection.
      const next = probe(new AbortController().signal);
      await flush();
      expect(FakeProbePc.made).toHaveLength(2);
      // A gathering's end fails nothing (it cannot be told which gathering ended): the try times out.
      FakeProbePc.made[1]?.gathered(null);
      await flush();
      let settled: boolean | null = null;
      void next.then((ok) => {
        settled = ok;
      });
      await flush();
      expect(settled).toBe(null);
      probe.release?.();
      await expect(next).resolves.toBe(false);
    }));

  it('ignores what an earlier gathering still reports: its end does not fail the next try (Chromium reports it late, as complete), its relay does not answer it', () =>
    withFakePc(async () => {
      const { browserPathProbe } = await import('../../../src/core/media/path-monitor');
      const probe = browserPathProbe(() => turn);
      const first = probe(new AbortController().signal);
      await flush();
      const [pc] = FakeProbePc.made as [FakeProbePc];
      pc.gathered('relay');
      await expect(first).resolves.toBe(true);
      // The next try restarts ICE (gathering u2) before the first gathering's end arrives.
      let settled: boolean | null = null;
      void probe(new AbortController().signal).then((ok) => {
        settled = ok;
      });
      await flush();
      pc.gathered(null); // u1's end, reported after u2 began, with the state `complete`
      pc.gathered('relay', 'u1'); // late, of u1
      await flush();
      expect(settled).toBe(null);
      pc.gathered('relay');
      await flush();
      expect(settled).toBe(true);
      probe.release?.();
    }));

  it('release answers a try still under way with false', () =>
    withFakePc(async () => {
      const { browserPathProbe } = await import('../../../src/core/media/path-monitor');
      const probe = browserPathProbe(() => turn);
      const pending = probe(new AbortController().signal);
      probe.release?.();
      await expect(pending).resolves.toBe(false);
      expect(FakeProbePc.made[0]?.closed).toBe(true);
    }));

  it('PathMonitor releases the probe when it stops', async () => {
    const clock = new FakeClock(0);
    let released = 0;
    const probe = Object.assign((_signal: AbortSignal) => Promise.resolve(false), {
      release: () => {
        released += 1;
      },
    });
    const monitor = new PathMonitor({ clock, probe, needed: () => true, onPathBack: () => {} });
    monitor.wake();
    await clock.advance(1000);
    expect(released).toBe(0);
    monitor.stop();
    expect(released).toBe(1);
  });
});

describe('PathMonitor holds its probe while it probes, and not a moment longer', () => {
  it('on the far side of an outage (its path answers, a link still broken) keeps the probe between wakes, one connection for all', async () => {
    const clock = new FakeClock(0);
    let released = 0;
    let probes = 0;
    let needed = true;
    const probe = Object.assign(
      () => {
        probes += 1;
        return new Promise<boolean>((resolve) => clock.setTimeout(() => resolve(true), 20));
      },
      {
        release: () => {
          released += 1;
        },
      },
    );
    const monitor = new PathMonitor({ clock, probe, needed: () => needed, onPathBack: () => {} });
    for (let i = 0; i < 5; i++) {
      // Each change of the broken link (a new peer, its transport moving) wakes the monitor again.
      monitor.wake();
      await clock.advance(5_000);
      expect(monitor.running).toBe(false);
      monitor.reconsider();
    }
    expect(probes).toBe(5);
    expect(released).toBe(0);
    needed = false;
    monitor.reconsider();
    expect(released).toBe(1);
  });

  it('keeps the probe through a long outage (one connection), releases it as soon as no link needs the path', async () => {
    const clock = new FakeClock(0);
    const released: number[] = [];
    let needed = true;
    const probe = Object.assign(
      (signal: AbortSignal) =>
        new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(false))),
      { release: () => released.push(clock.now()) },
    );
    const monitor = new PathMonitor({ clock, probe, needed: () => needed, onPathBack: () => {} });
    monitor.wake();
    await clock.advance(40_000);
    // Backed off to 3.2 s between tries, the connection is kept: released, it would be built again.
    expect(released).toEqual([]);
    monitor.reconsider();
    expect(monitor.running).toBe(true);
    // The links healed (by themselves): the next reading stops the monitor at once, not at its next try.
    needed = false;
    await clock.advance(100);
    monitor.reconsider();
    expect(released).toEqual([40_100]);
    expect(monitor.running).toBe(false);
    expect(monitor.down).toBe(false);
  });
});
