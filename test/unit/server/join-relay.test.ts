import { describe, expect, it } from 'vitest';
import { delay } from '../../support/wait';
import { CAMERA, TestServer } from './harness';

describe('join and relay', () => {
  it('joins with a fresh connection id, resume secret, snapshot, ICE, timing and node; others get connectionCreated', async () => {
    const t = await TestServer.start({
      iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay',
      graceMs: 4321,
    });
    const alice = await t.member('room', 'alice', { data: 'A' });
    expect(await alice.send({ kind: 'publish', streamId: 'cam-a', properties: CAMERA })).toEqual({
      ok: true,
      seq: 1,
    });
    const bob = await t.member('room', 'bob');
    const joined = bob.joined;
    expect(joined).toMatchObject({
      ok: true,
      v: 1,
      sessionId: 'room',
      identity: 'bob',
      role: 'publisher',
      seq: 0,
      // `urls` is always a list on the wire, whether the server was given one URL or several.
      ice: { iceServers: [{ urls: ['turn:127.0.0.1:3478'] }], iceTransportPolicy: 'relay' },
      // holdMs: the grace stretched by at most maxGraceExtensionMs (default 30 s) when the server is loaded.
      timing: { graceMs: 4321, pingIntervalMs: 300, pingTimeoutMs: 300, holdMs: 34_321 },
      node: t.server.node,
    });
    expect(joined?.connectionId).not.toBe(alice.connectionId);
    expect(joined?.resumeSecret.length).toBeGreaterThanOrEqual(32);
    expect(joined?.connections).toEqual([expect.objectContaining({ identity: 'alice', data: 'A' })]);
    expect(joined?.streams).toEqual([expect.objectContaining({ streamId: 'cam-a', identity: 'alice' })]);
    expect(joined?.replaced).toBeUndefined();

    const created = await alice.waitForEvent('connectionCreated');
    expect(created.connection).toMatchObject({ connectionId: bob.connectionId, identity: 'bob' });
    expect(created.replaces).toBeUndefined();
    expect(alice.events.map((e) => e.seq)).toEqual([1]);
  });

  it('relays signals to everyone else, or only to the named connections, inside the session only', async () => {
    const t = await TestServer.start();
    const [a, b, c] = [await t.member('room', 'a'), await t.member('room', 'b'), await t.member('room', 'c')];
    const outsider = await t.member('elsewhere', 'x');
    expect(await a.send({ kind: 'signal', type: 'chat', data: 'hi all' })).toEqual({ ok: true, seq: 1 });
    await b.waitForEvent('signal', (s) => s.data === 'hi all');
    await c.waitForEvent('signal', (s) => s.data === 'hi all');
    expect(await a.send({ kind: 'signal', type: 'chat', data: 'psst', to: [c.connectionId] })).toEqual({
      ok: true,
      seq: 2,
    });
    const got = await c.waitForEvent('signal', (s) => s.data === 'psst');
    expect(got).toEqual({ kind: 'signal', from: a.connectionId, type: 'chat', data: 'psst' });
    await delay(100);
    expect(b.received('signal').map((s) => s.kind === 'signal' && s.data)).toEqual(['hi all']);
    expect(a.received('signal')).toEqual([]);
    expect(outsider.received('signal')).toEqual([]);
  });

  it('publishes, changes and unpublishes streams; media messages reach only their target', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    const c = await t.member('room', 'c');
    await a.send({ kind: 'publish', streamId: 's1', properties: CAMERA });
    const created = await b.waitForEvent('streamCreated');
    expect(created.stream).toMatchObject({ streamId: 's1', connectionId: a.connectionId, identity: 'a' });
    await a.send({ kind: 'streamProperty', streamId: 's1', property: 'videoActive', value: false });
    expect(await c.waitForEvent('streamPropertyChanged')).toMatchObject({
      streamId: 's1',
      property: 'videoActive',
      value: false,
    });
    const media = {
      kind: 'media',
      to: b.connectionId,
      link: { linkId: 'a|b', gen: 1 },
      payload: { type: 'offer', sdp: 'v=0' },
    } as const;
    expect(await a.send(media)).toEqual({ ok: true, seq: 3 });
    expect(await b.waitForEvent('media')).toEqual({
      kind: 'media',
      from: a.connectionId,
      fromIdentity: 'a',
      link: { linkId: 'a|b', gen: 1 },
      payload: { type: 'offer', sdp: 'v=0' },
    });
    await a.send({ kind: 'unpublish', streamId: 's1' });
    expect(await c.waitForEvent('streamDestroyed')).toMatchObject({ streamId: 's1', reason: 'disconnect' });
    expect(c.received('media')).toEqual([]);
    const description = await t.rest<{ streams: unknown[] }>('GET', '/api/sessions/room');
    expect(description.body.streams).toEqual([]);
  });

  it('enforces roles and stream ownership: FORBIDDEN, NOT_FOUND', async () => {
    const t = await TestServer.start();
    const sub = await t.member('room', 'sub', { role: 'subscriber' });
    const pub = await t.member('room', 'pub');
    expect(await sub.send({ kind: 'publish', streamId: 'x', properties: CAMERA })).toMatchObject({
      ok: false,
      seq: 1,
      error: { code: 'FORBIDDEN' },
    });
    await pub.send({ kind: 'publish', streamId: 'p', properties: CAMERA });
    expect(await sub.send({ kind: 'unpublish', streamId: 'p' })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect(await sub.send({ kind: 'unpublish', streamId: 'nope' })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    expect(await pub.send({ kind: 'publish', streamId: 'p', properties: CAMERA })).toMatchObject({
      error: { code: 'MESSAGE_MALFORMED' },
    });
    // A subscriber still signals and negotiates media.
    expect(await sub.send({ kind: 'signal', type: 't', data: 1 })).toEqual({ ok: true, seq: 4 });
  });

  it('refuses a stream property whose value does not fit it (MESSAGE_MALFORMED), changing and announcing nothing', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    await a.send({ kind: 'publish', streamId: 's1', properties: CAMERA });
    await b.waitForEvent('streamCreated');
    expect(
      await a.send({
        kind: 'streamProperty',
        streamId: 's1',
        property: 'videoActive',
        value: { width: 1, height: 1 },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_MALFORMED', message: 'wrong value type for "videoActive"' },
    });
    expect(
      await a.send({ kind: 'streamProperty', streamId: 's1', property: 'videoDimensions', value: true }),
    ).toMatchObject({ ok: false, error: { code: 'MESSAGE_MALFORMED' } });
    // A fitting change still goes through, and is the only one the others hear of.
    await a.send({
      kind: 'streamProperty',
      streamId: 's1',
      property: 'videoDimensions',
      value: { width: 640, height: 360 },
    });
    expect(await b.waitForEvent('streamPropertyChanged')).toEqual({
      kind: 'streamPropertyChanged',
      streamId: 's1',
      connectionId: a.connectionId,
      property: 'videoDimensions',
      value: { width: 640, height: 360 },
    });
    await delay(100);
    expect(b.received('streamPropertyChanged')).toHaveLength(1);
    const description = await t.rest<{ streams: { videoActive: boolean }[] }>('GET', '/api/sessions/room');
    expect(description.body.streams[0]?.videoActive).toBe(true);
  });

  it('a join with an identity already present replaces that connection (duplicateIdentity to it, no connectionDestroyed)', async () => {
    const t = await TestServer.start();
    const a1 = await t.member('room', 'alice');
    const b = await t.member('room', 'bob');
    await a1.send({ kind: 'publish', streamId: 'a-cam', properties: CAMERA });
    await b.waitForEvent('streamCreated');

    const a2 = await t.member('room', 'alice');
    expect(a2.joined?.replaced).toBe(a1.connectionId);
    expect(a2.joined?.connections.map((c) => c.identity)).toEqual(['bob']);
    expect(a2.joined?.streams).toEqual([]);
    expect(await b.waitForEvent('streamDestroyed')).toMatchObject({
      streamId: 'a-cam',
      connectionId: a1.connectionId,
      reason: 'networkDisconnect',
    });
    const created = await b.waitForEvent('connectionCreated', (e) => e.connection.identity === 'alice');
    expect(created).toMatchObject({
      connection: { connectionId: a2.connectionId },
      replaces: a1.connectionId,
    });
    // The older page is told why it ended (the newer one wins), then closed.
    expect(await a1.waitForEvent('sessionDisconnected')).toEqual({
      kind: 'sessionDisconnected',
      reason: 'duplicateIdentity',
    });
    expect(await a1.waitForDisconnect()).toBe('io server disconnect');
    await delay(100);
    expect(b.received('connectionDestroyed')).toEqual([]);
    // A resume of the replaced connection only fetches that ending: it is no member any more.
    const late = await t.client();
    expect(await late.resume(a1.joined ?? expect.fail(), 0)).toMatchObject({ ok: true });
    expect(await late.waitForEvent('sessionDisconnected')).toMatchObject({ reason: 'duplicateIdentity' });
    const description = await t.rest<{ connections: { identity: string }[] }>('GET', '/api/sessions/room');
    expect(description.body.connections.map((c) => c.identity).sort()).toEqual(['alice', 'bob']);
  });

  it('refuses a second join or a resume on an already joined socket with ALREADY_JOINED', async () => {
    const t = await TestServer.start();
    const a = await t.member('room', 'a');
    const again = await a.join('room', await t.token('room', { identity: 'a-again' }), 'a-again');
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
    const resumed = await a.resume(a.joined ?? expect.fail(), 0);
    expect(resumed).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
  });

  it('refuses an unsupported protocol version and an unknown session', async () => {
    const t = await TestServer.start();
    await t.session('room');
    const client = await t.client();
    const reply = await client.request('hf:join', { v: 99, sessionId: 'room', token: 'x', identity: 'i' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'PROTOCOL_VERSION_UNSUPPORTED' } });
    const other = await TestServer.start();
    await other.session('only-there');
    const foreignToken = await other.token('only-there', { identity: 'i' });
    expect(await client.join('only-there', foreignToken, 'i')).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND' },
    });
  });
});
