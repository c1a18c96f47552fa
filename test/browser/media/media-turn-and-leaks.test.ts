import { afterEach, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../support/wait';
import { MediaCall } from './media-call';

describe('TURN restart and resource leaks', () => {
  let call: MediaCall | undefined;

  afterEach(async () => {
    await call?.close();
    call = undefined;
  });

  it('the TURN server restarted (every allocation lost) → every link recovers', async () => {
    call = await MediaCall.withParticipants(['A', 'B', 'C']);
    const created = new Map<string, number>();
    for (const m of call.members) created.set(m.name, (await m.participant.pcCounts()).created);

    await call.turn.restart();
    const restartedAt = Date.now();
    await waitFor(
      async () => {
        for (const m of call?.members ?? []) {
          const rises = await call?.media(m.name, 'firstRiseAfter', restartedAt + 3_000);
          for (const o of call?.others(m.name) ?? [])
            if (typeof rises?.[o.streamId] !== 'number') return false;
        }
        return true;
      },
      { timeoutMs: 40_000, intervalMs: 200, what: 'every stream decoding again after the TURN restart' },
    );
    await call.waitAllDecoding(10_000);
    for (const m of call.members) {
      const streams = await call.streams(m.name);
      for (const o of call.others(m.name)) expect(streams[o.streamId]?.health).toBe('live');
      // Still one open connection per remote participant.
      expect((await m.participant.pcCounts()).open).toBe(2);
    }
  });

  it('after 50 forced renegotiations, connections created minus closed equals the live links in every page; leave stops the camera', async () => {
    call = await MediaCall.start(`media-leak-${Date.now().toString(36)}`, { graceMs: 12_000 });
    await call.join('A', { forceMediaReconnectionAfterNetworkDrop: true });
    await call.join('B');
    await call.join('C');
    await call.waitAllDecoding();
    const a = call.member('A');
    const createdBefore = (await a.participant.pcCounts()).created;

    // Each signaling reset of A renews A's two links (forceMediaReconnectionAfterNetworkDrop): 25 × 2 = 50.
    let renewals = 0;
    for (let i = 0; i < 25; i++) {
      const before = await call.media('A', 'peerConnections');
      const from = await a.participant.nextIndex();
      a.signaling.reset();
      await a.participant.waitForEvent('reconnected', { fromIndex: from, timeoutMs: 15_000 });
      // Both links renewed (new RTCPeerConnections) and A decoding both again before the next round.
      await waitFor(
        async () => {
          const now = await call?.media('A', 'peerConnections');
          return ['B', 'C'].every((x) => now?.[x] && now[x].pcId !== before[x]?.pcId);
        },
        { timeoutMs: 15_000, what: `round ${i + 1}: both of A's links renewed` },
      );
      renewals += 2;
      await waitFor(() => call?.decoding('A', ['B', 'C'], 300), { timeoutMs: 15_000, what: 'A decoding' });
    }
    expect(renewals).toBe(50);
    await call.waitAllDecoding(30_000);
    await delay(1_000);

    const counts = await a.participant.pcCounts();
    expect(counts.created - createdBefore).toBeGreaterThanOrEqual(50);
    for (const m of call.members) {
      // (A throwaway path probe may still be closing: allow it a moment; a leak would stay.)
      await waitFor(
        async () => {
          const c = await m.participant.pcCounts();
          return c.created - c.closed === 2;
        },
        { timeoutMs: 5_000, what: `${m.name}: connections created minus closed = 2 live links` },
      );
    }

    // Leave: A's camera and microphone stop, its connections close, the others keep only their link.
    expect(await call.media('A', 'capturedTracks')).toEqual(['live', 'live']);
    await a.participant.leave();
    await waitFor(async () => (await call?.media('A', 'capturedTracks'))?.every((s) => s === 'ended'), {
      timeoutMs: 5_000,
      what: "A's local tracks stopped",
    });
    expect((await a.participant.pcCounts()).open).toBe(0);
    for (const name of ['B', 'C']) {
      await waitFor(async () => (await call?.member(name).participant.pcCounts())?.open === 1, {
        timeoutMs: 10_000,
        what: `${name} keeping one link`,
      });
    }
  });
});
