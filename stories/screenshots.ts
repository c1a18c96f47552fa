/**
 * `npm run screenshots`: builds Storybook, opens the banner and overlay stories in Debian's Chromium
 * and saves a picture of each state to docs/screenshots/ (linked from the README). Run it under the
 * browser lock on shared machines: `flock /tmp/hf-browser.lock npm run screenshots`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { closeChromium, launchChromium } from '../test/support/chromium';
import { startPageServer } from '../test/support/page-server';
import { REPO_ROOT } from '../test/support/server-process';

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

async function main(): Promise<void> {
  const built = join(REPO_ROOT, '.cache/storybook-screenshots');
  rmSync(built, { recursive: true, force: true });
  const build = spawnSync(
    process.execPath,
    ['node_modules/storybook/dist/bin/dispatcher.js', 'build', '--quiet', '--output-dir', built],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', NODE_ENV: 'production' },
    },
  );
  if (build.status !== 0) throw new Error('storybook build failed');
  const out = join(REPO_ROOT, 'docs/screenshots');
  mkdirSync(out, { recursive: true });
  const pages = await startPageServer(built);
  const browser = await launchChromium({ fakeMedia: false });
  try {
    const context = await browser.newContext({
      viewport: { width: 640, height: 400 },
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    for (const [id, file] of SHOTS) {
      await page.goto(`${pages.url}iframe.html?id=${id}&viewMode=story`, { waitUntil: 'load' });
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
  } finally {
    await closeChromium(browser);
    await pages.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
