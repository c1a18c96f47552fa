import { describe, expect, it } from 'vitest';
import { Inbox } from '../../../src/core/signaling/inbox';
import { FakeClock } from './support/fake-clock';

function inbox() {
  const clock = new FakeClock();
  const acks: number[] = [];
  const box = new Inbox(clock);
  box.attach((seq) => {
    acks.push(seq);
    return true;
  });
  return { clock, acks, box };
}

describe('inbox', () => {
  it('processes each sequence once: repeats and replays of old sequences are dropped', () => {
    const { box } = inbox();
    expect([1, 2, 2, 1, 3, 3].map((seq) => box.accept(seq))).toEqual([true, true, false, false, true, false]);
    expect(box.lastSeq).toBe(3);
  });

  it('starts after the join answer sequence', () => {
    const { box } = inbox();
    box.reset(5);
    expect(box.accept(5)).toBe(false);
    expect(box.accept(6)).toBe(true);
  });

  it('acknowledges the highest processed sequence within 500 ms while events arrive', async () => {
    const { clock, acks, box } = inbox();
    box.accept(1);
    box.accept(2);
    await clock.advance(499);
    expect(acks).toEqual([]);
    await clock.advance(1);
    expect(acks).toEqual([2]);
    box.accept(3);
    await clock.advance(500);
    expect(acks).toEqual([2, 3]);
  });

  it('acknowledges at once every 64 events', () => {
    const { acks, box } = inbox();
    for (let seq = 1; seq <= 130; seq += 1) box.accept(seq);
    expect(acks).toEqual([64, 128]);
  });

  it('sends nothing when nothing new arrived', async () => {
    const { clock, acks, box } = inbox();
    box.accept(1);
    await clock.advance(600);
    await clock.advance(5_000);
    expect(acks).toEqual([1]);
  });

  it('holds acknowledgements while detached and sends the latest once attached again', async () => {
    const { clock, acks, box } = inbox();
    box.attach(null);
    box.accept(1);
    box.accept(2);
    await clock.advance(1_000);
    expect(acks).toEqual([]);
    box.attach((seq) => {
      acks.push(seq);
      return true;
    });
    expect(acks).toEqual([2]);
  });

  it('dispose stops the acknowledgement timer', async () => {
    const { clock, acks, box } = inbox();
    box.accept(1);
    box.dispose();
    await clock.advance(1_000);
    expect(acks).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
