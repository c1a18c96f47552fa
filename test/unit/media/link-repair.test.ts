import { describe, expect, it } from 'vitest';
import { PeerGeneration } from '../../../src/core/media/peer-generation';
import { DEFAULT_REPAIR_POLICY, repairStep, retryDelay } from '../../../src/core/media/repair-policy';
import { fakePeerFactory } from './support/fake-peer';
import { joinedPlane, joinedPlaneWithPath } from './support/plane-fixture';

const resetsOf = (sent: { payload: { type: string }; link: { gen: number } }[]) =>
  sent
    .filter((m) => m.payload.type === 'reset')
    .map((m) => ({ gen: m.link.gen, reason: (m.payload as unknown as { reason: string }).reason }));

/** A stats report: one inbound video with `frames` decoded (and as many packets), and its transport's bytes. */
const videoStats = (frames: number, bytes: number) => [
  { id: 'in1', type: 'inbound-rtp', kind: 'video', framesDecoded: frames, packetsReceived: frames },
  { id: 'tr', type: 'transport', bytesReceived: bytes },
];

/** alice offers to bob (alice < bob); bob answers alice. */
function connected(local: 'alice' | 'bob', settings = {}) {
  const fx = joinedPlane(local, [local === 'alice' ? 'bob' : 'alice'], settings);
  fx.peers[0]?.pc.setState('connected', 'connected');
  return fx;
}

describe('repair policy', () => {
  it('escalates from an ICE restart to fresh peers on the offering side', () => {
    const ctx = { offerer: true, peerAlive: true, renew: false };
    expect([0, 1, 2, 3].map((a) => repairStep(a, ctx))).toEqual([
      'iceRestart',
      'newPeer',
      'newPeer',
      'newPeer',
    ]);
    expect(repairStep(0, { ...ctx, peerAlive: false })).toBe('newPeer');
    expect(repairStep(0, { ...ctx, renew: true })).toBe('newPeer');
  });

  it('only asks on the answering side, first for a repair, then for a fresh peer', () => {
    const ctx = { offerer: false, peerAlive: true, renew: false };
    expect([0, 1, 2].map((a) => repairStep(a, ctx))).toEqual([
      'requestRepair',
      'requestRepair',
      'requestNewPeer',
    ]);
    expect(repairStep(0, { ...ctx, peerAlive: false })).toBe('requestNewPeer');
  });

  it('pauses only from the third attempt on, doubling up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((a) => retryDelay(a, DEFAULT_REPAIR_POLICY))).toEqual([
      0, 0, 500, 1000, 2000, 4000, 4000, 4000,
    ]);
  });
});

describe('ICE watchdog on a link (offering side)', () => {
  it('M2: disconnected → exception with the stream as origin, ICE restart after 4000 ms', async () => {
    const { peers, clock, eventsNamed } = connected('alice');
    const pc = peers[0]?.pc;
    pc?.setState('disconnected', 'disconnected');
    expect(eventsNamed('exception')).toEqual([
      expect.objectContaining({
        name: 'ICE_CONNECTION_DISCONNECTED',
        origin: { streamId: 's-bob', connectionId: 'c-bob', identity: 'bob' },
      }),
    ]);
    await clock.advance(3999);
    expect(pc?.restarts).toBe(0);
    await clock.advance(1);
    expect(pc?.restarts).toBe(1);
    expect(peers[0]?.negotiations).toBe(1);
  });

  it('an ICE restart offers every transceiver inactive, then the next offer restores each direction', async () => {
    const { peers, clock, sent } = connected('alice');
    const peer = peers[0];
    const [audio, video] = peer?.pc.transceivers ?? [];
    if (audio) audio.direction = 'recvonly'; // e.g. this side publishes no microphone
    peer?.pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    expect(peer?.pc.restarts).toBe(1);
    expect(peer?.negotiations).toBe(1);
    expect([audio?.direction, video?.direction]).toEqual(['inactive', 'inactive']);
    // simple-peer emits the restart's offer once it is the local description: directions come back.
    peer?.emit('signal', { type: 'offer', sdp: 'v=0 restart' });
    expect(sent.some((m) => m.payload.type === 'offer')).toBe(true);
    expect(audio?.set).toEqual(['recvonly', 'inactive', 'recvonly']);
    expect(video?.set).toEqual(['inactive', 'sendrecv']);
    expect(peer?.negotiations).toBe(2);
    // Later offers change nothing.
    peer?.emit('signal', { type: 'offer', sdp: 'v=0 next' });
    expect(video?.set).toEqual(['inactive', 'sendrecv']);
    expect(peer?.negotiations).toBe(2);
  });

  it('a second ICE restart before the first offer is out keeps the directions saved by the first', () => {
    const { factory, peers } = fakePeerFactory();
    const events = { onSignal: () => {}, onTrack: () => {}, onTransport: () => {}, onDead: () => {} };
    const generation = new PeerGeneration({
      initiator: true,
      config: {},
      localStream: null,
      createPeer: factory,
      events,
    });
    const peer = peers[0];
    const [audio, video] = peer?.pc.transceivers ?? [];
    if (audio) audio.direction = 'recvonly';
    expect(generation.restartIce()).toBe(true);
    expect(generation.restartIce()).toBe(true);
    expect(peer?.pc.restarts).toBe(2);
    expect([audio?.direction, video?.direction]).toEqual(['inactive', 'inactive']);
    peer?.emit('signal', { type: 'offer', sdp: 'v=0 restart' });
    expect([audio?.direction, video?.direction]).toEqual(['recvonly', 'sendrecv']);
    generation.close();
  });

  it('builds a fresh peer when a transceiver is stopped and refuses the restart', async () => {
    const { peers, clock } = connected('alice');
    peers[0]?.pc.transceivers[1]?.stop();
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    expect(peers).toHaveLength(2);
    expect(peers[0]?.pc.closed).toBe(true);
  });

  it('M2 healing by itself: no repair when the connection is back within the timeout', async () => {
    const { peers, clock, sent } = connected('alice');
    const pc = peers[0]?.pc;
    pc?.setState('disconnected', 'disconnected');
    await clock.advance(3000);
    pc?.setState('connected', 'connected');
    await clock.advance(20_000);
    expect(pc?.restarts).toBe(0);
    expect(peers).toHaveLength(1);
    expect(resetsOf(sent)).toEqual([]);
  });

  it('pauses video while the link is down, so nothing is sent into the dead path, and resumes it once back', async () => {
    const { peers, clock } = connected('alice');
    const pc = peers[0]?.pc;
    expect(pc?.video.applied).toEqual([]);
    pc?.setState('disconnected', 'disconnected');
    await clock.advance(0);
    expect(pc?.video.active).toBe(false);
    pc?.setState('failed', 'failed');
    await clock.advance(0);
    // Still down: no second pause, nothing resumed.
    expect(pc?.video.applied).toEqual([false]);
    pc?.setState('connected', 'connected');
    await clock.advance(0);
    // Back: the refresh pauses and resumes, so the encoder starts over with a key frame.
    expect(pc?.video.applied).toEqual([false, false, true]);
    expect(pc?.video.active).toBe(true);
  });

  it('M1: failed (simple-peer destroys its peer) → exception and a fresh peer at once, without that peer', async () => {
    const { peers, clock, sent, eventsNamed } = connected('alice');
    peers[0]?.failAndDestroy();
    await clock.advance(0);
    expect(eventsNamed('exception').map((e) => e.name)).toEqual(['ICE_CONNECTION_FAILED']);
    expect(eventsNamed('exception')[0]?.origin?.streamId).toBe('s-bob');
    expect(peers).toHaveLength(2);
    expect(peers[1]?.options.initiator).toBe(true);
    expect(peers[1]?.options.config).toEqual(peers[0]?.options.config);
    expect(resetsOf(sent)).toEqual([{ gen: 1, reason: 'new-peer' }]);
    expect(peers[0]?.pc.listenerCount).toBe(0);
  });

  it('escalates to a fresh peer when the ICE restart does not bring the link back within its budget', async () => {
    const { peers, clock, sent } = connected('alice');
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    expect(peers[0]?.pc.restarts).toBe(1);
    await clock.advance(DEFAULT_REPAIR_POLICY.iceRestartBudgetMs - 1);
    expect(peers).toHaveLength(1);
    await clock.advance(1);
    expect(peers).toHaveLength(2);
    expect(resetsOf(sent)).toEqual([{ gen: 1, reason: 'new-peer' }]);
  });

  it('never runs two repairs of one link at once', async () => {
    const { peers, clock, plane } = connected('alice');
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    // More triggers while the ICE restart runs: a remote request and a signaling restore.
    plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'reset', reason: 'repair' },
    );
    plane.onSignalingRestored({ downtimeMs: 9000 });
    await clock.advance(100);
    // No second ICE restart beside the first; the renewal for the link still broken after the drop
    // takes over from it (one fresh peer), it does not run beside it.
    expect(peers[0]?.pc.restarts).toBe(1);
    expect(peers).toHaveLength(2);
    expect(peers[1]?.pc.restarts).toBe(0);
  });

  it('stops repairing once the link is healthy again', async () => {
    const { peers, clock } = connected('alice');
    const pc = peers[0]?.pc;
    pc?.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    pc?.setState('connected', 'connected');
    // Frames are needed too: the stream's receiver reports rising framesDecoded.
    if (pc)
      pc.stats = [{ id: 'in1', type: 'inbound-rtp', kind: 'video', framesDecoded: 50, packetsReceived: 60 }];
    await clock.advance(600);
    await clock.advance(30_000);
    expect(pc?.restarts).toBe(1);
    expect(peers).toHaveLength(1);
  });

  it('waits for signaling before a repair step', async () => {
    const { peers, clock, setSignaling } = connected('alice');
    setSignaling(false);
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(10_000);
    expect(peers[0]?.pc.restarts).toBe(0);
    setSignaling(true);
    await clock.advance(0);
    expect(peers[0]?.pc.restarts).toBe(1);
  });
});

describe('ICE watchdog on a link (answering side)', () => {
  it('asks the offerer for a repair after the timeout instead of offering itself', async () => {
    const { peers, clock, sent } = connected('bob');
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    expect(peers[0]?.pc.restarts).toBe(0);
    expect(resetsOf(sent)).toEqual([{ gen: 0, reason: 'repair' }]);
  });

  it('asks for a fresh peer when simple-peer destroyed its own', async () => {
    const { peers, clock, sent } = connected('bob');
    peers[0]?.failAndDestroy();
    await clock.advance(0);
    expect(resetsOf(sent)).toEqual([{ gen: 0, reason: 'renew' }]);
    expect(peers).toHaveLength(1);
  });
});

describe('requests from the answering side (offering side)', () => {
  it('restarts ICE on a repair request and builds a fresh peer on a renew request', async () => {
    const { peers, clock, plane } = connected('alice');
    plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'reset', reason: 'repair' },
    );
    await clock.advance(0);
    expect(peers[0]?.pc.restarts).toBe(1);
    const other = connected('alice');
    other.plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'reset', reason: 'renew' },
    );
    await other.clock.advance(0);
    expect(other.peers).toHaveLength(2);
  });
});

describe('after reconnected (S2)', () => {
  it('leaves healthy links alone', async () => {
    const { peers, clock, plane, sent } = connected('alice');
    plane.onSignalingRestored({ downtimeMs: 9000 });
    await clock.advance(0);
    expect(peers[0]?.pc.restarts).toBe(0);
    expect(peers).toHaveLength(1);
    expect(resetsOf(sent)).toEqual([]);
  });

  it('gives a link broken meanwhile a fresh peer at once, without waiting for the disconnected timeout', async () => {
    const { peers, clock, plane, sent } = connected('alice');
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(1000);
    plane.onSignalingRestored({ downtimeMs: 9000 });
    await clock.advance(0);
    expect(peers[0]?.pc.restarts).toBe(0);
    expect(peers).toHaveLength(2);
    expect(resetsOf(sent)).toEqual([{ gen: 1, reason: 'new-peer' }]);
  });

  it('as the answering side, asks for a fresh peer for a link broken meanwhile', async () => {
    const { peers, clock, plane, sent } = connected('bob');
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(1000);
    plane.onSignalingRestored({ downtimeMs: 9000 });
    await clock.advance(0);
    expect(peers).toHaveLength(1);
    expect(resetsOf(sent)).toEqual([{ gen: 0, reason: 'renew' }]);
  });

  it('renews every link with forceMediaReconnectionAfterNetworkDrop', async () => {
    const { peers, clock, plane, sent } = joinedPlane('alice', ['bob', 'carol'], {
      forceMediaReconnectionAfterNetworkDrop: true,
    });
    for (const peer of peers) peer.pc.setState('connected', 'connected');
    plane.onSignalingRestored({ downtimeMs: 9000 });
    await clock.advance(0);
    expect(peers).toHaveLength(4);
    expect(resetsOf(sent)).toEqual([
      { gen: 1, reason: 'new-peer' },
      { gen: 1, reason: 'new-peer' },
    ]);
    expect(peers.slice(0, 2).every((p) => p.pc.closed)).toBe(true);
  });
});

describe('frozen stream on a link', () => {
  it('M3: frames stop while the path still carries traffic → frozen, exception, repair at once', async () => {
    const { peers, clock, eventsNamed } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    let frames = 0;
    let bytes = 0;
    for (let i = 0; i < 10; i++) {
      frames += 10;
      bytes += 1000;
      pc.stats = videoStats(frames, bytes);
      await clock.advance(500);
    }
    expect(eventsNamed('streamHealthChanged')).toEqual([]);
    for (let i = 0; i < 5; i++) {
      bytes += 1000; // audio and RTCP still arrive
      pc.stats = videoStats(frames, bytes);
      await clock.advance(500);
    }
    const health = eventsNamed('streamHealthChanged').map((e) => e.health);
    expect(health).toEqual(['frozen', 'recovering']);
    expect(eventsNamed('exception').map((e) => e.name)).toEqual(['MEDIA_FROZEN']);
    expect(pc.restarts).toBe(1);
    // Live again once frames decode steadily (a second).
    for (let i = 1; i <= 3; i++) {
      pc.stats = videoStats(frames + 5 * i, bytes + 1000 * i);
      await clock.advance(500);
    }
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'recovering', 'live']);
  });

  it('a sender whose own source stalled: two short repairs, then frozen for good, without more peers', async () => {
    const { peers, clock, eventsNamed } = connected('alice');
    let frames = 0;
    let bytes = 0;
    /** Advances `ms` with audio and RTCP still arriving on the newest peer and `rise` video frames a tick. */
    const run = async (ms: number, rise = 0) => {
      for (let t = 0; t < ms; t += 500) {
        frames += rise;
        bytes += 1000;
        const pc = peers.at(-1)?.pc;
        if (pc) {
          pc.setState('connected', 'connected');
          pc.stats = videoStats(frames, bytes);
        }
        await clock.advance(500);
      }
    };
    await run(5000, 10);
    // The camera stops; each fresh peer brings one key frame, then nothing.
    for (let i = 0; i < 6; i++) {
      await run(1000, i % 3 === 0 ? 1 : 0);
      await run(9000);
    }
    const built = peers.length;
    // Offering side: ICE restart then one fresh peer per repair, two repairs in all.
    expect(built).toBeLessThanOrEqual(3);
    await run(60_000);
    expect(peers.length).toBe(built);
    const health = eventsNamed('streamHealthChanged').map((e) => e.health);
    expect(health).not.toContain('live');
    expect(health.at(-1)).toBe('frozen');
    // Frames decoding steadily again: live, and a later stall is repaired again.
    await run(2000, 10);
    expect(eventsNamed('streamHealthChanged').at(-1)?.health).toBe('live');
  });

  it('leaves a frozen stream on a silent path to the ICE watchdog (it may heal by itself)', async () => {
    const { peers, clock, eventsNamed } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = videoStats(10, 1000);
    await clock.advance(500);
    await clock.advance(3000);
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen']);
    expect(pc.restarts).toBe(0);
  });

  /** A link that healed by itself (disconnected → connected, no repair), then frames stop again. */
  async function stallAfterSelfHeal() {
    const fx = connected('alice');
    const pc = fx.peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    let frames = 0;
    let bytes = 0;
    const tick = async (framesPerTick: number) => {
      frames += framesPerTick;
      bytes += 1000; // audio and RTCP still arrive
      pc.stats = videoStats(frames, bytes);
      await fx.clock.advance(500);
    };
    for (let i = 0; i < 4; i++) await tick(10);
    pc.setState('disconnected', 'disconnected');
    await fx.clock.advance(2000);
    pc.setState('connected', 'connected'); // back within the disconnected timeout: healed by itself
    for (let i = 0; i < 3; i++) await tick(3); // a second of frames: live again
    for (let i = 0; i < 4; i++) await tick(0);
    return { ...fx, pc, tick };
  }

  it('soon after a link healed by itself, reports a stall as frozen but gives the sender one more period', async () => {
    const { pc, tick, eventsNamed } = await stallAfterSelfHeal();
    // Frozen during the outage, live after the heal, frozen again when the frames stop.
    expect(eventsNamed('exception').map((e) => e.name)).toEqual([
      'ICE_CONNECTION_DISCONNECTED',
      'MEDIA_FROZEN',
      'MEDIA_FROZEN',
    ]);
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'live', 'frozen']);
    expect(pc.restarts).toBe(0);
    for (let i = 0; i < 4; i++) await tick(5); // the sender caught up
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual([
      'frozen',
      'live',
      'frozen',
      'live',
    ]);
    expect(pc.restarts).toBe(0);
  });

  it('repairs a stall after a self-heal that lasts one more frozen period', async () => {
    const { pc, tick, eventsNamed } = await stallAfterSelfHeal();
    expect(pc.restarts).toBe(0);
    for (let i = 0; i < 3; i++) await tick(0); // 1500 ms more (frozenAfterMs)
    expect(pc.restarts).toBe(1);
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual([
      'frozen',
      'live',
      'frozen',
      'recovering',
    ]);
  });

  /**
   * A link frozen through a 2 s outage that then heals by itself; `tick(decoded, received)` adds that many
   * frames decoded and received to the next stats reading and advances one interval.
   */
  async function healedAfterOutage() {
    const fx = connected('alice');
    const pc = fx.peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    let decoded = 0;
    let received = 0;
    let bytes = 0;
    const tick = async (decodedPerTick: number, receivedPerTick: number) => {
      decoded += decodedPerTick;
      received += receivedPerTick;
      bytes += 1000 * (receivedPerTick + 1);
      pc.stats = [
        { id: 'in1', type: 'inbound-rtp', kind: 'video', framesDecoded: decoded, framesReceived: received },
        { id: 'tr', type: 'transport', bytesReceived: bytes },
      ];
      await fx.clock.advance(500);
    };
    for (let i = 0; i < 4; i++) await tick(10, 10);
    pc.setState('disconnected', 'disconnected');
    await fx.clock.advance(2000);
    pc.setState('connected', 'connected'); // healed by itself
    return { ...fx, pc, tick };
  }

  it('soon after a self-heal, a stall whose frames still arrive undecoded gets one more period, then is repaired', async () => {
    const { pc, tick, eventsNamed } = await healedAfterOutage();
    // Frames arrive again, held by the receiver (none decoded): still frozen, no repair for 4 s.
    for (let i = 0; i < 8; i++) await tick(0, 3);
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen']);
    expect(pc.restarts).toBe(0);
    // Held past HELD_AFTER_HEAL_MS and still nothing decoded: repaired (an ICE restart first).
    for (let i = 0; i < 2; i++) await tick(0, 3);
    expect(pc.restarts).toBe(1);
  });

  it('a stream frozen through the outage, nothing arriving after the heal: repaired after one more frozen period', async () => {
    const fx = connected('alice');
    const pc = fx.peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = videoStats(40, 40_000);
    await fx.clock.advance(500);
    pc.setState('disconnected', 'disconnected');
    await fx.clock.advance(2000);
    pc.setState('connected', 'connected'); // healed by itself, the remote still sends no frame
    pc.stats = videoStats(40, 41_000);
    await fx.clock.advance(500);
    pc.stats = videoStats(40, 42_000);
    await fx.clock.advance(500);
    expect(pc.restarts).toBe(0);
    pc.stats = videoStats(40, 43_000);
    await fx.clock.advance(1000);
    expect(pc.restarts).toBe(1);
  });

  it('a receiver that releases its held frames in time is left alone', async () => {
    const { pc, tick, eventsNamed, peers } = await healedAfterOutage();
    for (let i = 0; i < 5; i++) await tick(0, 3); // 2.5 s held
    for (let i = 0; i < 4; i++) await tick(3, 3); // released
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'live']);
    expect(pc.restarts).toBe(0);
    expect(peers).toHaveLength(1);
  });

  it('reads a publisher who turned its video off as muted, never frozen', async () => {
    const { peers, clock, eventsNamed, plane } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = videoStats(10, 1000);
    await clock.advance(500);
    plane.onStreamPropertyChanged('s-bob', 'videoActive', false);
    await clock.advance(10_000);
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['muted']);
    expect(pc.restarts).toBe(0);
  });
});

describe('answering side during the offerer’s repair', () => {
  const video = (frames: number) => [
    { id: 'in1', type: 'inbound-rtp', kind: 'video', framesDecoded: frames, packetsReceived: frames },
  ];

  it('shows a broken stream as recovering once the offerer’s ICE restart arrives, live when frames rise', async () => {
    const { peers, clock, plane, eventsNamed } = connected('bob');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = video(10);
    await clock.advance(500);
    pc.setState('disconnected', 'disconnected');
    await clock.advance(2000);
    plane.onMediaMessage(
      'c-alice',
      'alice',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'offer', sdp: 'restart' },
    );
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'recovering']);
    pc.setState('connected', 'connected');
    for (let i = 1; i <= 3; i++) {
      pc.stats = video(10 + 10 * i);
      await clock.advance(500);
    }
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'recovering', 'live']);
  });

  it('does not read the first negotiation of a new link as a repair', async () => {
    const { plane, eventsNamed, clock } = joinedPlane('bob', ['alice']);
    plane.onMediaMessage(
      'c-alice',
      'alice',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'offer', sdp: 'first' },
    );
    await clock.advance(100);
    expect(eventsNamed('streamHealthChanged')).toEqual([]);
  });
});

describe('a renewal asked for while a repair runs', () => {
  it('is carried out, not swallowed by the running repair', async () => {
    const { peers, clock, plane } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'reset', reason: 'repair' },
    );
    await clock.advance(0);
    expect(pc.restarts).toBe(1);
    plane.onMediaMessage('c-bob', 'bob', { linkId: 'alice|bob', gen: 0 }, { type: 'reset', reason: 'renew' });
    // The ICE restart succeeds meanwhile; the renewal still follows.
    pc.stats = [{ id: 'in1', type: 'inbound-rtp', kind: 'video', framesDecoded: 5, packetsReceived: 5 }];
    await clock.advance(3000);
    expect(peers).toHaveLength(2);
  });
});

describe('frames that arrive but do not decode after a repair', () => {
  const video = (decoded: number, received: number) => [
    {
      id: 'in1',
      type: 'inbound-rtp',
      kind: 'video',
      framesDecoded: decoded,
      framesReceived: received,
      packetsReceived: received * 3,
    },
    // Received frames come with bytes on the transport.
    { id: 'tr', type: 'transport', bytesReceived: received * 1000 },
  ];

  it('end the ICE restart at once: the offering side builds a fresh peer', async () => {
    const { peers, clock } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = video(50, 50);
    await clock.advance(500);
    pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    expect(pc.restarts).toBe(1);
    pc.setState('connected', 'connected');
    pc.stats = video(50, 54);
    await clock.advance(500);
    expect(peers).toHaveLength(1);
    pc.stats = video(50, 58);
    await clock.advance(500);
    // Far inside the ICE restart's budget.
    expect(peers).toHaveLength(2);
  });

  it('make the answering side ask for a fresh peer while the offerer repairs', async () => {
    const { peers, clock, plane, sent } = connected('bob');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = video(50, 50);
    await clock.advance(500);
    pc.setState('disconnected', 'disconnected');
    await clock.advance(2000);
    plane.onMediaMessage(
      'c-alice',
      'alice',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'offer', sdp: 'restart' },
    );
    pc.setState('connected', 'connected');
    pc.stats = video(50, 58);
    await clock.advance(500);
    expect(resetsOf(sent)).toEqual([{ gen: 0, reason: 'renew' }]);
  });

  it('soon after a repair ended with a first frame, still give the link a fresh peer', async () => {
    const { peers, clock } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.stats = video(50, 50);
    await clock.advance(500);
    pc.setState('disconnected', 'disconnected');
    await clock.advance(4000);
    pc.setState('connected', 'connected');
    pc.stats = video(51, 51);
    await clock.advance(500);
    pc.stats = video(51, 53);
    await clock.advance(500);
    expect(peers).toHaveLength(1);
    pc.stats = video(51, 57);
    await clock.advance(500);
    expect(pc.restarts).toBe(1);
    expect(peers).toHaveLength(2);
  });

  it('are left to the frozen detector when no repair runs: nothing before it reports frozen', async () => {
    const { peers, clock, eventsNamed } = connected('alice');
    const pc = peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    const at = (i: number) => [
      ...video(50, 50 + 10 * i),
      { id: 'tr', type: 'transport', bytesReceived: 1 + i },
    ];
    // Sampled at once, then every 500 ms: 20 frames arrive undecoded within the first 1000 ms.
    pc.stats = at(0);
    await clock.advance(500);
    pc.stats = at(1);
    await clock.advance(500);
    pc.stats = at(2);
    await clock.advance(1);
    expect(eventsNamed('streamHealthChanged')).toEqual([]);
    expect(pc.restarts).toBe(0);
    expect(peers).toHaveLength(1);
    // Frozen: the repair starts with its ICE restart; frames still not decoding during it → fresh peer.
    await clock.advance(499);
    expect(eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'recovering']);
    expect(pc.restarts).toBe(1);
    expect(peers).toHaveLength(1);
    pc.stats = at(3);
    await clock.advance(500);
    expect(peers).toHaveLength(2);
  });
});

describe('this page’s path back while a link is still broken', () => {
  /** alice joined with bob and carol; her path probe answers only once `setPathUp()` was called. */
  async function planeWithPathProbe() {
    let up = false;
    const { createMeshMediaPlaneWith } = await import('../../../src/core/media/mesh-media-plane');
    const { FakeClock } = await import('./support/fake-clock');
    const { fakeHost } = await import('./support/fake-host');
    const { connection, streamOf, ICE } = await import('./support/plane-fixture');
    const clock = new FakeClock();
    const host = fakeHost(clock, 'alice');
    const peers = fakePeerFactory();
    const plane = createMeshMediaPlaneWith({
      createPeer: peers.factory,
      pathProbe: (signal) =>
        new Promise((resolve) => {
          if (up) resolve(true);
          else signal.addEventListener('abort', () => resolve(false));
        }),
    })(host.host);
    plane.onJoined({
      kind: 'join',
      connectionId: 'c-alice',
      ice: ICE,
      connections: [connection('bob'), connection('carol')],
      streams: [streamOf('bob'), streamOf('carol')],
    });
    const [toBob, toCarol] = peers.peers;
    if (!toBob || !toCarol) throw new Error('no peers');
    for (const p of peers.peers) p.pc.setState('connected', 'connected');
    return {
      clock,
      host,
      plane,
      peers: peers.peers,
      toBob,
      toCarol,
      setPathUp: () => {
        up = true;
      },
    };
  }

  it('builds a fresh peer at once instead of waiting out the disconnected timeout; leaves a healed link alone', async () => {
    const { clock, plane, peers, toBob, toCarol, setPathUp } = await planeWithPathProbe();
    toBob.pc.setState('disconnected', 'disconnected');
    toCarol.pc.setState('disconnected', 'disconnected');
    await clock.advance(2000);
    setPathUp();
    await clock.advance(450); // a probe answers (≤ 400 ms)…
    toCarol.pc.setState('connected', 'connected'); // …the same path heals by itself for carol
    await clock.advance(400); // grace
    // Bob's link gets a fresh peer (not an ICE restart: a restarted receiver on the new path may hold its
    // frames, docs/decisions/0033-fresh-peer-when-the-path-is-back.md); carol's is left alone.
    expect(toBob.destroyed).toBe(true);
    expect(toBob.pc.restarts).toBe(0);
    expect(peers).toHaveLength(3);
    expect(peers[2]?.options.initiator).toBe(true);
    expect(toCarol.destroyed).toBe(false);
    expect(toCarol.pc.restarts).toBe(0);
    plane.destroy();
  });

  it('renews a link whose stream froze while ICE still says connected, unless traffic reaches it again', async () => {
    const { clock, host, plane, peers, toBob, toCarol, setPathUp } = await planeWithPathProbe();
    for (let i = 1; i <= 4; i++) {
      for (const p of [toBob, toCarol]) p.pc.stats = videoStats(10 * i, 1000 * i);
      await clock.advance(500);
    }
    // The path goes silent; ICE has not noticed (still connected). Both streams freeze.
    await clock.advance(2500);
    expect(host.eventsNamed('streamHealthChanged').map((e) => e.health)).toEqual(['frozen', 'frozen']);
    expect(toBob.pc.restarts + toCarol.pc.restarts).toBe(0);
    setPathUp();
    await clock.advance(450); // a probe answers (≤ 400 ms)…
    toCarol.pc.stats = videoStats(40, 9000); // …and traffic reaches carol's link again (the same path)
    await clock.advance(400); // grace
    expect(toBob.destroyed).toBe(true);
    expect(peers).toHaveLength(3);
    expect(toCarol.destroyed).toBe(false);
    expect(toCarol.pc.restarts).toBe(0);
    plane.destroy();
  });
});

describe('an outage of the media path only (signaling up): peer connections stay bounded', () => {
  it('this page cut off (offering side): no step while its path is down; a fresh peer once it is back', async () => {
    const { clock, peers, sent, setUp, logs, plane } = joinedPlaneWithPath('alice', ['bob']);
    setUp(false);
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(60_000);
    // Neither an ICE restart nor a fresh peer into a dead path, for a minute.
    expect(peers).toHaveLength(1);
    expect(peers[0]?.pc.restarts).toBe(0);
    expect(resetsOf(sent)).toEqual([]);
    expect(logs.some((l) => l.message === 'media link: repair holds')).toBe(true);
    setUp(true);
    // The next probe (≤ 3.2 s backed off) sees the path back; after the 400 ms grace, one fresh peer.
    await clock.advance(3_700);
    expect(peers).toHaveLength(2);
    expect(peers[0]?.pc.restarts).toBe(0);
    expect(resetsOf(sent)).toEqual([{ gen: 1, reason: 'new-peer' }]);
    plane.destroy();
  });

  it('this page cut off (answering side): the offerer’s fresh peers are deferred, and asked for once the path is back', async () => {
    const { clock, peers, sent, setUp, plane } = joinedPlaneWithPath('bob', ['alice']);
    setUp(false);
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(5_000);
    // Alice, whose path works, builds a fresh peer: bob builds nothing for it while his path is down.
    plane.onMediaMessage(
      'c-alice',
      'alice',
      { linkId: 'alice|bob', gen: 1 },
      { type: 'reset', reason: 'new-peer' },
    );
    plane.onMediaMessage('c-alice', 'alice', { linkId: 'alice|bob', gen: 1 }, { type: 'offer', sdp: 'v=0' });
    await clock.advance(55_000);
    expect(peers).toHaveLength(1);
    expect(peers[0]?.destroyed).toBe(true);
    // No request either while cut off (each would have alice build a peer for nothing).
    expect(resetsOf(sent)).toEqual([]);
    setUp(true);
    await clock.advance(3_700);
    // Back: one request for a fresh peer, at alice's generation.
    expect(resetsOf(sent)).toEqual([{ gen: 1, reason: 'renew' }]);
    expect(peers).toHaveLength(1);
    plane.onMediaMessage(
      'c-alice',
      'alice',
      { linkId: 'alice|bob', gen: 2 },
      { type: 'reset', reason: 'new-peer' },
    );
    await clock.advance(0);
    expect(peers).toHaveLength(2);
    plane.destroy();
  });

  it('the other side cut off (offering side, own path fine): an unanswered fresh peer gets no successor on a timer; the remote’s word goes ahead at once', async () => {
    const { clock, peers, sent, plane } = joinedPlaneWithPath('alice', ['bob']);
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(60_000);
    // An ICE restart, a fresh peer (unanswered), then one more after the hold: not one every few seconds.
    expect(peers[0]?.pc.restarts).toBe(1);
    expect(peers).toHaveLength(3);
    expect(resetsOf(sent)).toEqual([
      { gen: 1, reason: 'new-peer' },
      { gen: 2, reason: 'new-peer' },
    ]);
    // Bob is back and asks for a fresh peer: built at once.
    plane.onMediaMessage('c-bob', 'bob', { linkId: 'alice|bob', gen: 2 }, { type: 'reset', reason: 'renew' });
    await clock.advance(0);
    expect(peers).toHaveLength(4);
    plane.destroy();
  });
});

describe('evidence of a network change while this page’s path counts as down', () => {
  it('signaling back: the renewal goes ahead at once, not held by the last failed probe', async () => {
    const { clock, peers, plane, sent, setUp } = joinedPlaneWithPath('alice', ['bob']);
    setUp(false);
    peers[0]?.pc.setState('disconnected', 'disconnected');
    await clock.advance(20_000);
    expect(peers).toHaveLength(1);
    // The network is back (signaling reconnected); the next scheduled probe is up to 3.2 s away.
    setUp(true);
    plane.onSignalingRestored({ downtimeMs: 9_000 });
    await clock.advance(0);
    expect(peers).toHaveLength(2);
    expect(resetsOf(sent)).toEqual([{ gen: 1, reason: 'new-peer' }]);
    // The probe the change launched answers: the path is back, and the peer built since is left to connect.
    await clock.advance(1_000);
    expect(peers).toHaveLength(2);
    plane.destroy();
  });
});
