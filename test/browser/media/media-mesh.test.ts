import { afterEach, describe, expect, it } from 'vitest';
import { MediaCall } from './media-call';

describe('media mesh (real Chromium, fake camera, relay-only ICE through coturn)', () => {
  let call: MediaCall | undefined;

  afterEach(async () => {
    await call?.close();
    call = undefined;
  });

  it('three participants each see two remote videos with decoded frames rising', async () => {
    call = await MediaCall.withParticipants(['A', 'B', 'C']);
    for (const m of call.members) {
      const streams = await call.streams(m.name);
      const remote = call.others(m.name);
      expect(Object.keys(streams).sort()).toEqual(remote.map((r) => r.streamId).sort());
      for (const r of remote) {
        expect(streams[r.streamId]).toEqual({ identity: r.name, health: 'live', hasMedia: true });
      }
      expect(await call.decoding(m.name)).toBe(true);
      // One link per remote participant, nothing more.
      expect((await m.participant.pcCounts()).open).toBe(2);
    }
    // Relay only: every datagram of every participant went through its own UDP path to TURN.
    for (const m of call.members) expect(m.media.stats().toClient).toBeGreaterThan(100);
  });
});
