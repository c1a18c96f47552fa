import { describe, expect, it } from 'vitest';
import type { ClientMessage, StreamInfo } from '../../../src/protocol';
import { joined, sessionHarness } from './support/harness';

const link = { linkId: 'alice|bob', gen: 1 };
const stream = (connectionId: string): StreamInfo => ({
  streamId: 's-bob',
  connectionId,
  identity: 'bob',
  createdAt: 1,
  hasAudio: true,
  hasVideo: true,
  audioActive: true,
  videoActive: true,
  typeOfVideo: 'CAMERA',
});
const kinds = (processed: Array<{ msg: ClientMessage }>) => processed.map((p) => p.msg.kind);

describe('session as the media plane host', () => {
  it('media messages go through the reliable outbox: queued while down, delivered once and in order after resume', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const host = h.media().host;
    host.sendMedia(bob, link, { type: 'offer', sdp: 'v=0 offer' });
    await h.clock.advance(0);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    expect(host.isSignalingUp()).toBe(false);
    host.sendMedia(bob, link, { type: 'candidate', candidate: { candidate: 'c1' } });
    host.sendMedia(bob, link, { type: 'candidate', candidate: { candidate: 'c2' } });
    h.server.mode = 'up';
    await h.clock.advance(4_000);
    expect(host.isSignalingUp()).toBe(true);
    const media = h.server.processed.flatMap((p) => (p.msg.kind === 'media' ? [p.msg.payload] : []));
    expect(media).toEqual([
      { type: 'offer', sdp: 'v=0 offer' },
      { type: 'candidate', candidate: { candidate: 'c1' } },
      { type: 'candidate', candidate: { candidate: 'c2' } },
    ]);
    expect(h.server.processed.every((p) => p.msg.kind !== 'media' || p.msg.to === bob)).toBe(true);
  });

  it('announcements resolve on the server ok', async () => {
    const h = sessionHarness();
    await joined(h);
    const host = h.media().host;
    const { streamId: _s, connectionId: _c, identity: _i, createdAt: _t, ...properties } = stream('x');
    await host.announcePublish('s-alice', properties);
    await host.announceProperty('s-alice', 'videoActive', false);
    await host.announceUnpublish('s-alice');
    expect(kinds(h.server.processed)).toEqual(['publish', 'streamProperty', 'unpublish']);
  });

  it('an announcement made while the join is in flight goes out once joined; one whose join fails is rejected', async () => {
    const { streamId: _s, connectionId: _c, identity: _i, createdAt: _t, ...properties } = stream('x');
    const h = sessionHarness();
    const join = h.session.join();
    expect(h.session.state.status).toBe('connecting');
    const announced = h.media().host.announcePublish('s-alice', properties);
    await h.clock.advance(0);
    await join;
    await announced;
    expect(kinds(h.server.processed)).toEqual(['publish']);

    const failing = sessionHarness();
    failing.server.mode = 'down';
    const failedJoin = failing.session.join().catch((e: unknown) => e);
    const refused = failing
      .media()
      .host.announcePublish('s-alice', properties)
      .catch((e: unknown) => e);
    await failing.clock.advance(120_000);
    expect(failing.session.state.status).not.toBe('connecting');
    expect(await failedJoin).toBeInstanceOf(Error);
    expect(await refused).toBeInstanceOf(Error);
    expect(failing.server.processed).toEqual([]);
  });

  it('whenSignalingUp resolves at once when up, waits through reconnecting, and rejects when the session ends', async () => {
    const h = sessionHarness();
    await joined(h);
    const host = h.media().host;
    await host.whenSignalingUp();
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    let up = false;
    const waiting = host.whenSignalingUp().then(() => {
      up = true;
    });
    await h.clock.advance(1_000);
    expect(up).toBe(false);
    h.server.mode = 'up';
    h.session.reconnectNow();
    await h.clock.advance(0);
    await waiting;
    expect(up).toBe(true);

    h.server.mode = 'down';
    h.server.heartbeatTimeout();
    const ended = host.whenSignalingUp().catch((e: unknown) => e);
    await h.clock.advance(30_000);
    expect(await ended).toMatchObject({ code: 'SESSION_ENDED' });
    await expect(host.whenSignalingUp()).rejects.toMatchObject({ code: 'SESSION_ENDED' });
  });

  it('whenSignalingUp honours its abort signal', async () => {
    const h = sessionHarness();
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    const abort = new AbortController();
    const waiting = h
      .media()
      .host.whenSignalingUp(abort.signal)
      .catch((e: unknown) => e);
    abort.abort(new Error('link replaced'));
    expect(await waiting).toMatchObject({ message: 'link replaced' });
  });

  it('looks participants up by identity and by connection id', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const host = h.media().host;
    expect(host.identity).toBe('alice');
    expect(host.connectionId()).toBe(h.session.connectionId);
    expect(host.participant('bob')?.connectionId).toBe(bob);
    expect(host.participantByConnection(bob)?.identity).toBe('bob');
    expect(host.participant('nobody')).toBeUndefined();
  });

  it('forwards stream and negotiation events from the server to the media plane', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    const me = h.session.connectionId as string;
    h.server.push(me, { kind: 'streamCreated', stream: stream(bob) });
    h.server.push(me, {
      kind: 'streamPropertyChanged',
      streamId: 's-bob',
      connectionId: bob,
      property: 'audioActive',
      value: false,
    });
    h.server.push(me, {
      kind: 'media',
      from: bob,
      fromIdentity: 'bob',
      link,
      payload: { type: 'answer', sdp: 'v=0' },
    });
    h.server.push(me, {
      kind: 'streamDestroyed',
      streamId: 's-bob',
      connectionId: bob,
      reason: 'disconnect',
    });
    await h.clock.advance(0);
    const calls = h.media().calls.slice(1);
    expect(calls).toEqual([
      { method: 'onStreamCreated', args: [stream(bob)] },
      { method: 'onStreamPropertyChanged', args: ['s-bob', 'audioActive', false] },
      { method: 'onMediaMessage', args: [bob, 'bob', link, { type: 'answer', sdp: 'v=0' }] },
      { method: 'onStreamDestroyed', args: ['s-bob', bob, 'disconnect'] },
    ]);
  });

  it('media messages pending across a re-join are dropped (they belonged to the old connection)', async () => {
    const h = sessionHarness();
    const bob = h.server.addPeer('bob');
    await joined(h);
    h.server.mode = 'blackhole';
    h.server.heartbeatTimeout();
    h.media().host.sendMedia(bob, link, { type: 'renegotiate' });
    h.server.mode = 'up';
    h.server.restart();
    await h.clock.advance(5_000);
    expect(h.session.state.status).toBe('connected');
    expect(h.of('rejoined')).toHaveLength(1);
    expect(h.server.processed.filter((p) => p.msg.kind === 'media')).toEqual([]);
  });
});
