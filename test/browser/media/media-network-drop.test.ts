import { afterEach, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../support/wait';
import type { PeerConnectionView } from '../fixture/media-driver';
import { MediaCall } from './media-call';

type Links = Record<string, Record<string, PeerConnectionView>>;

async function linksOf(call: MediaCall): Promise<Links> {
  const out: Links = {};
  for (const m of call.members) out[m.name] = await call.media(m.name, 'peerConnections');
  return out;
}

const renegotiated = (before?: PeerConnectionView, after?: PeerConnectionView) =>
  before !== undefined &&
  after !== undefined &&
  (after.pcId !== before.pcId || after.offers > before.offers || after.answers > before.answers);

/** Cuts A's whole network (signaling and media) for 9 s, restores it as a new path. */
async function dropA(call: MediaCall): Promise<number> {
  const a = call.member('A');
  const cutAt = Date.now();
  a.signaling.blackhole();
  a.media.cut();
  await a.participant.waitForEvent('reconnecting', { timeoutMs: 8_000 });
  await delay(9_000 - (Date.now() - cutAt));
  a.media.restore({ newPath: true });
  a.signaling.restore();
  return Date.now();
}

/** Waits until every stream decodes a frame newer than `restoredAt`; resolves with the latest such time. */
async function allDecodingAfter(call: MediaCall, restoredAt: number, timeoutMs: number): Promise<number> {
  return waitFor(
    async () => {
      let latest = 0;
      for (const m of call.members) {
        const rises = await call.media(m.name, 'firstRiseAfter', restoredAt);
        for (const other of call.others(m.name)) {
          const t = rises[other.streamId];
          if (typeof t !== 'number') return null;
          latest = Math.max(latest, t);
        }
      }
      return latest;
    },
    { timeoutMs, intervalMs: 100, what: 'every stream decoding after the restore' },
  );
}

describe('S2: the whole network of one participant drops for 9 s (inside the 12 s grace)', () => {
  let call: MediaCall | undefined;

  afterEach(async () => {
    await call?.close();
    call = undefined;
  });

  it('reconnects, renegotiates only the broken links (keeping B–C), every stream decoding within 5 s of restore', async () => {
    call = await MediaCall.withParticipants(['A', 'B', 'C'], {}, { graceMs: 12_000 });
    const a = call.member('A');
    const from = await a.participant.nextIndex();
    const before = await linksOf(call);

    const restoredAt = await dropA(call);
    const back = await a.participant.waitForEvent('reconnected', { fromIndex: from, timeoutMs: 10_000 });
    expect(back.data.connectionId).toBe(a.connectionId);
    const latest = await allDecodingAfter(call, restoredAt, 5_000);
    expect(latest - restoredAt).toBeLessThanOrEqual(5_000);

    await delay(1_000);
    const after = await linksOf(call);
    // A's links were broken (ICE had noticed): renegotiated, at both ends.
    expect(renegotiated(before.A?.B, after.A?.B)).toBe(true);
    expect(renegotiated(before.A?.C, after.A?.C)).toBe(true);
    expect(renegotiated(before.B?.A, after.B?.A)).toBe(true);
    // B–C never broke: untouched.
    expect(after.B?.C).toEqual(before.B?.C);
    expect(after.C?.B).toEqual(before.C?.B);
    expect(await a.participant.connectionId()).toBe(a.connectionId);
  });

  it('with forceMediaReconnectionAfterNetworkDrop, renews every link of the dropped participant', async () => {
    call = await MediaCall.start(`media-force-${Date.now().toString(36)}`, { graceMs: 12_000 });
    await call.join('A', { forceMediaReconnectionAfterNetworkDrop: true });
    await call.join('B');
    await call.join('C');
    await call.waitAllDecoding();
    const a = call.member('A');
    const from = await a.participant.nextIndex();
    const before = await linksOf(call);

    const restoredAt = await dropA(call);
    await a.participant.waitForEvent('reconnected', { fromIndex: from, timeoutMs: 10_000 });
    await allDecodingAfter(call, restoredAt, 10_000);
    await call.waitAllDecoding(10_000);

    const after = await linksOf(call);
    // Renewed: a new RTCPeerConnection at both ends of A–B and A–C.
    for (const [x, y] of [
      ['A', 'B'],
      ['A', 'C'],
      ['B', 'A'],
      ['C', 'A'],
    ] as const) {
      expect(after[x]?.[y]?.pcId).not.toBe(before[x]?.[y]?.pcId);
    }
    expect(after.B?.C).toEqual(before.B?.C);
    expect(after.C?.B).toEqual(before.C?.B);
  });
});
