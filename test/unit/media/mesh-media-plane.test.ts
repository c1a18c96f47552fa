import { describe, expect, it } from 'vitest';
import { connection, ICE, joinedPlane, streamOf } from './support/plane-fixture';

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
    plane.close('sessionClosedByServer', { keepLocalMedia: false });
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
    plane.close('nodeCrashed', { keepLocalMedia: true });
    plane.onJoined({
      kind: 'rejoin',
      connectionId: 'c-alice-2',
      ice: ICE,
      connections: [connection('bob', 'c-bob-2')],
      streams: [],
    });
    expect(peers).toHaveLength(3);
    peers.at(-1)?.emit('signal', { type: 'offer', sdp: 'x' });
    expect(sent.at(-1)?.link).toEqual({ linkId: 'alice|bob', gen: 2, inc: INC });
  });
});
