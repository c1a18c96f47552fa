import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeChromium, launchChromium } from '../support/chromium';
import { type PageServer, startPageServer } from '../support/page-server';
import { ServerProcess } from '../support/server-process';
import { waitFor } from '../support/wait';
import { buildConsumerApp } from './support/consumer-app';
import { ConsumerPage } from './support/consumer-page';

/**
 * A plain Vite React app installs the packed library (`npm pack`), builds with the stock Vite config
 * (no global/Buffer/process shims), and two pages of it hold a call through the real dev server.
 */
describe('consumer app (packed library, stock Vite config)', () => {
  let server: ServerProcess;
  let pages: PageServer;
  let browser: Browser;
  const opened: ConsumerPage[] = [];

  beforeAll(async () => {
    const app = await buildConsumerApp();
    server = await ServerProcess.start({ extraArgs: ['--dev'] });
    pages = await startPageServer(app.dist);
    browser = await launchChromium({ fakeMedia: true });
  });

  afterAll(async () => {
    for (const page of opened) await page.close();
    await closeChromium(browser);
    await pages?.close();
    await server?.stop();
  });

  it('shows a two-party call with decoded frames rising on both sides', async () => {
    const query = { server: server.url, session: 'consumer-call' };
    const a = await ConsumerPage.open(browser, pages.url, { ...query, name: 'alice' });
    const b = await ConsumerPage.open(browser, pages.url, { ...query, name: 'bob' });
    opened.push(a, b);
    for (const page of [a, b]) {
      await waitFor(async () => (await page.status()).startsWith('connected'), {
        timeoutMs: 20_000,
        what: `${page.name} connected`,
      });
    }
    await a.page.getByRole('figure', { name: 'Video of bob' }).waitFor({ state: 'visible', timeout: 20_000 });
    await b.page
      .getByRole('figure', { name: 'Video of alice' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    const atA = await a.waitForFramesRising();
    const atB = await b.waitForFramesRising();
    expect(atA.to).toBeGreaterThan(atA.from);
    expect(atB.to).toBeGreaterThan(atB.from);
    // The remote tile really shows pictures, and nothing threw (a missing shim would).
    const width = await a.page
      .getByRole('figure', { name: 'Video of bob' })
      .locator('video')
      .evaluate((video: HTMLVideoElement) => video.videoWidth);
    expect(width).toBeGreaterThan(0);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
