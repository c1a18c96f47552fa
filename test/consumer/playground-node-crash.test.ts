import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../stories/playground/chaos-server';
import { closeChromium, launchChromium } from '../support/chromium';
import { type PageServer, startPageServer } from '../support/page-server';
import { allInCallOnOneNode, pressNodeButton, readPanels, waitForPanels } from '../support/playground-driver';
import { buildStorybook } from '../support/storybook-build';

/**
 * The Playground story as a visitor uses it: the built Storybook pointed at the chaos sidecar (a
 * two-node in-memory cluster), three participants with Chromium's fake camera, and the node card's
 * "Crash this node" button (the node's sockets cut with no goodbye, its lease left to lapse).
 */
describe('the Playground', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'hf-playground-'));
  let chaos: ChaosServer | undefined;
  let pages: PageServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    chaos = await startChaosServer({ logLevel: 'silent' });
    await buildStorybook(outDir, { STORYBOOK_HOLDFAST_CHAOS_URL: chaos.url });
    pages = await startPageServer(outDir);
    browser = await launchChromium({ fakeMedia: true });
  });
  afterAll(async () => {
    await closeChromium(browser);
    await pages?.close();
    await chaos?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('"Crash this node" brings every participant back in the call on the other node, each timeline saying why', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${pages?.url}iframe.html?id=playground-live-call--three-participants&viewMode=story`);
    const [first] = await waitForPanels(page, allInCallOnOneNode(3), {
      what: 'three participants in the call',
    });
    const host = first?.node as string;
    expect(['node-1', 'node-2']).toContain(host);

    const crashedAt = Date.now();
    await pressNodeButton(page, host, 'Crash this node');
    const back = await waitForPanels(
      page,
      (panels) => allInCallOnOneNode(3)(panels) && panels.every((p) => p.node !== host),
      { timeoutMs: 20_000, what: 'everyone back in the call on the other node' },
    );
    const backAfterMs = Date.now() - crashedAt;
    console.log(`[playground] back on ${back[0]?.node} ${backAfterMs} ms after "Crash this node"`);
    expect(backAfterMs).toBeLessThan(15_000);

    for (const { name } of await readPanels(page)) {
      const timeline = await page.getByRole('region', { name: `What ${name} saw` }).textContent();
      expect(timeline, name).toContain('rejoining (nodeCrashed)');
      expect(timeline, name).toContain(`you: crash ${host}`);
    }
    await expect(page.locator(`article[aria-label="Node ${host}"]`).getAttribute('data-state')).resolves.toBe(
      'crashed',
    );
    expect(pageErrors).toEqual([]);
  });
});
