import { describe, expect, it } from 'vitest';
import { FLOW_CHECK_MS } from '../../../src/core/media/media-link';
import { createMeshMediaPlaneWith } from '../../../src/core/media/mesh-media-plane';
import { FakeClock } from './support/fake-clock';
import { fakeHost } from './support/fake-host';
import { fakePeerFactory } from './support/fake-peer';
import { connection, ICE, joinedPlane, streamOf } from './support/plane-fixture';

const OFFER = { type: 'offer', sdp: 'o' } as const;
const resets = (sent: { payload: { type: string }; link: { gen: number } }[]) =>
  sent
    .filter((m) => m.payload.type === 'reset')
    .map((m) => ({ gen: m.link.gen, reason: (m.payload as { reason?: string }).reason }));
/** One inbound video stream and its transport, `bytes` received so far. */
const flowing = (bytes: number) => [
  { id: 'in', type: 'inbound-rtp', kind: 'video', framesDecoded: bytes, packetsReceived: bytes },
  { id: 'tr', type: 'transport', bytesReceived: bytes * 1000 },
];

/** alice's offering link to bob, its transport connected and reading `stats`, `settleMs` after it was built. */
async function connectedLink(
  stats: Array<Record<string, unknown>> = flowing(100),
  options: Parameters<typeof joinedPlane>[3] = {},
  settleMs = 1000,
) {
  const fixture = joinedPlane('alice', ['bob'], {}, options);
  const pc = fixture.peers[0]?.pc;
  if (!pc) throw new Error('no peer');
  pc.setState('connected', 'connected');
  pc.stats = stats;
  await fixture.clock.advance(settleMs);
  return { ...fixture, pc };
}

/** `flowing(bytes)` and one local candidate on `address`. */
const withAddress = (bytes: number, address = '10.0.0.5') => [
  ...flowing(bytes),
  { id: 'lc', type: 'local-candidate', address, candidateType: 'host' },
];

describe('a returning identity (a new page, tab or provider: a new incarnation)', () => {
  it('answering side: takes the new page’s first offer at generation 0 although its link was at 4', () => {
    const { peers, plane } = joinedPlane('bob', ['alice']);
    plane.onMediaMessage('c-alice', 'alice', { linkId: 'alice|bob', gen: 4, inc: 'old' }, OFFER);
    expect(peers).toHaveLength(2);
    // alice hangs up and comes back from a new page: a new connection, generations from 0.
    plane.onParticipantLeft(connection('alice'), 'disconnect');
    plane.onParticipantJoined(connection('alice', 'c-alice-2'), undefined);
    plane.onStreamCreated(streamOf('alice', 'c-alice-2', 's-alice-2'));
    plane.onMediaMessage('c-alice-2', 'alice', { linkId: 'alice|bob', gen: 0, inc: 'new' }, OFFER);
    expect(peers.at(-1)?.fed).toEqual([OFFER]);
    expect(peers.filter((p) => !p.pc.closed)).toHaveLength(1);
  });

  it('answering side: a reload that replaces the connection (no departure) is taken the same way', () => {
    const { peers, plane } = joinedPlane('bob', ['alice']);
    plane.onMediaMessage('c-alice', 'alice', { linkId: 'alice|bob', gen: 2, inc: 'old' }, OFFER);
    plane.onParticipantJoined(connection('alice', 'c-alice-2'), 'c-alice');
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ relay', sdpMid: '0' };
    plane.onMediaMessage(
      'c-alice-2',
      'alice',
      { linkId: 'alice|bob', gen: 0, inc: 'new' },
      { type: 'candidate', candidate },
    );
    plane.onMediaMessage('c-alice-2', 'alice', { linkId: 'alice|bob', gen: 0, inc: 'new' }, OFFER);
    expect(peers.at(-1)?.fed.map((f) => f.type)).toEqual(['candidate', 'offer']);
    // A late message of the replaced page is dropped, not taken as yet another incarnation.
    plane.onMediaMessage('c-alice', 'alice', { linkId: 'alice|bob', gen: 5, inc: 'old' }, OFFER);
    expect(peers.at(-1)?.fed).toHaveLength(2);
    expect(peers.filter((p) => !p.pc.closed)).toHaveLength(1);
  });

  it('offering side: a message from a new incarnation of the remote gets a fresh peer above both generations', () => {
    const { peers, plane, sent } = joinedPlane('alice', ['bob']);
    plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0, inc: 'old' },
      { type: 'answer', sdp: 'a' },
    );
    expect(peers).toHaveLength(1);
    plane.onMediaMessage(
      'c-bob-2',
      'bob',
      { linkId: 'alice|bob', gen: 3, inc: 'new' },
      { type: 'reset', reason: 'renew' },
    );
    expect(peers).toHaveLength(2);
    expect(peers[0]?.pc.closed).toBe(true);
    expect(sent.at(-1)).toMatchObject({
      to: 'c-bob-2',
      link: { gen: 4 },
      payload: { type: 'reset', reason: 'new-peer' },
    });
  });
});

describe('repair from evidence of a network change, before ICE notices', () => {
  it('signaling back from a new address: a link that receives nothing for a moment is restarted at once', async () => {
    const { plane, clock, pc } = await connectedLink(flowing(100));
    // The path moved: nothing arrives any more, ICE still says connected.
    plane.onSignalingRestored({ downtimeMs: 60 });
    await clock.advance(FLOW_CHECK_MS + 50);
    expect(pc.restarts).toBe(1);
  });

  it('signaling back from an address the server had not seen (a handoff): a link that receives nothing for the flow check gets a fresh peer', async () => {
    const { peers, plane, clock, pc } = await connectedLink(flowing(100));
    plane.onSignalingRestored({ downtimeMs: 60, addressChanged: true });
    await clock.advance(FLOW_CHECK_MS - 50);
    expect(peers).toHaveLength(1);
    // Nothing arrived: a fresh peer (not an ICE restart), which gathers continually until it connects
    // and so takes in an address the browser learns late.
    await clock.advance(100);
    expect(pc.restarts).toBe(0);
    expect(peers).toHaveLength(2);
    expect(pc.closed).toBe(true);
  });

  it('a handoff after which the old path still carries media (another interface still up): nothing renegotiated', async () => {
    let bytes = 100;
    const { peers, plane, clock, pc } = await connectedLink(flowing(bytes));
    plane.onSignalingRestored({ downtimeMs: 60, addressChanged: true });
    for (let i = 0; i < 20; i++) {
      bytes += 5;
      pc.stats = flowing(bytes);
      await clock.advance(100);
    }
    expect(pc.restarts).toBe(0);
    expect(peers).toHaveLength(1);
    expect(pc.closed).toBe(false);
  });

  it('a handoff whose flow check began with the browser’s online: a fresh peer all the same', async () => {
    const { peers, plane, clock, pc } = await connectedLink(flowing(100));
    plane.onNetworkChanged();
    await clock.advance(100);
    plane.onSignalingRestored({ downtimeMs: 60, addressChanged: true });
    await clock.advance(FLOW_CHECK_MS);
    expect(pc.restarts).toBe(0);
    expect(peers).toHaveLength(2);
  });

  it('a handoff the browser learns of late: the fresh peer built at the handoff is left to gather the new address, no second one', async () => {
    let probes = 0;
    // The browser shows the old address for its first three probes (~600 ms), then the new one.
    const localAddressProbe = async (known: ReadonlySet<string>) =>
      !known.has(++probes <= 3 ? '10.0.0.5' : '10.0.0.9');
    const { peers, plane, clock } = await connectedLink(withAddress(100), { localAddressProbe });
    plane.onSignalingRestored({ downtimeMs: 60, addressChanged: true });
    await clock.advance(FLOW_CHECK_MS + 10);
    expect(peers).toHaveLength(2);
    await clock.advance(400);
    expect(probes).toBe(4);
    // Past the moment a renewal could cut the fresh peer's step short (nudgeAfterMs), within its budget.
    await clock.advance(1_700);
    expect(peers).toHaveLength(2);
    expect(peers.filter((p) => !p.pc.closed)).toHaveLength(1);
  });

  it('a handoff the browser already knows of: one fresh peer, one probe', async () => {
    let probes = 0;
    const localAddressProbe = async (known: ReadonlySet<string>) => {
      probes += 1;
      return !known.has('10.0.0.9');
    };
    const { peers, plane, clock } = await connectedLink(withAddress(100), { localAddressProbe });
    plane.onSignalingRestored({ downtimeMs: 60, addressChanged: true });
    await clock.advance(FLOW_CHECK_MS + 10);
    const fresh = peers[1]?.pc;
    if (!fresh) throw new Error('no fresh peer');
    // The fresh peer connects and media flows again.
    fresh.setState('connected', 'connected');
    for (let i = 1; i <= 30; i++) {
      fresh.stats = withAddress(100 + i * 5, '10.0.0.9');
      await clock.advance(100);
    }
    expect(peers).toHaveLength(2);
    expect(fresh.restarts).toBe(0);
    expect(probes).toBe(1);
  });

  it('signaling back while media still flows (the same path): nothing is renegotiated', async () => {
    let bytes = 100;
    const { peers, plane, clock, pc } = await connectedLink(flowing(bytes));
    plane.onSignalingRestored({ downtimeMs: 60 });
    for (let i = 0; i < 10; i++) {
      bytes += 5;
      pc.stats = flowing(bytes);
      await clock.advance(100);
    }
    plane.onNetworkChanged();
    for (let i = 0; i < 10; i++) {
      bytes += 5;
      pc.stats = flowing(bytes);
      await clock.advance(100);
    }
    expect(pc.restarts).toBe(0);
    expect(peers).toHaveLength(1);
  });

  it('the browser’s online event checks the links the same way', async () => {
    const { plane, clock, pc } = await connectedLink(flowing(100), {}, 600);
    plane.onNetworkChanged();
    await clock.advance(FLOW_CHECK_MS + 50);
    expect(pc.restarts).toBe(1);
  });
});

describe('a silent link while ICE says connected (TURN restart: both paths answer)', () => {
  function withProbe(local: 'alice' | 'bob', pathUp: () => boolean) {
    const clock = new FakeClock();
    const host = fakeHost(clock, local);
    const peers = fakePeerFactory();
    const remote = local === 'alice' ? 'bob' : 'alice';
    const plane = createMeshMediaPlaneWith({
      createPeer: peers.factory,
      pathProbe: (signal) =>
        new Promise((resolve) => {
          if (pathUp()) resolve(true);
          else signal.addEventListener('abort', () => resolve(false));
        }),
    })(host.host);
    plane.onJoined({
      kind: 'join',
      connectionId: `c-${local}`,
      ice: ICE,
      connections: [connection(remote)],
      streams: [streamOf(remote)],
    });
    const pc = peers.peers[0]?.pc;
    if (!pc) throw new Error('no peer');
    pc.setState('connected', 'connected');
    pc.stats = flowing(100);
    return { clock, plane, pc, peers: peers.peers, ...host };
  }

  it('answering side: silent with its own path answering, it tells the offerer', async () => {
    const { clock, sent } = withProbe('bob', () => true);
    await clock.advance(2000);
    expect(resets(sent)).toEqual([{ gen: 0, reason: 'path-ok' }]);
  });

  it('answering side: says nothing while its own path is down (it is the one cut off)', async () => {
    const { clock, sent } = withProbe('bob', () => false);
    await clock.advance(4000);
    expect(resets(sent)).toEqual([]);
  });

  it('offering side: restarts ICE at once when both ends say their paths answer', async () => {
    const { clock, plane, pc } = withProbe('alice', () => true);
    await clock.advance(2000);
    expect(pc.restarts).toBe(0);
    plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'reset', reason: 'path-ok' },
    );
    await clock.advance(10);
    expect(pc.restarts).toBe(1);
  });

  it('offering side: its own path down, the other side’s word alone restarts nothing', async () => {
    const { clock, plane, pc } = withProbe('alice', () => false);
    await clock.advance(2000);
    plane.onMediaMessage(
      'c-bob',
      'bob',
      { linkId: 'alice|bob', gen: 0 },
      { type: 'reset', reason: 'path-ok' },
    );
    await clock.advance(1000);
    expect(pc.restarts).toBe(0);
  });
});
