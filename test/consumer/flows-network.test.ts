import { describe, expect, it } from 'vitest';
import { netnsAvailable } from '../support/netns';
import { delay, waitFor } from '../support/wait';
import {
  callPerSuite,
  expectPeerConnectionsMatchLinks,
  framesRiseAt,
  pictureBack,
  report,
  startTwoParty,
  tileGone,
  tileStatesOver,
} from './support/netns-call';

/** The server's default eviction grace (the server runs with its defaults here). */
const SERVER_GRACE_MS = 12_000;

/**
 * Consumer flows, part 2: B's network fails. Each participant runs the packed library's app in its own
 * network namespace and browser; the fault is B's link losing its carrier, or B's address changing. The
 * page learns of it only from the network.
 */
describe.skipIf(!netnsAvailable())('consumer flows: the network fails', () => {
  const call = callPerSuite();

  it('evicted after a 16 s cut: the banner offers Rejoin, and Rejoin brings video back both ways', async () => {
    const [a, b] = await startTwoParty(call(), 'evicted');
    const cutAt = Date.now();
    await b.net.cut();
    await delay(SERVER_GRACE_MS + 4_000);
    await b.net.restore();
    const restoredAt = Date.now();
    const rejoin = b.page.page.getByRole('button', { name: 'Rejoin' });
    await rejoin.waitFor({ state: 'visible', timeout: 20_000 }).catch(async () => {
      throw new Error(
        `bob's banner offers no Rejoin within 20 s of the restore (cut ${restoredAt - cutAt} ms): ` +
          JSON.stringify(await b.page.banner()),
      );
    });
    report(`evicted: Rejoin offered ${Date.now() - restoredAt} ms after the restore`);
    expect((await b.page.banner()).reason).toBe('networkDisconnect');
    const startedAt = Date.now();
    await rejoin.click();
    await framesRiseAt(
      'evicted / Rejoin',
      [
        [a.page, 'alice decodes bob again (bob publishes again)'],
        [b.page, 'bob decodes alice again'],
      ],
      { withinMs: 15_000, startedAt },
    );
    expect(await a.page.remoteTiles(b.identity)).toBe(1);
    expect(await b.page.remoteTiles(a.identity)).toBe(1);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('camera off: alice shows "Camera off" and repairs nothing; the camera stays off through eviction and Rejoin; on again, alice decodes bob', async () => {
    const [a, b] = await startTwoParty(call(), 'camera-off');
    const camera = b.page.page.getByRole('button', { name: 'Camera' });
    const created = async () => [
      (await a.page.counts()).peerConnectionsCreated,
      (await b.page.counts()).peerConnectionsCreated,
    ];
    const atStart = await created();
    const offAt = Date.now();
    await camera.click();
    await waitFor(async () => (await a.page.remoteHealth(b.identity)) === 'muted', {
      timeoutMs: 5_000,
      what: 'alice shows bob’s camera off',
    });
    report(`camera off: alice shows it after ${Date.now() - offAt} ms`);
    // Off for 8 s: "Camera off" all along, never frozen or recovering, and no repair (no new peer connection).
    const decodedOff = await a.page.framesDecoded();
    const seen = await tileStatesOver(a.page, b.identity, 8_000);
    const dark = await a.page.remoteBrightness(b.identity);
    report(
      `camera off for 8 s: alice decoded ${(await a.page.framesDecoded()) - decodedOff} frames of bob (black: brightness ${dark?.toFixed(1)})`,
    );
    expect(seen).toEqual(['muted']);
    expect(dark).not.toBeNull();
    expect(dark as number).toBeLessThan(5);
    expect(await created()).toEqual(atStart);

    // Evicted, then Rejoin: bob comes back with his camera still off, as he left it.
    await b.net.cut();
    await delay(SERVER_GRACE_MS + 4_000);
    await b.net.restore();
    const rejoin = b.page.page.getByRole('button', { name: 'Rejoin' });
    await rejoin.waitFor({ state: 'visible', timeout: 20_000 });
    await rejoin.click();
    await framesRiseAt('camera off, Rejoin', [[b.page, 'bob decodes alice again']], {
      withinMs: 15_000,
      startedAt: Date.now(),
    });
    await waitFor(async () => (await a.page.remoteHealth(b.identity)) === 'muted', {
      timeoutMs: 10_000,
      what: 'alice shows bob back with his camera off',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}: alice shows "${await a.page.remoteHealth(b.identity)}"`);
    });
    expect(await camera.getAttribute('aria-pressed')).toBe('false');

    // Still black at alice: bob's camera really stayed off (not only the flag).
    await delay(1_000);
    expect((await a.page.remoteBrightness(b.identity)) as number).toBeLessThan(5);

    // On again: within 3 s alice decodes bob's picture (no longer black), and shows him live.
    const onAt = Date.now();
    await camera.click();
    const back = await pictureBack(a.page, b.identity, {
      withinMs: 3_000,
      what: 'alice sees bob’s picture again',
    });
    report(`camera on: alice sees bob's picture after ${back.ms} ms (brightness ${back.brightness})`);
    await framesRiseAt('camera on', [[a.page, 'alice decodes bob']], { withinMs: 5_000, startedAt: onAt });
    expect(await camera.getAttribute('aria-pressed')).toBe('true');
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('B’s browser frozen 8 s (SIGSTOP, a laptop lid closed briefly): back in the same connection, video both ways within 8 s of the wake', async () => {
    const [a, b] = await startTwoParty(call(), 'sleep-short');
    const connection = await b.page.status();
    expect(b.net.suspend()).toBeGreaterThan(0);
    await delay(8_000);
    b.net.wake();
    const wokeAt = Date.now();
    await framesRiseAt(
      'frozen 8 s',
      [
        [a.page, 'alice decodes bob'],
        [b.page, 'bob decodes alice'],
      ],
      { withinMs: 8_000, startedAt: wokeAt },
    );
    // Resumed inside the grace: the same connection, nobody left.
    expect(await b.page.status()).toBe(connection);
    expect(await a.page.remoteTiles(b.identity)).toBe(1);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('B’s browser frozen 20 s (past the grace): on waking it says it is out and offers Rejoin at once; Rejoin brings video back both ways', async () => {
    const [a, b] = await startTwoParty(call(), 'sleep-long');
    b.net.suspend();
    await delay(SERVER_GRACE_MS + 8_000);
    b.net.wake();
    const wokeAt = Date.now();
    const rejoin = b.page.page.getByRole('button', { name: 'Rejoin' });
    await rejoin.waitFor({ state: 'visible', timeout: 10_000 });
    report(`frozen 20 s: Rejoin offered ${Date.now() - wokeAt} ms after the wake`);
    expect(await a.page.remoteTiles(b.identity)).toBe(0);
    const startedAt = Date.now();
    await rejoin.click();
    await framesRiseAt(
      'frozen 20 s / Rejoin',
      [
        [a.page, 'alice decodes bob again'],
        [b.page, 'bob decodes alice again'],
      ],
      { withinMs: 10_000, startedAt },
    );
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('handoff: B changes address mid-call and video rises again both ways within 5 s', async () => {
    const [a, b] = await startTwoParty(call(), 'handoff');
    const before = b.net.address;
    const startedAt = Date.now();
    const after = await b.net.changeAddress();
    report(`handoff: bob ${before} → ${after}`);
    await framesRiseAt(
      'handoff',
      [
        [a.page, 'alice decodes bob'],
        [b.page, 'bob decodes alice'],
      ],
      { withinMs: 5_000, startedAt },
    );
    expect(await a.page.remoteTiles(b.identity)).toBe(1);
    // The media really moved: alice's selected pair now reaches bob's new address.
    expect((await a.page.selectedPairs()).map((pair) => pair.remote)).toEqual([
      expect.stringContaining(` ${after}`),
    ]);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('a third participant joins while B is cut off: once B is back, all three see each other', async () => {
    const [a, b] = await startTwoParty(call(), 'late-joiner');
    await b.net.cut();
    const cutAt = Date.now();
    await delay(2_000);
    // Carol joins the call while bob's network is down (bob is still a member, inside the server's grace).
    const c = await call().join('carol', { session: a.options.session });
    const carolSeesAlice = await pictureBack(c.page, a.identity, {
      withinMs: 15_000,
      what: 'carol sees alice while bob is cut off',
    });
    report(`late joiner: carol sees alice ${carolSeesAlice.ms} ms after she was connected`);
    await delay(Math.max(0, cutAt + 8_000 - Date.now()));
    await b.net.restore();
    const restoredAt = Date.now();
    const seen: string[] = [];
    await Promise.all(
      (
        [
          [b.page, c.identity, 'bob sees carol'],
          [c.page, b.identity, 'carol sees bob'],
          [b.page, a.identity, 'bob sees alice'],
          [a.page, b.identity, 'alice sees bob'],
        ] as const
      ).map(async ([page, identity, what]) => {
        const { ms } = await pictureBack(page, identity, {
          withinMs: 12_000,
          what: `${what} after the restore`,
        });
        seen.push(`${what} ${Date.now() - restoredAt} ms (picture ${ms} ms)`);
      }),
    );
    report(`late joiner: after bob's restore: ${seen.join(', ')}`);
    await expectPeerConnectionsMatchLinks([
      [a.page, 2],
      [b.page, 2],
      [c.page, 2],
    ]);
  });

  it('someone hangs up while B is cut off: back, B shows only who is still there, and keeps no link to the one who left', async () => {
    const [a, b] = await startTwoParty(call(), 'left-meanwhile');
    const c = await call().join('carol', { session: a.options.session });
    for (const [page, identity] of [
      [b.page, c.identity],
      [c.page, b.identity],
      [a.page, c.identity],
    ] as const)
      await pictureBack(page, identity, { withinMs: 15_000, what: `${identity} seen before the fault` });
    await b.net.cut();
    const cutAt = Date.now();
    await delay(2_000);
    await c.page.page.getByRole('button', { name: 'Hang up' }).click();
    await tileGone(a.page, c.identity, { withinMs: 5_000, what: 'alice sees carol leave' });
    await delay(Math.max(0, cutAt + 8_000 - Date.now()));
    await b.net.restore();
    const restoredAt = Date.now();
    const { ms } = await pictureBack(b.page, a.identity, {
      withinMs: 12_000,
      what: 'bob sees alice after the restore',
    });
    await pictureBack(a.page, b.identity, { withinMs: 12_000, what: 'alice sees bob after the restore' });
    const left = await tileGone(b.page, c.identity, {
      withinMs: 5_000,
      what: 'bob no longer shows carol once back',
    });
    report(
      `left meanwhile: bob sees alice ${Date.now() - restoredAt} ms after the restore (picture ${ms} ms), carol's tile gone`,
    );
    expect(left).toEqual(['disconnect']);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
      [c.page, 0],
    ]);
  });

  it('a 60 s outage: B creates at most 10 peer connections meanwhile, and nothing is left open', async () => {
    const [a, b] = await startTwoParty(call(), 'outage');
    const atCut = { a: await a.page.counts(), b: await b.page.counts() };
    await b.net.cut();
    const cutAt = Date.now();
    // Read the pages (over playwright's pipe, not the network) every 2 s during the outage.
    const samples: string[] = [];
    while (Date.now() - cutAt < 60_000) {
      await delay(Math.min(2_000, Math.max(1, cutAt + 60_000 - Date.now())));
      const counts = await b.page.counts();
      samples.push(
        `${Math.round((Date.now() - cutAt) / 1000)}s:${counts.peerConnectionsCreated - atCut.b.peerConnectionsCreated}`,
      );
    }
    const duringB = (await b.page.counts()).peerConnectionsCreated - atCut.b.peerConnectionsCreated;
    const duringA = (await a.page.counts()).peerConnectionsCreated - atCut.a.peerConnectionsCreated;
    report(
      `outage: bob created ${duringB}, alice ${duringA} peer connections in 60 s (${samples.join(' ')})`,
    );
    await b.net.restore();
    expect(
      duringB,
      `peer connections bob created during the 60 s outage (${samples.join(' ')})`,
    ).toBeLessThanOrEqual(10);
    // Gave up long ago (the server's grace + 10 s): bob is out of the call, alice no longer has bob.
    await waitFor(async () => (await b.page.status()).startsWith('disconnected'), {
      timeoutMs: 10_000,
      what: 'bob disconnected after the 60 s outage',
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: status "${await b.page.status()}", banner ${JSON.stringify(await b.page.banner())}`,
      );
    });
    await expectPeerConnectionsMatchLinks([
      [a.page, 0],
      [b.page, 0],
    ]);
  });
});
