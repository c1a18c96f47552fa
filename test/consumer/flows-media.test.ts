import { describe, expect, it } from 'vitest';
import { netnsAvailable } from '../support/netns';
import { delay, waitFor } from '../support/wait';
import type { TileChange } from './support/consumer-page';
import {
  callPerSuite,
  expectPeerConnectionsMatchLinks,
  framesRise,
  framesRiseAt,
  NsCall,
  type NsParty,
  pictureBack,
  report,
  startTwoParty,
  tileStatesOver,
} from './support/netns-call';

/**
 * Consumer flows, part 3: media faults. Each participant runs the packed library's app in its own
 * network namespace and browser. With relay-only ICE through coturn on the bridge address: the TURN
 * server restarts (every allocation lost), or B's address changes (its allocation is useless from the
 * new address). With host candidates: B's own camera hangs, which no repair can fix.
 */
describe.skipIf(!netnsAvailable())('consumer flows: relay-only media (TURN on the bridge)', () => {
  const call = callPerSuite({ turn: true });

  /** Both pages' media goes through the relay (else the test would prove nothing about TURN). */
  async function expectRelayed(parties: NsParty[]) {
    for (const party of parties) {
      const pairs = await party.page.selectedPairs();
      expect(pairs.length, `${party.name}: one selected pair`).toBe(1);
      expect(pairs[0]?.local, `${party.name}: media through the relay`).toMatch(/^relay /);
    }
  }

  it('TURN restart (coturn killed and started again on the same port): video back both ways in 7 s', async () => {
    const turn = call().turn;
    if (!turn) throw new Error('no TURN server');
    const [a, b] = await startTwoParty(call(), 'turn-restart');
    await expectRelayed([a, b]);
    const startedAt = Date.now();
    await turn.restart({ kill: true });
    report(`TURN restart: coturn back after ${Date.now() - startedAt} ms`);
    await framesRiseAt(
      'TURN restart',
      [
        [a.page, 'alice decodes bob'],
        [b.page, 'bob decodes alice'],
      ],
      { withinMs: 7_000, startedAt },
    );
    await expectRelayed([a, b]);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('a 60 s media outage (B’s UDP dropped, signaling up): at most 10 peer connections per page, video back both ways within 10 s of the restore', async () => {
    const [a, b] = await startTwoParty(call(), 'media-outage');
    await expectRelayed([a, b]);
    const atCut = { a: await a.page.counts(), b: await b.page.counts() };
    const statusAtCut = { a: await a.page.status(), b: await b.page.status() };
    expect(statusAtCut.b).toMatch(/^connected /);
    await b.net.blockUdp();
    let restoredAt: number;
    try {
      await delay(60_000);
      // Signaling was never touched: both are still in the call, on the same connection.
      expect(await b.page.status()).toBe(statusAtCut.b);
      expect(await a.page.status()).toBe(statusAtCut.a);
    } finally {
      restoredAt = Date.now();
      await b.net.unblockUdp();
    }
    await framesRiseAt(
      'media outage',
      [
        [a.page, 'alice decodes bob'],
        [b.page, 'bob decodes alice'],
      ],
      { withinMs: 10_000, startedAt: restoredAt },
    );
    const createdA = (await a.page.counts()).peerConnectionsCreated - atCut.a.peerConnectionsCreated;
    const createdB = (await b.page.counts()).peerConnectionsCreated - atCut.b.peerConnectionsCreated;
    report(
      `media outage 60 s: alice created ${createdA}, bob ${createdB} peer connections (recovery included)`,
    );
    // Issue #17: no peer connection on a timer without limit (links and path probes, recovery included).
    expect(createdA, 'peer connections alice created').toBeLessThanOrEqual(10);
    expect(createdB, 'peer connections bob created').toBeLessThanOrEqual(10);
    await expectRelayed([a, b]);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('handoff with relay-only ICE: B changes address, video back both ways in 5 s', async () => {
    const [a, b] = await startTwoParty(call(), 'relay-handoff');
    await expectRelayed([a, b]);
    const startedAt = Date.now();
    await b.net.changeAddress();
    await framesRiseAt(
      'relay handoff',
      [
        [a.page, 'alice decodes bob'],
        [b.page, 'bob decodes alice'],
      ],
      { withinMs: 5_000, startedAt },
    );
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });
});

describe.skipIf(!netnsAvailable())('consumer flows: the sender’s own camera hangs', () => {
  const call = callPerSuite();

  it('B’s camera is unplugged: A shows "Camera off" (never frozen, nothing repaired), B’s toggle shows it off; a click opens the camera again, same stream, and A sees the picture', async () => {
    const [a, b] = await startTwoParty(call(), 'unplugged', { b: { removableCamera: true } });
    const created = async () => [
      (await a.page.counts()).peerConnectionsCreated,
      (await b.page.counts()).peerConnectionsCreated,
    ];
    const atStart = await created();
    const streamIds = async () =>
      (await a.page.events()).filter((e) => e.name === 'streamCreated').map((e) => e.streamId);
    const streamsBefore = await streamIds();
    const unpluggedAt = Date.now();
    expect(
      await b.page.page.evaluate(() => (window as unknown as { __unplugCamera(): number }).__unplugCamera()),
    ).toBe(1);
    await waitFor(async () => (await a.page.remoteHealth(b.identity)) === 'muted', {
      timeoutMs: 5_000,
      what: 'alice shows bob’s camera off',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}: alice shows "${await a.page.remoteHealth(b.identity)}"`);
    });
    report(`unplugged: alice shows bob's camera off after ${Date.now() - unpluggedAt} ms`);
    const camera = b.page.page.getByRole('button', { name: 'Camera' });
    expect(await camera.getAttribute('aria-pressed')).toBe('false');
    // 6 s on: still "Camera off", no repair, no new peer connection.
    expect(await tileStatesOver(a.page, b.identity, 6_000)).toEqual(['muted']);
    expect(await created()).toEqual(atStart);

    const clickedAt = Date.now();
    await camera.click();
    const back = await pictureBack(a.page, b.identity, {
      withinMs: 5_000,
      what: 'alice sees bob’s picture again',
    });
    report(`unplugged: camera reopened, alice sees bob after ${back.ms} ms (brightness ${back.brightness})`);
    await framesRiseAt('camera reopened', [[a.page, 'alice decodes bob']], {
      withinMs: 5_000,
      startedAt: clickedAt,
    });
    expect(await camera.getAttribute('aria-pressed')).toBe('true');
    // The same stream (no new tile), and still no new peer connection: the track was swapped in place.
    expect(await streamIds()).toEqual(streamsBefore);
    expect(await created()).toEqual(atStart);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('B has no camera: B still joins with the microphone (alice hears B, shows "Camera off"); once a camera is there, B’s toggle publishes it and alice sees the picture', async () => {
    const session = NsCall.session('no-camera');
    const a = await call().join('alice', { session });
    const b = await call().join('bob', { session, missingCamera: true });
    await waitFor(async () => (await a.page.remoteHealth(b.identity)) === 'muted', {
      timeoutMs: 10_000,
      what: 'alice shows bob with his camera off',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}: alice shows "${await a.page.remoteHealth(b.identity)}"`);
    });
    await framesRise(b.page, { withinMs: 10_000, what: 'bob decodes alice' });
    const heard = await a.page.audioPacketsReceived();
    await delay(2_000);
    const heardLater = await a.page.audioPacketsReceived();
    report(`no camera: alice received ${heardLater - heard} audio packets from bob in 2 s`);
    expect(heardLater - heard).toBeGreaterThan(50);
    const camera = b.page.page.getByRole('button', { name: 'Camera' });
    expect(await camera.getAttribute('aria-pressed')).toBe('false');

    await b.page.page.evaluate(() => (window as unknown as { __plugCamera(): void }).__plugCamera());
    await camera.click();
    const back = await pictureBack(a.page, b.identity, {
      withinMs: 10_000,
      what: 'alice sees bob’s new camera',
    });
    report(`no camera: camera plugged in, alice sees bob after ${back.ms} ms`);
    expect(await camera.getAttribute('aria-pressed')).toBe('true');
    expect(await a.page.remoteTiles(b.identity)).toBe(1);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('A shows B frozen, and never live or "restored" while B’s camera stays frozen (20 s)', async () => {
    const [a, b] = await startTwoParty(call(), 'frozen-camera', { b: { source: 'canvas' } });
    await waitFor(async () => (await a.page.remoteHealth(b.identity)) === 'live', {
      timeoutMs: 10_000,
      what: "alice's tile of bob live before the freeze",
    });
    await a.page.recordTile(b.identity);
    const frozeAt = Date.now();
    await b.page.page.evaluate(() => (window as unknown as { __freezeCamera(): void }).__freezeCamera());

    // The tile must leave `live` (any fault state), and say `frozen` (checked softly below, so the
    // 20 s watch still runs and reports).
    const notLive = (change: TileChange) => change.health !== 'live' && change.health !== null;
    const shown = await waitFor(async () => (await a.page.tileHistory()).find(notLive), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "alice's tile of bob leaving live after bob's camera froze",
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; tile history ${JSON.stringify(await a.page.tileHistory())}`);
    });
    report(`frozen camera: alice's tile of bob says ${shown.health} after ${shown.at - frozeAt} ms`);

    // The camera stays frozen: nothing may claim the video is back.
    await delay(Math.max(0, shown.at + 20_000 - Date.now()));
    const history = (await a.page.tileHistory()).filter((change) => change.at >= shown.at);
    const lies = history.filter(
      (change) => change.health === 'live' || change.overlay === 'live' || change.phase === 'recovered',
    );
    report(
      `frozen camera: states while frozen ${history
        .map((c) => `+${c.at - frozeAt}ms ${c.health}/${c.overlay}/${c.phase}`)
        .join(', ')}`,
    );
    expect(
      lies.map((c) => `+${c.at - frozeAt} ms: health ${c.health}, overlay ${c.overlay}, banner ${c.phase}`),
      'states claiming video is back while the camera is still frozen',
    ).toEqual([]);
    const isFrozen = (change: TileChange) => change.health === 'frozen' && change.overlay === 'frozen';
    expect
      .soft(
        history.some(isFrozen),
        "alice's tile of bob says frozen (data-holdfast-health and data-holdfast-overlay) while bob's camera is frozen",
      )
      .toBe(true);
    const counts = await b.page.counts();
    report(`frozen camera: bob created ${counts.peerConnectionsCreated} peer connections in all`);

    // The camera comes back: so does the picture.
    const thawedAt = Date.now();
    await b.page.page.evaluate(() => (window as unknown as { __unfreezeCamera(): void }).__unfreezeCamera());
    await framesRiseAt('camera back', [[a.page, 'alice decodes bob']], {
      withinMs: 15_000,
      startedAt: thawedAt,
    });
    await waitFor(async () => (await a.page.remoteHealth(b.identity)) === 'live', {
      timeoutMs: 15_000,
      what: "alice's tile of bob live again once bob's camera runs",
    });
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });
});
