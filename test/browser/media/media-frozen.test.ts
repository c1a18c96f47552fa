import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { MediaCall } from './media-call';

async function healthEvents(call: MediaCall, at: string, streamId: string, fromIndex: number) {
  return (await call.member(at).participant.eventsNamed('streamHealthChanged')).filter(
    (e) => e.index >= fromIndex && e.data.stream.streamId === streamId,
  );
}

describe('M3: frames stop while ICE stays connected (the sender’s track replaced by a frameless one)', () => {
  let call: MediaCall | undefined;

  afterEach(async () => {
    await call?.close();
    call = undefined;
  });

  it('receivers mark the stream frozen within 2.5 s; when frames return, live', async () => {
    call = await MediaCall.withParticipants(['A', 'B', 'C']);
    const a = call.member('A');
    const from = new Map<string, number>();
    for (const m of call.members) from.set(m.name, await m.participant.nextIndex());

    const frozenAt = Date.now();
    expect(await call.media('A', 'freezeVideo')).toBe(2);
    for (const name of ['B', 'C']) {
      const e = await call.member(name).participant.waitForEvent('streamHealthChanged', {
        fromIndex: from.get(name) ?? 0,
        where: (x) => x.data.stream.streamId === a.streamId && x.data.health === 'frozen',
        timeoutMs: 5_000,
      });
      expect(e.at - frozenAt).toBeLessThanOrEqual(2_500);
      // ICE never noticed anything: no ICE exception for this link.
      const ice = (await call.member(name).participant.eventsNamed('exception')).filter(
        (x) => x.index >= (from.get(name) ?? 0) && x.data.name.startsWith('ICE_'),
      );
      expect(ice).toEqual([]);
    }
    await call.media('A', 'unfreezeVideo');
    for (const name of ['B', 'C']) {
      await waitFor(async () => (await call?.streams(name))?.[a.streamId]?.health === 'live', {
        timeoutMs: 15_000,
        what: `${name} seeing A's stream live again`,
      });
      const healths = (await healthEvents(call, name, a.streamId, from.get(name) ?? 0)).map(
        (e) => e.data.health,
      );
      expect(healths[0]).toBe('frozen');
      expect(healths.at(-1)).toBe('live');
    }
    await call.waitAllDecoding(10_000);
  });

  it('a frozen stream on a connected link is repaired by holdfast itself (like ICE failed)', async () => {
    call = await MediaCall.withParticipants(['A', 'B']);
    const a = call.member('A');
    const B = call.member('B').participant;
    const from = await B.nextIndex();
    const created = (await a.participant.pcCounts()).created;

    await call.media('A', 'freezeVideo');
    const exception = await B.waitForEvent('exception', {
      fromIndex: from,
      where: (x) => x.data.name === 'MEDIA_FROZEN',
      timeoutMs: 5_000,
    });
    expect(exception.data.origin?.streamId).toBe(a.streamId);
    // Never unfrozen by the test: the repair (a fresh peer re-sends the camera) brings frames back.
    await waitFor(async () => (await call?.streams('B'))?.[a.streamId]?.health === 'live', {
      timeoutMs: 20_000,
      what: "B seeing A's stream live again",
    });
    expect((await healthEvents(call, 'B', a.streamId, from)).map((e) => e.data.health)).toEqual([
      'frozen',
      'recovering',
      'live',
    ]);
    expect(await call.decoding('B')).toBe(true);
    expect((await a.participant.pcCounts()).created).toBeGreaterThan(created);
    expect((await a.participant.pcCounts()).open).toBe(1);
  });
});
