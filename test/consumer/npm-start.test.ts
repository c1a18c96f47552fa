import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { stopChild, trackChild, waitForExit } from '../support/child-processes';
import { closeChromium, launchChromium } from '../support/chromium';
import { freeTcpPort } from '../support/free-port';
import { allInCallOnOneNode, pressNodeButton, waitForPanels } from '../support/playground-driver';
import { REPO_ROOT } from '../support/server-process';
import { waitFor, withTimeout } from '../support/wait';

/** Each participant panel's connection label, in page order. */
const labels = (page: Page) =>
  page.$$eval('[data-holdfast-connection]', (els) => els.map((el) => el.getAttribute('aria-label')));

/** Frames the remote `<video>` elements have presented so far, per panel. */
const remoteFrames = (page: Page) =>
  page.$$eval('section[aria-label^="Participant"]', (panels) =>
    panels.map((panel) =>
      [
        ...panel.querySelectorAll<HTMLVideoElement>(
          '[data-holdfast-stream]:not([data-holdfast-local]) video',
        ),
      ].reduce((sum, video) => sum + video.getVideoPlaybackQuality().totalVideoFrames, 0),
    ),
  );

/**
 * The banner message in participant `name`'s panel, or null while it shows none (a banner with nothing
 * to say is not rendered, so counting banners across panels would shift from one to the other).
 */
const bannerText = (page: Page, name: string) =>
  page
    .locator(`section[aria-label="Participant ${name}"] [data-holdfast-banner-message]`)
    .textContent({ timeout: 500 })
    .catch(() => null);

/**
 * `npm start` runs the dev server, the chaos sidecar and Storybook together, and the live Playground
 * works against them: participants join and see each other's video; the chaos panel's signaling drop
 * and node crash happen for real and the banners report them.
 */
describe('npm start (server + chaos sidecar + Storybook Playground)', () => {
  let start: ChildProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await closeChromium(browser);
    if (start) await stopChild(start);
  });

  it('serves the Playground: two participants in a call survive a signaling drop and a node crash', async () => {
    const lines: string[] = [];
    start = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        STORYBOOK_PORT: String(await freeTcpPort()),
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(start);
    const playgroundUrl = new Promise<string>((resolve) => {
      createInterface({ input: start?.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        lines.push(line);
        const match = /^Playground: (http\S+)/.exec(line);
        if (match) resolve(match[1] as string);
      });
    });
    const url = new URL(await withTimeout(playgroundUrl, 120_000, 'the Playground line of npm start'));
    browser = await launchChromium({ fakeMedia: false });
    const page = await browser.newPage();
    await page.goto(`${url.origin}/iframe.html?id=playground-live-call--two-participants&viewMode=story`, {
      timeout: 120_000,
    });
    try {
      await playThrough(page);
    } catch (error) {
      // What each participant saw and what the servers logged say why (a timeout alone does not).
      const timelines = await page
        .locator('.hf-pg-timeline')
        .allInnerTexts()
        .catch(() => []);
      const said = [...timelines.map((t) => t.replaceAll('\n', ' | ')), ...lines.slice(-30)].join('\n');
      throw new Error(`${(error as Error).message}\n${said}`, { cause: error });
    }

    start.kill('SIGTERM');
    expect(await waitForExit(start, 20_000)).toEqual({ code: 0, signal: null });
  });
});

/** Joins both participants, then drops A's signaling and crashes the hosting node. */
async function playThrough(page: Page): Promise<void> {
  const connected = async () => {
    const now = await labels(page);
    return now.length === 2 && now.every((label) => label === 'Connection: connected');
  };
  await waitFor(connected, { timeoutMs: 120_000, intervalMs: 500, what: 'both participants connected' });

  const before = await remoteFrames(page);
  const rising = await waitFor(
    async () => {
      const now = await remoteFrames(page);
      return now.every((frames, i) => frames > (before[i] ?? 0) + 5) ? now : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'remote video frames rising in both panels' },
  );
  expect(rising).toHaveLength(2);

  // Signaling of A blackholed at its TCP proxy.
  await page.getByRole('button', { name: 'Drop signaling' }).first().click();
  await waitFor(async () => (await bannerText(page, 'A'))?.includes('Reconnecting'), {
    timeoutMs: 15_000,
    what: 'A reconnecting',
  });
  await waitFor(async () => (await bannerText(page, 'A'))?.includes('Reconnected'), {
    timeoutMs: 20_000,
    what: 'A reconnected',
  });

  // The node hosting the call crashes (sockets cut with no goodbye, lease left to lapse): both
  // re-join the same session on the other node by themselves.
  const [first] = await waitForPanels(page, allInCallOnOneNode(2), {
    what: 'both in the call on one node',
  });
  const host = first?.node as string;
  await pressNodeButton(page, host, 'Crash this node');
  await waitFor(async () => (await bannerText(page, 'B'))?.includes('Back in the call'), {
    timeoutMs: 45_000,
    what: 'B back in the call after the crash',
  });
  await waitFor(connected, { timeoutMs: 45_000, intervalMs: 500, what: 'both connected again' });
  const [moved] = await waitForPanels(page, allInCallOnOneNode(2), {
    timeoutMs: 30_000,
    what: 'both in the call on one node again',
  });
  expect(moved?.node, 'the call moved off the crashed node').not.toBe(host);
}
