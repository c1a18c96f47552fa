/**
 * `npm run screenshots`: starts the Playground's chaos sidecar (a two-node in-memory cluster), builds
 * Storybook pointed at it, opens it in Debian's Chromium (fake camera) and saves to docs/screenshots/
 * (linked from the README): each banner and overlay state, the Storybook introduction, a hook page, and
 * the Playground before, during and after "Crash this node". Run it under the browser lock on shared
 * machines: `flock /tmp/hf-browser.lock npm run screenshots`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { closeChromium, launchChromium } from '../test/support/chromium';
import { startPageServer } from '../test/support/page-server';
import { allInCallOnOneNode, pressNodeButton, waitForPanels } from '../test/support/playground-driver';
import { REPO_ROOT } from '../test/support/server-process';
import { buildStorybook } from '../test/support/storybook-build';
import { startChaosServer } from './playground/chaos-server';

/** Story id → picture name, in the order the README shows them. */
export const SHOTS: [storyId: string, file: string][] = [
  ['components-reconnectingbanner--reconnecting', 'banner-reconnecting'],
  ['components-reconnectingbanner--reconnecting-longer', 'banner-reconnecting-longer'],
  ['components-reconnectingbanner--restoring-video', 'banner-restoring-video'],
  ['components-reconnectingbanner--rejoining-after-node-crash', 'banner-rejoining-node-crash'],
  ['components-reconnectingbanner--moving-for-rotation', 'banner-moving-rotation'],
  ['components-reconnectingbanner--reconnected', 'banner-reconnected'],
  ['components-reconnectingbanner--back-after-node-crash', 'banner-back-after-node-crash'],
  ['components-reconnectingbanner--video-restored', 'banner-video-restored'],
  ['components-reconnectingbanner--disconnected-network', 'banner-disconnected-network'],
  ['components-reconnectingbanner--call-ended', 'banner-call-ended'],
  ['components-frozenstreamoverlay--live', 'overlay-live'],
  ['components-frozenstreamoverlay--frozen', 'overlay-frozen'],
  ['components-frozenstreamoverlay--recovering', 'overlay-recovering'],
  ['components-frozenstreamoverlay--camera-off', 'overlay-camera-off'],
  ['components-streamview--grid-with-one-frozen', 'grid-one-frozen'],
  ['components-sessionnotice--rotation-announced', 'notice-rotation'],
];

/** Storybook pages (manager and all) → picture name. */
export const PAGES: [path: string, file: string][] = [
  ['?path=/docs/introduction--docs', 'storybook-introduction'],
  ['?path=/docs/react-usereconnectstate--docs', 'storybook-hook-usereconnectstate'],
];

async function shootStories(browser: Browser, url: string, out: string): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 640, height: 400 },
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  for (const [id, file] of SHOTS) {
    await page.goto(`${url}iframe.html?id=${id}&viewMode=story`, { waitUntil: 'load' });
    const root = page.locator('#storybook-root');
    await root
      .locator('[data-holdfast-banner], [data-holdfast-overlay], [data-holdfast-notice]')
      .first()
      .waitFor();
    // Let the play function finish and the canvas cameras paint a few frames.
    await page.waitForTimeout(800);
    await root
      .locator(':scope > *')
      .first()
      .screenshot({ path: join(out, `${file}.png`), animations: 'disabled' });
    console.log(`docs/screenshots/${file}.png`);
  }
  await context.close();
}

async function shootPages(browser: Browser, url: string, out: string): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  for (const [path, file] of PAGES) {
    await page.goto(`${url}${path}`, { waitUntil: 'load' });
    await page
      .frameLocator('#storybook-preview-iframe')
      .locator('#storybook-docs h1')
      .first()
      .waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(out, `${file}.png`), animations: 'disabled' });
    console.log(`docs/screenshots/${file}.png`);
  }
  await context.close();
}

/** The Playground with three participants: in the call, then rejoining after a node crash, then back. */
async function shootPlayground(browser: Browser, url: string, out: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${url}iframe.html?id=playground-live-call--three-participants&viewMode=story`);
  const [first] = await waitForPanels(page, allInCallOnOneNode(3), {
    what: 'three participants in the call',
  });
  const host = first?.node as string;
  await page.waitForTimeout(1500);
  const shoot = async (file: string) => {
    await page.screenshot({ path: join(out, `${file}.png`) });
    console.log(`docs/screenshots/${file}.png`);
  };
  await shoot('playground-in-call');
  await pressNodeButton(page, host, 'Crash this node');
  // The moment the survivor declared the crash: someone is re-joining on the other node.
  await waitForPanels(page, (panels) => panels.some((p) => p.phase === 'rejoining'), {
    everyMs: 40,
    what: 'a participant rejoining',
  });
  await shoot('playground-node-crash-rejoining');
  await waitForPanels(
    page,
    (panels) => allInCallOnOneNode(3)(panels) && panels.every((p) => p.node !== host),
    { what: 'everyone back on the other node' },
  );
  await page.waitForTimeout(1500);
  await shoot('playground-after-node-crash');
  await context.close();
}

async function main(): Promise<void> {
  const chaos = await startChaosServer({ logLevel: 'error' });
  const built = join(REPO_ROOT, '.cache/storybook-screenshots');
  rmSync(built, { recursive: true, force: true });
  await buildStorybook(built, { STORYBOOK_HOLDFAST_CHAOS_URL: chaos.url });
  const out = join(REPO_ROOT, 'docs/screenshots');
  mkdirSync(out, { recursive: true });
  const pages = await startPageServer(built);
  const browser = await launchChromium({ fakeMedia: true });
  try {
    const only = process.env.SHOTS;
    if (!only || only.includes('stories')) await shootStories(browser, pages.url, out);
    if (!only || only.includes('pages')) await shootPages(browser, pages.url, out);
    if (!only || only.includes('playground')) await shootPlayground(browser, pages.url, out);
  } finally {
    await closeChromium(browser);
    await pages.close();
    await chaos.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
