import { describe, expect, it } from 'vitest';
import { netnsAvailable } from '../support/netns';
import { delay, waitFor } from '../support/wait';
import type { ConsumerPage } from './support/consumer-page';
import {
  callPerSuite,
  expectPeerConnectionsMatchLinks,
  framesRiseAt,
  type NsParty,
  report,
  startTwoParty,
  tileGone,
  waitConnected,
} from './support/netns-call';

/** The app's text for a call with no remote stream (test/consumer/app/src/App.jsx). */
const EMPTY_CALL = 'empty-call';

/** The connection id on the page's status line (`connected <id>`). */
async function connectionIdOf(page: ConsumerPage): Promise<string> {
  const [status, id] = (await page.status()).split(' ');
  if (status !== 'connected' || !id) throw new Error(`${page.name} is not connected: "${status} ${id}"`);
  return id;
}

/**
 * Consumer flows, part 3: the server fails. Both participants run the packed library's app in their own
 * network namespace and browser; the holdfast server process is killed (SIGKILL: no goodbye, every
 * session forgotten) and started again on the same port. The pages learn of it only from their sockets.
 */
describe.skipIf(!netnsAvailable())('consumer flows: the server fails', () => {
  const call = callPerSuite();

  it('N1, the server restarts: each page rejoins keeping the other’s tile (same element, "recovering" meanwhile, never the empty-call text), sees connectionCreated with replaces, and keeps the same peer connection, whose video never stops for 500 ms', async () => {
    const [a, b] = await startTwoParty(call(), 'restart');
    const before = { a: await connectionIdOf(a.page), b: await connectionIdOf(b.page) };
    const pairs: Array<[self: NsParty, other: NsParty, otherBefore: string]> = [
      [a, b, before.b],
      [b, a, before.a],
    ];
    for (const [self, other] of pairs) {
      expect(
        await self.page.tagRemoteTile(other.identity),
        `${self.name} shows a tile of ${other.name}`,
      ).toBe(true);
      await self.page.recordTile(other.identity);
      await self.page.watchTestId(EMPTY_CALL);
    }

    // Media is peer to peer: the server's death must not touch it. Frames are counted from here on.
    for (const [self] of pairs) await self.page.startFrameTicker();
    const createdBefore = await Promise.all(
      pairs.map(async ([self]) => (await self.page.counts()).peerConnectionsCreated),
    );
    await delay(500);

    const killedAt = Date.now();
    await call().server.kill('SIGKILL');
    await call().server.restart();
    report(`restart: the server listens again ${Date.now() - killedAt} ms after the kill`);

    for (const [self] of pairs) {
      await waitFor(async () => (await self.page.events()).some((e) => e.name === 'rejoined'), {
        timeoutMs: 30_000,
        what: `${self.name} rejoined`,
      }).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await self.page.events())}`);
      });
    }
    report(
      `restart: rejoined ${(await Promise.all(pairs.map(async ([self]) => `${self.name} +${((await self.page.events()).find((e) => e.name === 'rejoined')?.at ?? Number.NaN) - killedAt} ms`))).join(', ')}`,
    );
    // Every page learns that the other came back on a new connection, the first to rejoin included.
    for (const [self, other, otherBefore] of pairs) {
      await waitFor(
        async () =>
          (await self.page.events()).some(
            (e) =>
              e.name === 'connectionCreated' && e.identity === other.identity && e.replaces === otherBefore,
          ),
        { timeoutMs: 20_000, what: `${self.name} sees ${other.name} back with replaces ${otherBefore}` },
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await self.page.events())}`);
      });
    }

    await framesRiseAt(
      'restart',
      [
        [a.page, 'alice decodes bob again'],
        [b.page, 'bob decodes alice again'],
      ],
      { withinMs: 20_000, startedAt: killedAt },
    );
    // Late changes (a tile dropped after all, the empty-call text) would show within this.
    await delay(2_000);

    // The links outlived the rejoin: the same peer connections, no frame gap a viewer would notice.
    const gaps = await Promise.all(
      pairs.map(([self]) => self.page.largestFrameGap(killedAt - 500, Date.now())),
    );
    const createdAfter = await Promise.all(
      pairs.map(async ([self]) => (await self.page.counts()).peerConnectionsCreated),
    );
    report(
      `restart: largest frame gap ${pairs.map(([self], i) => `${self.name} ${gaps[i]?.gapMs} ms (from +${(gaps[i]?.at ?? 0) - killedAt} ms, ${gaps[i]?.ticks} ticks)`).join(', ')}; ` +
        `peer connections created during the rejoin ${pairs.map(([self], i) => `${self.name} ${(createdAfter[i] ?? 0) - (createdBefore[i] ?? 0)}`).join(', ')}`,
    );
    for (const [i, [self, other]] of pairs.entries()) {
      expect(
        gaps[i]?.gapMs,
        `${self.name}'s largest gap between decoded frames of ${other.name}`,
      ).toBeLessThan(500);
      expect(
        createdAfter[i],
        `${self.name} creates no peer connection for ${other.name} during the rejoin`,
      ).toBe(createdBefore[i]);
    }

    for (const [self, other] of pairs) {
      const what = `${self.name}'s tile of ${other.name}`;
      const history = await self.page.tileHistory();
      const events = (await self.page.events()).filter((e) => e.at >= killedAt);
      expect(await self.page.isSameRemoteTile(other.identity), `${what} stays the same element`).toBe(true);
      expect(
        history.some((change) => change.at >= killedAt && change.overlay === 'recovering'),
        `${what} shows "recovering" during the rejoin: ${JSON.stringify(history)}`,
      ).toBe(true);
      expect(
        await self.page.testIdSeen(EMPTY_CALL),
        `${self.name} never shows the empty-call text`,
      ).toBeNull();
      expect(
        events.filter(
          (e) =>
            (e.name === 'connectionDestroyed' || e.name === 'streamDestroyed') &&
            e.identity === other.identity,
        ),
        `${self.name} never drops ${other.name} (replaced, not destroyed)`,
      ).toEqual([]);
      expect(
        await self.page.remoteTiles(other.identity),
        `${self.name} shows one tile of ${other.name}`,
      ).toBe(1);
      await waitFor(async () => (await self.page.remoteHealth(other.identity)) === 'live', {
        timeoutMs: 10_000,
        what: `${what} live again`,
      });
    }
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
    expect([...a.page.errors, ...b.page.errors]).toEqual([]);
  });

  it('the server restarts while bob is cut off: alice rejoins at once; bob, back after 10 s, rejoins by himself and video runs both ways', async () => {
    const [a, b] = await startTwoParty(call(), 'restart-while-away');
    const aBefore = await connectionIdOf(a.page);
    await b.net.cut();
    const cutAt = Date.now();
    await delay(1_000);
    await call().server.kill('SIGKILL');
    await call().server.restart();
    await waitFor(async () => (await connectionIdOf(a.page).catch(() => aBefore)) !== aBefore, {
      timeoutMs: 15_000,
      what: 'alice rejoined the restarted server',
    });
    report(`restart while away: alice rejoined ${Date.now() - cutAt} ms after bob's cut`);
    await delay(Math.max(0, cutAt + 10_000 - Date.now()));
    await b.net.restore();
    const restoredAt = Date.now();
    await waitConnected(b.page);
    report(`restart while away: bob connected ${Date.now() - restoredAt} ms after his restore`);
    await framesRiseAt(
      'restart while away',
      [
        [a.page, 'alice decodes bob'],
        [b.page, 'bob decodes alice'],
      ],
      { withinMs: 15_000, startedAt: restoredAt },
    );
    expect(await a.page.remoteTiles(b.identity), 'alice shows one tile of bob').toBe(1);
    expect(await b.page.remoteTiles(a.identity), 'bob shows one tile of alice').toBe(1);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
  });

  it('the server is down when bob opens the app: the banner says he could not join and offers Try again; with the server back, Try again brings him into the call, video both ways', async () => {
    const [a, b] = await startTwoParty(call(), 'down-at-open');
    await b.page.close();
    await tileGone(a.page, b.identity, { withinMs: 5_000, what: 'alice sees bob leave' });
    await call().server.kill('SIGKILL');
    const page = await b.openPage();
    await waitFor(async () => (await page.banner()).phase === 'joinFailed', {
      timeoutMs: 30_000,
      what: 'bob’s banner says the join failed',
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify(await page.banner())}, status "${await page.status()}"`,
      );
    });
    const { text } = await page.banner();
    report(`server down at open: bob's banner "${text}"`);
    expect(text).toContain('Could not join the call.');
    expect(await page.status()).toMatch(/^idle/);

    await call().server.restart();
    // Alice re-joins by herself (the node restarted), bob when he asks.
    await waitFor(async () => (await a.page.status()).startsWith('connected'), {
      timeoutMs: 30_000,
      what: 'alice back in the call after the restart',
    });
    const startedAt = Date.now();
    await page.page.getByRole('button', { name: 'Try again' }).click();
    await framesRiseAt(
      'server down at open / Try again',
      [
        [a.page, 'alice decodes bob'],
        [page, 'bob decodes alice'],
      ],
      { withinMs: 15_000, startedAt },
    );
    expect((await page.banner()).phase).not.toBe('joinFailed');
    expect(await a.page.remoteTiles(b.identity)).toBe(1);
    expect(await page.remoteTiles(a.identity)).toBe(1);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [page, 1],
    ]);
  });
});
