import { describe, expect, it } from 'vitest';
import { netnsAvailable } from '../support/netns';
import { delay, waitFor } from '../support/wait';
import {
  callPerSuite,
  expectPeerConnectionsMatchLinks,
  framesRiseAt,
  type NsParty,
  pictureBack,
  report,
  startTwoParty,
  tileGone,
} from './support/netns-call';

/**
 * Consumer flows, part 1: the same user comes back. Each participant runs the packed library's app in
 * its own network namespace and browser; B leaves the call in one of the ways a real user does and
 * comes back with the same identity. Within 10 s video must decode again both ways, with one tile each
 * and exactly one live peer connection per page.
 */
describe.skipIf(!netnsAvailable())('consumer flows: the same identity comes back', () => {
  const call = callPerSuite();

  /** Both see each other again within 10 s of `startedAt`, one tile each, one live link each. */
  async function expectBackInCall(label: string, a: NsParty, b: NsParty, startedAt: number) {
    await framesRiseAt(
      label,
      [
        [a.page, 'alice decodes bob again'],
        [b.page, 'bob decodes alice again'],
      ],
      { withinMs: 10_000, startedAt },
    );
    expect(await a.page.remoteTiles(b.identity), 'alice shows one tile of bob (no ghost)').toBe(1);
    expect(await b.page.remoteTiles(a.identity), 'bob shows one tile of alice').toBe(1);
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
    ]);
    expect([...a.page.errors, ...b.page.errors]).toEqual([]);
  }

  it('a new page with the same identity (the old page closed)', async () => {
    const [a, b] = await startTwoParty(call(), 'new-page');
    const startedAt = Date.now();
    await b.page.close();
    await b.openPage();
    await expectBackInCall('new page', a, b, startedAt);
  });

  it('a page closed for good: alice sees bob leave at once (reason disconnect, tile gone), not after the server’s grace', async () => {
    const [a, b] = await startTwoParty(call(), 'closed');
    const closedAt = Date.now();
    await b.page.close();
    const destroyed = await tileGone(a.page, b.identity, {
      withinMs: 4_000,
      what: 'alice no longer shows bob',
    });
    report(`page closed: alice's tile of bob gone after ${Date.now() - closedAt} ms`);
    expect(destroyed).toEqual(['disconnect']);
    await expectPeerConnectionsMatchLinks([[a.page, 0]]);
  });

  it('a second page with the same identity while the first is open: the newer one has the call, the older ends saying why and releases its camera', async () => {
    const [a, b] = await startTwoParty(call(), 'second-page');
    const first = b.page;
    const startedAt = Date.now();
    await b.openPage();
    await expectBackInCall('second page', a, b, startedAt);
    await waitFor(async () => (await first.banner()).reason === 'duplicateIdentity', {
      timeoutMs: 5_000,
      what: 'the first page says another page took the call',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}: banner ${JSON.stringify(await first.banner())}`);
    });
    expect((await first.banner()).text).toContain('You joined this call from another tab or device.');
    expect(await first.status()).toMatch(/^disconnected/);
    // The older page does not fight back: 5 s on, the newer one still holds the same connection.
    const held = await b.page.status();
    await delay(5_000);
    expect(await b.page.status()).toBe(held);
    expect(await first.status()).toMatch(/^disconnected/);
    expect(await a.page.remoteTiles(b.identity)).toBe(1);
    // Its camera is released and its peer connection closed.
    const local = first.page.getByRole('figure', { name: 'Your video', exact: true });
    expect(await local.getAttribute('data-holdfast-health')).toBe('gone');
    await expectPeerConnectionsMatchLinks([
      [a.page, 1],
      [b.page, 1],
      [first, 0],
    ]);
    await first.close();
  });

  it('the same page reloaded', async () => {
    const [a, b] = await startTwoParty(call(), 'reload');
    const startedAt = Date.now();
    await b.page.page.reload({ waitUntil: 'load', timeout: 30_000 });
    await expectBackInCall('reload', a, b, startedAt);
  });

  it('"Hang up" then "Call again" (the SessionProvider unmounted and mounted again)', async () => {
    const [a, b] = await startTwoParty(call(), 'hang-up');
    await b.page.page.getByRole('button', { name: 'Hang up' }).click();
    await delay(1_000);
    const startedAt = Date.now();
    await b.page.page.getByRole('button', { name: 'Call again' }).click();
    await expectBackInCall('hang up / call again', a, b, startedAt);
  });

  it('"Leave" then "Join" (useSession().leave() then join(): B publishes its camera again)', async () => {
    const [a, b] = await startTwoParty(call(), 'leave-join');
    await b.page.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await waitFor(async () => (await b.page.status()).startsWith('disconnected'), {
      timeoutMs: 5_000,
      what: 'bob disconnected after Leave',
    });
    await delay(1_000);
    const startedAt = Date.now();
    await b.page.page.getByRole('button', { name: 'Join', exact: true }).click();
    await expectBackInCall('leave / join', a, b, startedAt);
  });

  it('B moves to another room of the app (the provider’s sessionId changes) and back: each room shows who is in it, the camera goes along', async () => {
    const [a, b] = await startTwoParty(call(), 'rooms');
    const room = a.options.session;
    const c = await call().join('carol', { session: `${room}-other` });
    const movedAt = Date.now();
    await b.page.page.getByRole('button', { name: 'Other room' }).click();
    const [{ ms: carolSeen }, { ms: bobSeen }] = await Promise.all([
      pictureBack(b.page, c.identity, { withinMs: 10_000, what: 'bob sees carol in the other room' }),
      pictureBack(c.page, b.identity, { withinMs: 10_000, what: 'carol sees bob arrive' }),
    ]);
    const left = await tileGone(a.page, b.identity, { withinMs: 4_000, what: 'alice no longer shows bob' });
    expect(await b.page.remoteTiles(a.identity), 'bob no longer shows alice').toBe(0);
    report(
      `rooms: moved; bob sees carol after ${carolSeen} ms, carol sees bob after ${bobSeen} ms (${Date.now() - movedAt} ms)`,
    );
    expect(left).toEqual(['disconnect']);
    await expectPeerConnectionsMatchLinks([
      [a.page, 0],
      [b.page, 1],
      [c.page, 1],
    ]);
    const backAt = Date.now();
    await b.page.page.getByRole('button', { name: 'Other room' }).click();
    await expectBackInCall('rooms: back in the first room', a, b, backAt);
    await tileGone(c.page, b.identity, { withinMs: 4_000, what: 'carol no longer shows bob' });
    await expectPeerConnectionsMatchLinks([[c.page, 0]]);
  });

  it('a new page of the development (StrictMode) build with the same identity', async () => {
    const [a, b] = await startTwoParty(call(), 'strict-new-page', { b: { dev: true } });
    const startedAt = Date.now();
    await b.page.close();
    await b.openPage();
    await expectBackInCall('StrictMode new page', a, b, startedAt);
    // StrictMode's double mount made one join, not two.
    expect((await b.page.counts()).socketsCreated).toBe(1);
  });
});
