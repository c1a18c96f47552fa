import { describe, expect, it } from 'vitest';
import { PeerLink } from '../../../src/core/media/peer-link';
import { FakeClock } from './support/fake-clock';
import { type FakePeer, fakePeerFactory } from './support/fake-peer';

/** A video sender whose setParameters calls are recorded (the refresh pauses, then resumes, its encodings). */
function videoSender(calls: boolean[][]) {
  let encodings = [{ active: true }];
  return {
    track: { kind: 'video' },
    getParameters: () => ({ encodings: encodings.map((e) => ({ ...e })) }),
    setParameters: async (p: { encodings: { active: boolean }[] }) => {
      encodings = p.encodings;
      calls.push(p.encodings.map((e) => e.active));
    },
  };
}

function setup() {
  const clock = new FakeClock();
  const { factory, peers } = fakePeerFactory();
  const link = new PeerLink({
    gen: 0,
    initiator: true,
    config: {},
    localStream: null,
    createPeer: factory,
    clock,
    events: { onSignal() {}, onTrack() {}, onTransport() {}, onDead() {} },
  });
  const peer = peers[0] as FakePeer;
  const calls: boolean[][] = [];
  peer.pc.getSenders = () => [videoSender(calls) as unknown as RTCRtpSender];
  const encoded = (framesEncoded: number) => {
    peer.pc.stats = [{ id: 'out', type: 'outbound-rtp', kind: 'video', framesEncoded }];
  };
  return { clock, link, calls, encoded };
}

describe('key frame after an outage', () => {
  it('waits until the encoder runs again before making the video senders start over', async () => {
    const t = setup();
    t.encoded(100);
    t.link.refreshVideoWhenEncoding();
    await t.clock.advance(400);
    // Encoder still paused for the lost network: a refresh now would be lost.
    expect(t.calls).toEqual([]);
    t.encoded(101);
    await t.clock.advance(60);
    expect(t.calls).toEqual([[false], [true]]);
    await t.clock.advance(2000);
    expect(t.calls).toHaveLength(2);
  });

  it('refreshes anyway when the encoder never moves within 1.5 s', async () => {
    const t = setup();
    t.encoded(100);
    t.link.refreshVideoWhenEncoding();
    await t.clock.advance(1400);
    expect(t.calls).toEqual([]);
    await t.clock.advance(200);
    expect(t.calls).toEqual([[false], [true]]);
  });

  it('stops waiting when the peer closes', async () => {
    const t = setup();
    t.encoded(100);
    t.link.refreshVideoWhenEncoding();
    await t.clock.advance(100);
    t.link.close();
    t.encoded(200);
    await t.clock.advance(2000);
    expect(t.calls).toEqual([]);
    expect(t.clock.pending).toBe(0);
  });
});
