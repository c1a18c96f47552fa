import { describe, expect, it } from 'vitest';
import { GraceTimer } from '../../../src/server/hub/grace-timer';
import { FakeClock } from './fake-clock';
import { fakeConnection } from './fake-connection';

/** A grace timer on `clock` with no stalls, storm threshold `stormMembers`. */
const graceTimer = (clock: FakeClock, graceMs: number, maxExtensionMs: number, stormMembers: number) =>
  new GraceTimer({ clock, graceMs, maxExtensionMs, stalledMs: () => 0, stormMembers });

/** `count` members that lose their sockets at once; returns them and who was evicted. */
function massLoss(grace: GraceTimer, clock: FakeClock, count: number) {
  const evicted: number[] = [];
  const members = Array.from({ length: count }, (_, i) => {
    const member = fakeConnection(clock);
    grace.start(member as never, () => evicted.push(i));
    return member;
  });
  /** A member resumes: it leaves its grace. */
  const resume = (i: number) => {
    const member = members[i];
    if (!member) return;
    member.status = 'live';
    grace.clear(member as never);
  };
  return { evicted, resume };
}

describe('grace during a storm', () => {
  it('evicts no one while stormMembers or more are in their grace; once the storm drains, the rest run out', () => {
    const clock = new FakeClock();
    const grace = graceTimer(clock, 12_000, 30_000, 5);
    const { evicted, resume } = massLoss(grace, clock, 8);
    clock.advance(12_001);
    expect(evicted).toEqual([]);
    // They come back one by one, slower than the grace: none is evicted while 5 or more still wait.
    for (let i = 0; i < 3; i += 1) {
      resume(i);
      clock.advance(3_000);
      expect(evicted).toEqual([]);
    }
    // 5 still in grace; one more resumes: 4 are left, under the threshold, and their graces run out.
    resume(3);
    clock.advance(1_000 + 250);
    expect(evicted.sort()).toEqual([4, 5, 6, 7]);
  });

  it('holds at most maxExtensionMs past the grace, storm or not', () => {
    const clock = new FakeClock();
    const grace = graceTimer(clock, 1_000, 5_000, 2);
    const { evicted } = massLoss(grace, clock, 3);
    clock.advance(5_999);
    expect(evicted).toEqual([]);
    clock.advance(1_100);
    expect(evicted.sort()).toEqual([0, 1, 2]);
  });

  it('a few members losing their sockets (fewer than stormMembers) are evicted at the end of their grace', () => {
    const clock = new FakeClock();
    const grace = graceTimer(clock, 1_000, 30_000, 200);
    const { evicted } = massLoss(grace, clock, 3);
    clock.advance(1_001);
    expect(evicted.sort()).toEqual([0, 1, 2]);
  });
});
