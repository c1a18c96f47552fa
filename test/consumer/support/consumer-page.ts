import type { Browser, Page } from 'playwright-core';
import { newPage } from '../../support/chromium';
import { waitFor } from '../../support/wait';

/** Counts the instrumented consumer page keeps (see test/consumer/app/index.html). */
export interface PageCounts {
  socketsCreated: number;
  socketsOpen: number;
  peerConnectionsCreated: number;
  peerConnectionsOpen: number;
  /** Token requests (`getToken` calls reaching the network). */
  tokenRequests: number;
}

/** One participant: a consumer app page in its own browser context. */
export class ConsumerPage {
  readonly errors: string[] = [];

  private constructor(
    readonly name: string,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  static async open(
    browser: Browser,
    appUrl: string,
    query: { server: string; session: string; name: string },
  ) {
    const page = await newPage(browser);
    const consumer = new ConsumerPage(query.name, page);
    const url = new URL(appUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    await page.goto(url.toString(), { waitUntil: 'load', timeout: 30_000 });
    return consumer;
  }

  /** Sockets and peer connections the page made, and how many are still open. */
  counts(): Promise<PageCounts> {
    return this.page.evaluate(() => {
      const { sockets, peerConnections, fetches } = (
        window as unknown as {
          __consumer: { sockets: WebSocket[]; peerConnections: RTCPeerConnection[]; fetches: string[] };
        }
      ).__consumer;
      return {
        socketsCreated: sockets.length,
        socketsOpen: sockets.filter(
          (s) => s.readyState === WebSocket.OPEN || s.readyState === WebSocket.CONNECTING,
        ).length,
        peerConnectionsCreated: peerConnections.length,
        peerConnectionsOpen: peerConnections.filter(
          (pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed',
        ).length,
        tokenRequests: fetches.filter((url) => url.endsWith('/dev/token')).length,
      };
    });
  }

  /** Sum of `framesDecoded` of the inbound video of every open peer connection (getStats). */
  framesDecoded(): Promise<number> {
    return this.page.evaluate(async () => {
      const { peerConnections } = (
        window as unknown as { __consumer: { peerConnections: RTCPeerConnection[] } }
      ).__consumer;
      let total = 0;
      for (const pc of peerConnections) {
        if (pc.signalingState === 'closed') continue;
        for (const stat of (await pc.getStats()).values()) {
          if (stat.type === 'inbound-rtp' && stat.kind === 'video') total += stat.framesDecoded ?? 0;
        }
      }
      return total;
    });
  }

  /** Waits for decoded frames to rise by `by` between two readings (media "works" only then). */
  async waitForFramesRising(by = 10, timeoutMs = 30_000): Promise<{ from: number; to: number }> {
    const from = await this.framesDecoded();
    const to = await waitFor(
      async () => {
        const now = await this.framesDecoded();
        return now >= from + by ? now : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${this.name}: framesDecoded rising by ${by} from ${from}` },
    );
    return { from, to };
  }

  /** Text of the status line (`connected <id>` …). */
  status(): Promise<string> {
    return this.page
      .getByTestId('status')
      .textContent()
      .then((text) => (text ?? '').trim());
  }

  close(): Promise<void> {
    return this.page
      .context()
      .close()
      .catch(() => {});
  }
}
