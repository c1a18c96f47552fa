import { accessSync, constants } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where Debian puts Chromium: the binary first, then the wrapper script (both work). */
export const CHROMIUM_CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'] as const;

/** Flags every test browser gets: quiet, no GPU, no QUIC, nothing fetched from outside. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Flags for a fake camera and microphone that need no permission prompt. */
export const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
] as const;

/** Path of Debian's Chromium; throws with the install command when it is missing. */
export function findChromium(): string {
  for (const path of CHROMIUM_CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'Debian chromium not found; run `node scripts/ensure-system-deps.mjs` (as root) to install it',
  );
}

/**
 * More flags from `HF_CHROMIUM_ARGS` (space-separated), for diagnostics only: e.g.
 * `HF_CHROMIUM_ARGS="--enable-logging=stderr --log-level=1" DEBUG=pw:browser` shows libwebrtc's warnings.
 */
function diagnosticArgs(): string[] {
  return process.env.HF_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [];
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** Add the fake camera/microphone flags. @default true */
  fakeMedia?: boolean;
  /** More Chromium flags. */
  extraArgs?: string[];
}

/**
 * Launches headless Debian Chromium through playwright-core (never a downloaded browser).
 * Close it with {@link closeChromium}.
 */
export async function launchChromium({
  fakeMedia = true,
  extraArgs = [],
}: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(fakeMedia ? FAKE_MEDIA_ARGS : []), ...extraArgs, ...diagnosticArgs()],
    timeout: 60_000,
  });
}

/**
 * Opens a page in a context of its own (separate storage, like a separate user), optionally
 * navigated to `url`. Closing the browser closes it too.
 */
export async function newPage(browser: Browser, url?: string): Promise<Page> {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  if (url !== undefined) await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return page;
}

/** Closes every context and the browser; never throws (a crashed browser is already closed). */
export async function closeChromium(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  try {
    await Promise.all(browser.contexts().map((context) => context.close()));
  } catch {
    // the browser may already be gone
  }
  await browser.close().catch(() => {});
}
