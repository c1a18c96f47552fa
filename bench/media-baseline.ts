import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { closeChromium, launchChromium, newPage } from '../test/support/chromium';
import { startPageServer } from '../test/support/page-server';
import { TurnServer } from '../test/support/turn';
import { UdpProxy } from '../test/support/udp-proxy';
import { delay, waitFor } from '../test/support/wait';
import { buildBenchPage } from './lib/build-page';
import type { GroupOptions } from './lib/group';
import type { Sample } from './lib/stats';
import type { BaselineDriver } from './media-baseline-page/page';

/** Installed simple-peer version, for the report. */
export const simplePeerVersion: string = createRequire(import.meta.url)('simple-peer/package.json').version;

type Bl = Window & { bl: BaselineDriver };

/** A two-party plain simple-peer call; A reaches TURN through `media`, B directly through its own proxy. */
export interface Pair {
  a: Page;
  b: Page;
  media: UdpProxy;
  other: UdpProxy;
}

async function openPair(browser: Browser, url: string, turn: TurnServer): Promise<Pair> {
  const media = await UdpProxy.start({ port: turn.port });
  const other = await UdpProxy.start({ port: turn.port });
  const a = await newPage(browser);
  const b = await newPage(browser);
  await a.exposeFunction('__blSignal', (data: string) =>
    b.evaluate((d) => (window as unknown as Bl).bl.signal(d), data),
  );
  await b.exposeFunction('__blSignal', (data: string) =>
    a.evaluate((d) => (window as unknown as Bl).bl.signal(d), data),
  );
  for (const page of [a, b]) {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => typeof (window as unknown as Bl).bl === 'object');
  }
  await b.evaluate(
    (s) => (window as unknown as Bl).bl.start({ initiator: false, iceServers: [s] }),
    turn.iceServer(other.port),
  );
  await a.evaluate(
    (s) => (window as unknown as Bl).bl.start({ initiator: true, iceServers: [s] }),
    turn.iceServer(media.port),
  );
  for (const page of [a, b]) await page.evaluate(() => (window as unknown as Bl).bl.watchFrames());
  const start = Date.now();
  await waitFor(
    async () => {
      for (const page of [a, b]) {
        if (
          (await page.evaluate((t) => (window as unknown as Bl).bl.firstRiseAfter(t), start + 300)) === null
        )
          return false;
      }
      return true;
    },
    { timeoutMs: 20_000, what: 'baseline pair decoding' },
  );
  return { a, b, media, other };
}

async function closePair(pair: Pair): Promise<void> {
  await pair.a
    .context()
    .close()
    .catch(() => {});
  await pair.b
    .context()
    .close()
    .catch(() => {});
  await pair.media.close();
  await pair.other.close();
}

const rise = (page: Page, after: number) =>
  page.evaluate((t) => (window as unknown as Bl).bl.firstRiseAfter(t), after);

/** Runs `trials` baseline pairs, `batch` at a time, each through `fault`. */
export async function baselineTrials(
  { trials, log }: GroupOptions,
  label: string,
  fault: (pair: Pair) => Promise<Sample[]>,
  batch = 5,
): Promise<Sample[]> {
  const dir = await buildBenchPage('media-baseline-page');
  const pages = await startPageServer(dir);
  const turn = await TurnServer.start();
  const browser = await launchChromium({ fakeMedia: true });
  const samples: Sample[] = [];
  try {
    for (let done = 0; done < trials; done += batch) {
      const n = Math.min(batch, trials - done);
      const pairs: Pair[] = [];
      for (let i = 0; i < n; i++) pairs.push(await openPair(browser, pages.url, turn));
      try {
        const results = await Promise.all(pairs.map(fault));
        for (const [i, got] of results.entries()) {
          log(`baseline ${label} trial ${done + i + 1}: ${got.map((v) => v ?? 'never').join(', ')} ms`);
        }
        samples.push(...results.flat());
      } finally {
        for (const pair of pairs) await closePair(pair);
      }
    }
  } finally {
    await closeChromium(browser);
    await pages.close();
    await turn.stop();
  }
  return samples;
}

/** Cut A's path for `cutMs`, restore it as a new path; restore → first decoded frame at each side. */
export function baselineNewPath(
  options: GroupOptions,
  cutMs: number,
  boundMs: number,
  label: string,
  newPath = true,
): Promise<Sample[]> {
  return baselineTrials(options, label, async (pair) => {
    pair.media.cut();
    await delay(cutMs);
    pair.media.restore({ newPath });
    const restoredAt = Date.now();
    await delay(boundMs);
    const got = [await rise(pair.b, restoredAt), await rise(pair.a, restoredAt)];
    return got.map((at) => (at === null ? null : at - restoredAt));
  });
}

/** A's video sender gets a frameless track: when (if ever) plain simple-peer reports anything at B. */
export function baselineFrozen(options: GroupOptions, boundMs: number): Promise<Sample[]> {
  return baselineTrials(options, 'M3', async (pair) => {
    const at = Date.now();
    await pair.a.evaluate(() => (window as unknown as Bl).bl.freezeVideo());
    await delay(boundMs);
    const seen = await pair.b.evaluate((t) => (window as unknown as Bl).bl.troubleAfter(t), at);
    return [seen === null ? null : seen - at];
  });
}
