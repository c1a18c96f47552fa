import type { Browser } from 'playwright-core';
import type { GetToken } from '../../src/core';
import type { DriverSessionOptions } from '../browser/fixture/driver-api';
import { closeChromium, launchChromium } from './chromium';
import { buildFixture } from './fixture-build';
import { type PageServer, startPageServer } from './page-server';
import { Participant } from './participant';
import { ServerProcess, type ServerProcessOptions } from './server-process';
import { TcpProxy } from './tcp-proxy';

/** One participant of a {@link CallEnv}, with the TCP proxy its signaling goes through. */
export interface EnvParticipant {
  participant: Participant;
  /** The participant's own signaling path to the server. */
  proxy: TcpProxy;
  /** Connection id of the first join. */
  connectionId: string;
}

/** Options of {@link CallEnv.join}. */
export interface JoinOptions {
  name: string;
  sessionId: string;
  /** More session options for the page (identity, reconnect policy, ICE, …). */
  options?: Partial<DriverSessionOptions>;
  /** Answers the page's `getToken`. @default a fresh token for the page's identity from the current server run */
  getToken?: GetToken;
}

/**
 * The real parts of a browser test, started together and stopped together: the holdfast server
 * process, the built test page on a static server, and one headless Chromium. Participants join
 * through a TCP proxy each.
 *
 * @example
 * ```ts
 * const env = await CallEnv.start({ graceMs: 12_000 });
 * await env.server.createSession('s1');
 * const a = await env.join({ name: 'A', sessionId: 's1' });
 * a.proxy.blackhole();
 * await env.close();
 * ```
 */
export class CallEnv {
  readonly server: ServerProcess;
  readonly pages: PageServer;
  readonly browser: Browser;
  readonly #joined: EnvParticipant[] = [];

  private constructor(server: ServerProcess, pages: PageServer, browser: Browser) {
    this.server = server;
    this.pages = pages;
    this.browser = browser;
  }

  /** Starts the server (with `serverOptions`), the page server and Chromium. */
  static async start(serverOptions: ServerProcessOptions = {}, fakeMedia = false): Promise<CallEnv> {
    const dir = await buildFixture();
    const server = await ServerProcess.start(serverOptions);
    const pages = await startPageServer(dir);
    const browser = await launchChromium({ fakeMedia });
    return new CallEnv(server, pages, browser);
  }

  /** Every participant joined so far. */
  get participants(): readonly EnvParticipant[] {
    return this.#joined;
  }

  /** Opens a page behind a new TCP proxy, creates its session and joins; throws unless it joined. */
  async join({ name, sessionId, options = {}, getToken }: JoinOptions): Promise<EnvParticipant> {
    const proxy = await TcpProxy.start({ port: this.server.port });
    const participant = await Participant.open(this.browser, {
      name,
      pageUrl: this.pages.url,
      getToken:
        getToken ?? (async (id, { identity }) => (await this.server.createToken(id, { identity })).token),
    });
    const entry = { participant, proxy, connectionId: '' };
    this.#joined.push(entry);
    await participant.create({ serverUrl: proxy.url, sessionId, ...options });
    entry.connectionId = await participant.joinOk();
    return entry;
  }

  /** Closes pages, proxies, Chromium, the page server and the server process. */
  async close(): Promise<void> {
    for (const { participant, proxy } of this.#joined.splice(0)) {
      await participant.close();
      await proxy.close();
    }
    await closeChromium(this.browser);
    await this.pages.close();
    await this.server.stop();
  }
}
