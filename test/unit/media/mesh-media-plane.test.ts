import { describe, expect, it, vi } from 'vitest';
import { INCARNATION_CONFIRM_MS } from '../../../src/core/media/link-policy';
import { connection, ICE, joinedPlane, streamOf, unjoinedPlane } from './support/plane-fixture';

/** Every link message names the sending session instance. */
const INC = expect.stringMatching(/^inc_[0-9a-z]{12}$/);

describe('mesh media plane: links', () => {
  it('opens one link per remote participant, offering only towards larger identities', () => {
    const { peers, plane } = joinedPlane('bob', ['alice', 'carol']);
    expect(peers).toHaveLength(2);
    const byRemote = new Map(peers.map((p, i) => [i === 0 ? 'alice' : 'carol', p]));
    expect(byRemote.get('alice')?.options.initiator).toBe(false);
    expect(byRemote.get('carol')?.options.initiator).toBe(true);
    expect(plane.streams.size).toBe(2);
  });

  it('builds peers with the ICE configuration of the join answer, unless the session overrides it', () => {
    const fromServer = joinedPlane('alice', ['bob']);
    expect(fromServer.peers[0]?.options.config).toEqual(ICE);
    const override = [{ urls: 'turn:127.0.0.1:9?transport=udp', username: 'x', credential: 'y' }];
    const overridden = joinedPlane('alice', ['bob'], { iceServers: override, iceTransportPolicy: 'all' });
    expect(overridden.peers[0]?.options.config).toEqual({ iceServers: override, iceTransportPolicy: 'all' });
  });

  it('tags every negotiation message with the link id and generation', () => {
    const { peers, sent } = joinedPlane('alice', ['bob']);
    peers[0]?.emit('signal', { type: 'offer', sdp: 'v=0' });
    expect(sent).toEqual([
      {
        to: 'c-bob',
        link: { linkId: 'alice|bob', gen: 0, inc: INC },
        payload: { type: 'offer', sdp: 'v=0' },
      },
    ]);
  });

  it('feeds messages of the current generation to the peer', () => {
    const { peers, plane } = joinedPlane('bob', ['alice']);
    plane.onMediaMessage('c-alice', 'alice', { linkId: 'alice|bob', gen: 0 }, { type: 'offer', sdp: 'o' });
    expect(peers[0]?.fed).toEqual([{ type: 'offer', sdp: 'o' }]);
  });

  it('drops messages of an older generation instead of feeding them to the new peer', () => {
    const { peers, plane } = joinedPlane('bob', ['alice']);
    const link = { linkId: 'alice|bob', gen: 1 };
    plane.onMediaMessage('c-alice', 'alice', link, { type: 'reset', reason: 'new-peer' });
    expect(peers).toHaveLength(2);
    const candidate = {
      candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ relay',
      sdpMLineIndex: 0,
      sdpMid: '0',
    };
    plane.onMediaMessage('c-alice', 'alice', { ...link, gen: 0 }, { type: 'candidate', candidate });
    expect(peers[1]?.fed).toEqual([]);
    plane.onMediaMessage('c-alice', 'alice', link, { type: 'candidate', candidate });
    expect(peers[1]?.fed).toHaveLength(1);
  });

  it('replaces the peer on a newer generation and releases the old one completely', () => {
    const { peers, plane } = joinedPlane('bob', ['alice']);
    const old = peers[0];
    expect(old?.pc.listenerCount).toBe(2);
    plane.onMediaMessage('c-alice', 'alice', { linkId: 'alice|bob', gen: 3 }, { type: 'offer', sdp: 'o3' });
    expect(old?.destroyed).toBe(true);
    expect(old?.pc.closed).toBe(true);
    expect(old?.pc.listenerCount).toBe(0);
    expect(peers[1]?.fed).toEqual([{ type: 'offer', sdp: 'o3' }]);
  });

  it('takes a re-joined participant at its own generations (new connection id)', () => {
    const { peers, plane } = joinedPlane('bob', ['alice']);
    plane.onMediaMessage(
      'c-alice',
      'alice',
      { linkId: 'alice|bob', gen: 4 },
      { type: 'reset', reason: 'new-peer' },
    );
    plane.onParticipantJoined(connection('alice', 'c-alice-2'), 'c-alice');
    plane.onMediaMessage(
      'c-alice-2',
      'alice',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'offer', sdp: 'fresh' },
    );
    expect(peers.at(-1)?.fed).toEqual([{ type: 'offer', sdp: 'fresh' }]);
  });

  it('as the offerer, renews the link when the other side re-joins under a new connection', () => {
    const { peers, plane, sent } = joinedPlane('alice', ['bob']);
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob');
    expect(peers).toHaveLength(2);
    expect(sent.at(-1)).toEqual({
      to: 'c-bob-2',
      link: { linkId: 'alice|bob', gen: 1, inc: INC },
      payload: { type: 'reset', reason: 'new-peer' },
    });
  });

  it('closes the link and destroys the streams of a participant who leaves, with the reason', () => {
    const { peers, plane, eventsNamed } = joinedPlane('alice', ['bob', 'carol']);
    plane.onParticipantLeft(connection('bob'), 'networkDisconnect');
    expect(peers[0]?.pc.closed).toBe(true);
    expect(peers[1]?.pc.closed).toBe(false);
    expect(eventsNamed('streamDestroyed').map((e) => [e.stream.streamId, e.reason, e.isLocal])).toEqual([
      ['s-bob', 'networkDisconnect', false],
    ]);
    expect([...plane.streams.keys()]).toEqual(['s-carol']);
  });

  it('close() releases every peer, connection and listener and destroys every remote stream', async () => {
    const { peers, plane, eventsNamed, clock } = joinedPlane('alice', ['bob', 'carol']);
    plane.close('sessionClosedByServer');
    for (const peer of peers) {
      expect(peer.destroyed).toBe(true);
      expect(peer.pc.closed).toBe(true);
      expect(peer.pc.listenerCount).toBe(0);
    }
    expect(eventsNamed('streamDestroyed').map((e) => e.reason)).toEqual([
      'sessionClosedByServer',
      'sessionClosedByServer',
    ]);
    expect(plane.streams.size).toBe(0);
    await clock.advance(60_000);
    expect(clock.pending).toBe(0);
  });

  it('a stream published while the join is in flight is in the peers built at the join (their first offer carries it), added once', async () => {
    const fixture = unjoinedPlane('bob');
    const mediaStream = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] };
    const publishing = fixture.plane.publish({ mediaStream: mediaStream as unknown as MediaStream });
    await Promise.resolve();
    fixture.join(['alice', 'carol']);
    await publishing;
    expect(fixture.peers.map((p) => p.options.streams)).toEqual([[mediaStream], [mediaStream]]);
    expect(fixture.peers.map((p) => p.added)).toEqual([[], []]);
  });

  it('a camera that goes away (its track ends) is announced off, not left frozen; turning it on opens it again and swaps the track on every link, same stream', async () => {
    const opened: Array<{ audio: unknown; video: unknown }> = [];
    let nextVideo = 1;
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getUserMedia: async (constraints: { audio: unknown; video: unknown }) => {
          opened.push(constraints);
          const tracks = [];
          if (constraints.audio) tracks.push(new FakeTrack('audio', 'a1'));
          if (constraints.video) tracks.push(new FakeTrack('video', `v${nextVideo++}`));
          return new FakeStream(tracks);
        },
      },
    });
    try {
      const fixture = joinedPlane('alice', ['bob']);
      const local = await fixture.plane.publish({});
      const stream = local.mediaStream as unknown as FakeStream;
      const camera = stream.getVideoTracks()[0] as FakeTrack;
      camera.unplug();
      expect(fixture.announced).toEqual([['videoActive', false]]);
      expect(fixture.plane.localStream?.properties).toMatchObject({ videoActive: false, audioActive: true });

      fixture.plane.setMediaEnabled('video', true);
      await vi.waitFor(() =>
        expect(fixture.announced).toEqual([
          ['videoActive', false],
          ['videoActive', true],
        ]),
      );
      expect(opened).toEqual([
        { audio: true, video: true },
        { audio: false, video: true },
      ]);
      expect(stream.getTracks().map((t) => t.id)).toEqual(['a1', 'v2']);
      expect(fixture.peers[0]?.replaced).toEqual([['v1', 'v2']]);
      expect(fixture.plane.localStream?.streamId).toBe(local.streamId);
      expect(fixture.plane.localStream?.properties.videoActive).toBe(true);

      // stop() (holdfast's own, or the app's) is not a device lost: nothing is announced.
      (stream.getVideoTracks()[0] as FakeTrack).stop();
      expect(fixture.announced).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('announces a stream of a participant who publishes later with streamCreated', () => {
    const { plane, eventsNamed } = joinedPlane('alice', ['bob']);
    plane.onParticipantJoined(connection('dave'), undefined);
    plane.onStreamCreated(streamOf('dave'));
    expect(eventsNamed('streamCreated').map((e) => e.stream.streamId)).toEqual(['s-bob', 's-dave']);
    plane.onStreamDestroyed('s-dave', 'c-dave', 'disconnect');
    expect(eventsNamed('streamDestroyed').map((e) => [e.stream.streamId, e.reason])).toEqual([
      ['s-dave', 'disconnect'],
    ]);
  });

  it('keeps the generation growing across links to the same identity', () => {
    const { peers, plane, sent } = joinedPlane('alice', ['bob']);
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob'); // gen 1
    plane.onParticipantLeft(connection('bob', 'c-bob-2'), 'disconnect');
    plane.onParticipantJoined(connection('bob', 'c-bob-3'), undefined);
    expect(peers).toHaveLength(3);
    peers.at(-1)?.emit('signal', { type: 'offer', sdp: 'x' });
    expect(sent.at(-1)?.link).toEqual({ linkId: 'alice|bob', gen: 2, inc: INC });
  });
});

describe('mesh media plane: a re-join holds the remote streams', () => {
  /** alice and bob in a call; alice's session starts a re-join and is answered without bob (first back). */
  function rejoinedAlone() {
    const fixture = joinedPlane('alice', ['bob']);
    fixture.plane.onRejoining('nodeCrashed');
    fixture.plane.onJoined({
      kind: 'rejoin',
      connectionId: 'c-alice-2',
      ice: ICE,
      connections: [],
      streams: [],
    });
    return fixture;
  }

  it('keeps the link and the stream (same id, same snapshot fields) shown recovering, and destroys nothing', () => {
    const { peers, plane, eventsNamed } = rejoinedAlone();
    expect(peers).toHaveLength(1);
    expect(peers[0]?.destroyed).toBe(false);
    expect([...plane.streams.values()].map((s) => [s.streamId, s.connectionId, s.health])).toEqual([
      ['s-bob', 'c-bob', 'recovering'],
    ]);
    expect(eventsNamed('streamHealthChanged').map((e) => [e.previous, e.health])).toEqual([
      ['live', 'recovering'],
    ]);
    expect(eventsNamed('streamDestroyed')).toEqual([]);
  });

  it('adopts the stream its publisher brings back under a new connection: streamUpdated, no streamCreated, live again', () => {
    const { plane, eventsNamed } = rejoinedAlone();
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob');
    plane.onStreamCreated(streamOf('bob', 'c-bob-2'));
    expect([...plane.streams.values()].map((s) => [s.streamId, s.connectionId, s.health])).toEqual([
      ['s-bob', 'c-bob-2', 'live'],
    ]);
    expect(eventsNamed('streamCreated').map((e) => e.stream.streamId)).toEqual(['s-bob']);
    expect(eventsNamed('streamUpdated').at(-1)?.stream.connectionId).toBe('c-bob-2');
    expect(eventsNamed('streamDestroyed')).toEqual([]);
  });

  it('adopts a held stream found in the re-join answer itself', () => {
    const { plane, eventsNamed, participants } = joinedPlane('alice', ['bob']);
    plane.onRejoining('nodeCrashed');
    participants.set('bob', { ...connection('bob', 'c-bob-2'), isLocal: false });
    plane.onJoined({
      kind: 'rejoin',
      connectionId: 'c-alice-2',
      ice: ICE,
      connections: [connection('bob', 'c-bob-2')],
      streams: [streamOf('bob', 'c-bob-2')],
    });
    expect(plane.streams.get('s-bob')).toMatchObject({ connectionId: 'c-bob-2', health: 'live' });
    expect(eventsNamed('streamCreated')).toHaveLength(1);
    expect(eventsNamed('streamDestroyed')).toEqual([]);
  });

  it('ignores the link’s health reports while the stream is held', async () => {
    const { plane, clock, eventsNamed } = rejoinedAlone();
    // No frame decodes for longer than the startup allowance: the link alone would call it frozen.
    await clock.advance(10_000);
    expect(plane.streams.get('s-bob')?.health).toBe('recovering');
    expect(eventsNamed('streamHealthChanged')).toHaveLength(1);
  });

  it('a publisher back with another stream: the held one is destroyed with the re-join’s cause, the new one created', () => {
    const { plane, eventsNamed } = rejoinedAlone();
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob');
    plane.onStreamCreated(streamOf('bob', 'c-bob-2', 's-bob-new'));
    expect(eventsNamed('streamDestroyed').map((e) => [e.stream.streamId, e.reason])).toEqual([
      ['s-bob', 'nodeCrashed'],
    ]);
    expect([...plane.streams.keys()]).toEqual(['s-bob-new']);
  });

  it('releaseHeld() destroys the streams still held with the re-join’s cause; adopted ones stay', () => {
    const { plane, eventsNamed, participants } = joinedPlane('alice', ['bob', 'carol']);
    plane.onRejoining('serverRotation');
    participants.delete('bob');
    participants.set('carol', { ...connection('carol', 'c-carol-2'), isLocal: false });
    participants.set('bob', { ...connection('bob'), isLocal: false });
    plane.onJoined({ kind: 'rejoin', connectionId: 'c-alice-2', ice: ICE, connections: [], streams: [] });
    plane.onStreamCreated(streamOf('carol', 'c-carol-2'));
    plane.releaseHeld();
    expect(eventsNamed('streamDestroyed').map((e) => [e.stream.streamId, e.reason])).toEqual([
      ['s-bob', 'serverRotation'],
    ]);
    expect([...plane.streams.keys()]).toEqual(['s-carol']);
  });

  it('a participant the session no longer knows after the re-join loses its link and stream', () => {
    const { peers, plane, participants, eventsNamed } = joinedPlane('alice', ['bob']);
    plane.onRejoining('nodeCrashed');
    participants.clear();
    plane.onJoined({ kind: 'rejoin', connectionId: 'c-alice-2', ice: ICE, connections: [], streams: [] });
    expect(peers[0]?.destroyed).toBe(true);
    expect(eventsNamed('streamDestroyed').map((e) => e.stream.streamId)).toEqual(['s-bob']);
  });
});

describe('mesh media plane: a re-join keeps the peer-to-peer links of the same pages', () => {
  const LINK = { linkId: 'alice|bob', gen: 0 };
  const BOB = { ...LINK, inc: 'inc_bob' };

  /** alice (offering) and bob in a call; bob's answer told alice which page bob is. */
  function callWithBob() {
    const fixture = joinedPlane('alice', ['bob']);
    fixture.plane.onMediaMessage('c-bob', 'bob', BOB, { type: 'answer', sdp: 'a' });
    return fixture;
  }

  it('keeps the peer when the remote comes back as the same page: asked, answered, re-bound to the new connection', async () => {
    const { peers, plane, sent, clock } = callWithBob();
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob');
    expect(sent.at(-1)).toEqual({
      to: 'c-bob-2',
      link: { ...LINK, inc: INC },
      payload: { type: 'rebind', reply: false },
    });
    plane.onMediaMessage('c-bob-2', 'bob', BOB, { type: 'rebind', reply: true });
    await clock.advance(10_000);
    expect(peers).toHaveLength(1);
    expect(peers[0]?.destroyed).toBe(false);
    expect(sent.filter((m) => m.payload.type === 'reset')).toEqual([]);
    // Signals of the kept peer go to the new connection; late ones of the old connection are dropped.
    peers[0]?.emit('signal', { type: 'offer', sdp: 'restart' });
    expect(sent.at(-1)?.to).toBe('c-bob-2');
    plane.onMediaMessage('c-bob', 'bob', BOB, { type: 'answer', sdp: 'late' });
    plane.onMediaMessage('c-bob-2', 'bob', BOB, { type: 'answer', sdp: 'now' });
    expect(peers[0]?.fed.at(-1)).toEqual({ type: 'answer', sdp: 'now' });
  });

  it('answers a rebind once, with its own incarnation, and re-binds to the connection it came from', () => {
    const { peers, plane, sent } = joinedPlane('bob', ['alice']);
    const ALICE = { ...LINK, inc: 'inc_alice' };
    plane.onMediaMessage('c-alice', 'alice', ALICE, { type: 'offer', sdp: 'o' });
    // alice's rebind may come before the roster shows her new connection.
    plane.onMediaMessage('c-alice-2', 'alice', ALICE, { type: 'rebind', reply: false });
    expect(sent.at(-1)).toEqual({
      to: 'c-alice-2',
      link: { ...LINK, inc: INC },
      payload: { type: 'rebind', reply: true },
    });
    plane.onMediaMessage('c-alice-2', 'alice', ALICE, { type: 'rebind', reply: true });
    expect(sent.filter((m) => m.payload.type === 'rebind')).toHaveLength(1);
    peers[0]?.emit('signal', { type: 'answer', sdp: 'a' });
    expect(sent.at(-1)?.to).toBe('c-alice-2');
    plane.onParticipantJoined(connection('alice', 'c-alice-2'), 'c-alice');
    expect(peers).toHaveLength(1);
    expect(peers[0]?.destroyed).toBe(false);
  });

  it('resets the link when the new connection is another page of the same identity (new incarnation)', () => {
    const { peers, plane, sent } = callWithBob();
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob');
    plane.onMediaMessage(
      'c-bob-2',
      'bob',
      { ...LINK, inc: 'inc_bob_reloaded' },
      { type: 'rebind', reply: true },
    );
    expect(peers).toHaveLength(2);
    expect(peers[0]?.destroyed).toBe(true);
    expect(sent.at(-1)).toEqual({
      to: 'c-bob-2',
      link: { ...LINK, gen: 1, inc: INC },
      payload: { type: 'reset', reason: 'new-peer' },
    });
  });

  it('starts over when the remote’s new connection says nothing in time', async () => {
    const { peers, plane, clock } = callWithBob();
    plane.onParticipantJoined(connection('bob', 'c-bob-2'), 'c-bob');
    await clock.advance(INCARNATION_CONFIRM_MS - 1);
    expect(peers).toHaveLength(1);
    await clock.advance(1);
    expect(peers).toHaveLength(2);
    expect(peers[0]?.destroyed).toBe(true);
  });

  it('shows a held stream live again as soon as its frames are seen rising, before its publisher is back', async () => {
    const { peers, plane, clock } = callWithBob();
    const pc = peers[0]?.pc;
    pc?.setState('connected', 'connected');
    let frames = 0;
    const tick = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        frames += 2;
        if (pc)
          pc.stats = [
            { id: 'in1', type: 'inbound-rtp', kind: 'video', framesDecoded: frames, packetsReceived: frames },
            { id: 'tr', type: 'transport', bytesReceived: frames * 1000 },
          ];
        await clock.advance(100);
      }
    };
    await tick(3_000);
    expect(plane.streams.get('s-bob')?.health).toBe('live');
    plane.onRejoining('nodeCrashed');
    expect(plane.streams.get('s-bob')?.health).toBe('recovering');
    await tick(1_500);
    expect(plane.streams.get('s-bob')?.health).toBe('live');
    // Still held: a publisher that never comes back still ends it.
    plane.releaseHeld();
    expect(plane.streams.size).toBe(0);
  });
});

/** A local track: `unplug()` ends it as a device going away does (`ended` fires); `stop()` does not fire. */
class FakeTrack extends EventTarget {
  readyState: 'live' | 'ended' = 'live';
  enabled = true;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly id: string,
  ) {
    super();
  }
  getSettings() {
    return {};
  }
  stop() {
    this.readyState = 'ended';
  }
  unplug() {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

class FakeStream {
  constructor(private tracks: FakeTrack[]) {}
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(track: FakeTrack) {
    if (!this.tracks.includes(track)) this.tracks.push(track);
  }
  removeTrack(track: FakeTrack) {
    this.tracks = this.tracks.filter((t) => t !== track);
  }
}
