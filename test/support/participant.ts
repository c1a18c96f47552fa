import type { Browser, Page } from 'playwright-core';
import type { GetToken, SessionEventName, SessionState, SignalOptions } from '../../src/core';
import type {
  DriverLogLine,
  DriverSessionOptions,
  JoinResult,
  PeerConnectionCounts,
  RecordedEvent,
  SendRecord,
} from '../browser/fixture/driver-api';
import { newPage } from './chromium';
import { waitFor } from './wait';

/** Options of {@link Participant.open}. */
export interface ParticipantOptions {
  /** Label for error messages ("A", "B", …). */
  name: string;
  /** URL of the built test page (see page-server.ts). */
  pageUrl: string;
  /** Answers the page's `getToken(sessionId, { identity })`; called on first join and on every re-join. */
  getToken: GetToken;
}

/** Options of {@link Participant.waitForEvent}. */
export interface WaitForEventOptions<K extends SessionEventName> {
  /** Only events that also pass this check. */
  where?: (event: RecordedEvent<K>) => boolean;
  /** Only events recorded at this index or later. @default 0 */
  fromIndex?: number;
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * One participant: a Chromium page (own context) running the test page, driven through its
 * `window.hf` driver. Observes only; faults are injected by the proxies and processes around it.
 *
 * @example
 * ```ts
 * const a = await Participant.open(browser, { name: 'A', pageUrl, getToken });
 * await a.create({ serverUrl: proxyA.url, sessionId });
 * await a.join();
 * await a.waitForEvent('reconnecting');
 * ```
 */
export class Participant {
  readonly name: string;
  readonly page: Page;
  /** Page errors and console errors, for diagnostics. */
  readonly pageErrors: string[] = [];
  #events: RecordedEvent[] = [];

  private constructor(name: string, page: Page) {
    this.name = name;
    this.page = page;
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') this.pageErrors.push(message.text());
    });
  }

  /** Opens the test page in a new context of `browser` and waits for its driver. */
  static async open(browser: Browser, options: ParticipantOptions): Promise<Participant> {
    const page = await newPage(browser);
    await page.exposeFunction('__hfGetToken', options.getToken);
    const participant = new Participant(options.name, page);
    await page.goto(options.pageUrl, { waitUntil: 'load', timeout: 30_000 });
    await page.waitForFunction(() => typeof window.hf === 'object', undefined, { timeout: 30_000 });
    return participant;
  }

  /** Creates the page's session with these options. */
  async create(options: DriverSessionOptions): Promise<void> {
    await this.page.evaluate((o) => window.hf.create(o), options);
  }

  /** Joins; resolves with the outcome instead of throwing. */
  join(): Promise<JoinResult> {
    return this.page.evaluate(() => window.hf.join());
  }

  /** Joins and throws unless it succeeded; resolves with the connection id. */
  async joinOk(): Promise<string> {
    const result = await this.join();
    if (!result.ok) throw new Error(`${this.name} could not join: ${JSON.stringify(result.error)}`);
    if (result.connectionId === null) throw new Error(`${this.name} joined without a connection id`);
    return result.connectionId;
  }

  leave(): Promise<void> {
    return this.page.evaluate(() => window.hf.leave());
  }

  /** Sends a signal and waits for the server's answer. */
  signal(options: SignalOptions): Promise<SendRecord> {
    return this.page.evaluate((o) => window.hf.signal(o), options);
  }

  /** Sends signals without waiting (in this order); their outcomes go to {@link sends}. */
  sendMany(options: SignalOptions[]): Promise<number[]> {
    return this.page.evaluate((list) => list.map((o) => window.hf.send(o)), options);
  }

  sends(): Promise<SendRecord[]> {
    return this.page.evaluate(() => window.hf.sends());
  }

  state(): Promise<SessionState> {
    return this.page.evaluate(() => window.hf.state());
  }

  connectionId(): Promise<string | null> {
    return this.page.evaluate(() => window.hf.connectionId());
  }

  pcCounts(): Promise<PeerConnectionCounts> {
    return this.page.evaluate(() => window.hf.pcCounts());
  }

  framesDecoded(): Promise<Record<string, number | null>> {
    return this.page.evaluate(() => window.hf.framesDecoded());
  }

  logs(): Promise<DriverLogLine[]> {
    return this.page.evaluate(() => window.hf.logs());
  }

  /** Every event the page recorded so far (fetched incrementally). */
  async events(): Promise<RecordedEvent[]> {
    const fresh = await this.page.evaluate((from) => window.hf.events(from), this.#events.length);
    this.#events.push(...fresh);
    return [...this.#events];
  }

  /** Recorded events named `name`, oldest first. */
  async eventsNamed<K extends SessionEventName>(name: K): Promise<RecordedEvent<K>[]> {
    return (await this.events()).filter((e): e is RecordedEvent<K> => e.name === name);
  }

  /** Waits until an event named `name` (passing `where`) has been recorded; resolves with it. */
  async waitForEvent<K extends SessionEventName>(
    name: K,
    { where, fromIndex = 0, timeoutMs = 15_000 }: WaitForEventOptions<K> = {},
  ): Promise<RecordedEvent<K>> {
    return waitFor(
      async () =>
        (await this.eventsNamed(name)).find((e) => e.index >= fromIndex && (where === undefined || where(e))),
      { timeoutMs, intervalMs: 25, what: `${this.name}: event "${name}"` },
    );
  }

  /** Index the next recorded event will get (use as `fromIndex` for "after now"). */
  async nextIndex(): Promise<number> {
    return (await this.events()).length;
  }

  /** Closes the page's context (and with it every socket and peer connection of the page). */
  async close(): Promise<void> {
    await this.page
      .context()
      .close()
      .catch(() => {});
  }
}
