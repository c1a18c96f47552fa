import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeChromium, launchChromium } from '../support/chromium';
import { type PageServer, startPageServer } from '../support/page-server';
import { ServerProcess } from '../support/server-process';
import { delay, waitFor } from '../support/wait';
import { buildConsumerApp } from './support/consumer-app';
import { ConsumerPage } from './support/consumer-page';

/**
 * React StrictMode (development build: effects mount → unmount → mount) around `SessionProvider` in a
 * real Chromium page: one join (one token request, one socket), one peer connection per remote
 * participant, and nothing left open once the provider unmounts. Counted by the page's own WebSocket/RTCPeerConnection constructors.
 */
describe('SessionProvider under StrictMode in Chromium', () => {
  let server: ServerProcess;
  let devPages: PageServer;
  let prodPages: PageServer;
  let browser: Browser;
  const opened: ConsumerPage[] = [];

  beforeAll(async () => {
    const app = await buildConsumerApp();
    server = await ServerProcess.start({ extraArgs: ['--dev'] });
    devPages = await startPageServer(app.distDev);
    prodPages = await startPageServer(app.dist);
    browser = await launchChromium({ fakeMedia: true });
  });

  afterAll(async () => {
    for (const page of opened) await page.close();
    await closeChromium(browser);
    await devPages?.close();
    await prodPages?.close();
    await server?.stop();
  });

  it('mount/unmount/mount makes one socket and leaks no peer connection', async () => {
    const query = { server: server.url, session: 'strict-mode' };
    const openedAt = Date.now();
    const strict = await ConsumerPage.open(browser, devPages.url, { ...query, name: 'strict', log: '1' });
    const other = await ConsumerPage.open(browser, prodPages.url, { ...query, name: 'other' });
    opened.push(strict, other);
    await waitFor(async () => (await strict.status()).startsWith('connected'), {
      timeoutMs: 20_000,
      what: 'connected',
    });
    // Media both ways proves the one peer connection is the live one.
    await strict.waitForFramesRising();
    await other.waitForFramesRising();
    await delay(1000);
    // A failure says what the page's holdfast did (attempts, their outcomes) since it opened.
    expect(
      await strict.counts(),
      `holdfast on the StrictMode page:\n${strict.holdfastLog(openedAt)}`,
    ).toEqual({
      socketsCreated: 1,
      socketsOpen: 1,
      peerConnectionsCreated: 1,
      peerConnectionsOpen: 1,
      tokenRequests: 1,
    });
    // Only one participant joined from the StrictMode page: the other side sees exactly one remote.
    expect(await other.page.getByRole('figure', { name: /^Video of / }).count()).toBe(1);

    await strict.page.getByRole('button', { name: 'Hang up' }).click();
    await waitFor(
      async () =>
        (await strict.counts()).socketsOpen === 0 && (await strict.counts()).peerConnectionsOpen === 0,
      {
        timeoutMs: 10_000,
        what: 'socket and peer connection closed after unmount',
      },
    );
    expect(await strict.counts()).toEqual({
      socketsCreated: 1,
      socketsOpen: 0,
      peerConnectionsCreated: 1,
      peerConnectionsOpen: 0,
      tokenRequests: 1,
    });
    expect(strict.errors).toEqual([]);
  });
});
