import { describe, expect, it } from 'vitest';
import { GraceTimer } from '../../../src/server/hub/grace-timer';
import { HandshakeGate } from '../../../src/server/ops/handshake-gate';
import { FakeClock } from './fake-clock';
import { fakeConnection } from './fake-connection';

/** Stand-ins for engine.io sockets (the gate only keys on their identity). */
const sockets = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('handshake gate', () => {
  it('admits handshaken sockets until maxPending wait to join, then refuses them (with a slot, by the caller) until one settles', () => {
    const clock = new FakeClock();
    const gate = new HandshakeGate(clock, { maxPending: 3 });
    const [a, b, c, d] = sockets(4) as [object, object, object, object];
    for (const s of [a, b, c]) {
      expect(gate.allow()).toBe(true);
      gate.opened(s);
      expect(gate.admit(s)).toBe(true);
    }
    expect(gate.pending).toBe(3);
    // A fourth completes its handshake: past maxPending, it is refused after the upgrade.
    expect(gate.allow()).toBe(true);
    gate.opened(d);
    expect(gate.admit(d)).toBe(false);
    expect(gate.refusals).toBe(1);
    gate.settled(d);
    // A join (or a close) frees a place.
    gate.settled(b);
    expect(gate.pending).toBe(2);
    gate.opened(d);
    expect(gate.admit(d)).toBe(true);
    // Settling twice (joined, then closed) frees the place once.
    gate.settled(b);
    expect(gate.pending).toBe(3);
  });

  it('refuses at the door (before the upgrade) only past twice maxPending', () => {
    const clock = new FakeClock();
    const gate = new HandshakeGate(clock, { maxPending: 2 });
    const all = sockets(4);
    for (const s of all) {
      expect(gate.allow()).toBe(true);
      gate.opened(s);
    }
    expect(gate.allow()).toBe(false);
    expect(gate.allow()).toBe(false);
    expect(gate.refusals).toBe(2);
    gate.settled(all[0] as object);
    expect(gate.allow()).toBe(true);
  });

  it('counts the time spent refusing, an ongoing refusal included, and stops when a place frees', () => {
    const clock = new FakeClock();
    const gate = new HandshakeGate(clock, { maxPending: 1 });
    const [a, b] = sockets(2) as [object, object];
    gate.opened(a);
    gate.opened(b);
    expect(gate.refusingMs()).toBe(0);
    expect(gate.admit(b)).toBe(false);
    clock.advance(700);
    expect(gate.allow()).toBe(false);
    expect(gate.refusingMs()).toBe(700);
    clock.advance(300);
    expect(gate.refusingMs()).toBe(1000);
    gate.settled(b);
    clock.advance(5_000);
    // Refusing ended when the place was freed: the counter no longer grows.
    expect(gate.refusingMs()).toBe(1000);
    expect(gate.allow()).toBe(true);
    expect(gate.refusingMs()).toBe(1000);
  });

  it('a member whose resumes are refused at the door keeps its place past its grace, within the cap', () => {
    const clock = new FakeClock();
    const gate = new HandshakeGate(clock, { maxPending: 1 });
    const grace = new GraceTimer({
      clock,
      graceMs: 12_000,
      maxExtensionMs: 30_000,
      stalledMs: () => gate.refusingMs(),
    });
    const evicted: string[] = [];
    const member = fakeConnection(clock);
    grace.start(member as never, () => evicted.push('member'));
    // Stuck sockets hold every place: every handshake is refused for 20 s.
    gate.opened({});
    gate.opened({});
    for (let s = 0; s < 20; s += 1) {
      expect(gate.allow()).toBe(false);
      clock.advance(1_000);
    }
    expect(evicted).toEqual([]);
    // The door stays shut longer than grace + cap: the member is evicted at the cap, not before.
    clock.advance(21_000);
    expect(evicted).toEqual([]);
    clock.advance(1_001);
    expect(evicted).toEqual(['member']);
  });
});
