import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Net, type NetParticipant } from '../../support/netns';
import { type PageServer, startPageServer } from '../../support/page-server';
import { RedisProcess } from '../../support/redis-process';
import { ServerProcess, type ServerProcessOptions } from '../../support/server-process';
import { TurnServer } from '../../support/turn';
import { delay, waitFor } from '../../support/wait';
import { buildConsumerApp } from './consumer-app';
import { ConsumerPage, type PageCounts } from './consumer-page';

/** Options of {@link NsCall.start}. */
export interface NsCallOptions {
  /** More holdfast server options (the server listens on the bridge address, `--dev`). */
  server?: Omit<ServerProcessOptions, 'host'>;
  /**
   * Start coturn on the bridge address and make the server hand it out with
   * `--ice-transport-policy relay` (media only through TURN). @default false
   */
  turn?: boolean;
  /**
   * Run that many holdfast nodes as a cluster on a real redis-server (each `--redis-url`, on the
   * bridge address); pages get every node's token endpoint. @default 1 (a single server, no Redis)
   */
  nodes?: number;
}

/** Options of {@link NsCall.join}. */
export interface NsJoinOptions {
  session: string;
  /** @default the name */
  identity?: string;
  /** `canvas`: the app publishes its animated canvas (with `window.__freezeCamera()`). */
  source?: 'canvas';
  /** The development (StrictMode) build instead of the production one. @default false */
  dev?: boolean;
  /** The app logs holdfast's diagnostic lines to the console (`?log=1`). @default false */
  log?: boolean;
  /**
   * The browser's camera can be unplugged: every video track `getUserMedia` gives is relayed through a
   * track of its own that `window.__unplugCamera()` ends (`ended` fires, as when a USB camera is pulled
   * out); the next `getUserMedia` opens the camera again. Installed before the app loads, below the
   * app and holdfast (the test's stand-in for the device). @default false
   */
  removableCamera?: boolean;
  /**
   * The browser has no camera at first: `getUserMedia` asking for video rejects with `NotFoundError`
   * until `window.__plugCamera()` (installed below the app, like {@link removableCamera}). @default false
   */
  missingCamera?: boolean;
}

/** The page script behind {@link NsJoinOptions.missingCamera}. */
const MISSING_CAMERA = `(() => {
  const devices = navigator.mediaDevices;
  if (!devices) return;
  const open = devices.getUserMedia.bind(devices);
  let plugged = false;
  devices.getUserMedia = async (constraints) => {
    if (constraints && constraints.video && !plugged)
      throw new DOMException('Requested device not found', 'NotFoundError');
    return open(constraints);
  };
  window.__plugCamera = () => {
    plugged = true;
  };
})();`;

/**
 * The page script behind {@link NsJoinOptions.removableCamera}: wraps `getUserMedia` so each video track
 * is relayed (MediaStreamTrackProcessor → MediaStreamTrackGenerator) and can be ended from outside.
 */
const REMOVABLE_CAMERA = `(() => {
  const devices = navigator.mediaDevices;
  if (!devices || !('MediaStreamTrackGenerator' in window)) return;
  const open = devices.getUserMedia.bind(devices);
  let plugged = [];
  devices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    for (const track of stream.getVideoTracks()) {
      const processor = new MediaStreamTrackProcessor({ track });
      const relay = new MediaStreamTrackGenerator({ kind: 'video' });
      const unplug = new AbortController();
      processor.readable.pipeTo(relay.writable, { signal: unplug.signal }).catch(() => {});
      plugged.push(() => { unplug.abort(); track.stop(); });
      stream.removeTrack(track);
      stream.addTrack(relay);
    }
    return stream;
  };
  window.__unplugCamera = () => {
    const count = plugged.length;
    for (const unplug of plugged.splice(0)) unplug();
    return count;
  };
})();`;

/** One participant: its namespace, its browser in it, and its current app page. */
export class NsParty {
  constructor(
    readonly call: NsCall,
    readonly name: string,
    readonly net: NetParticipant,
    readonly browser: Browser,
    readonly options: NsJoinOptions,
    public page: ConsumerPage,
  ) {}

  get identity(): string {
    return this.options.identity ?? this.name;
  }

  /** Opens the app again in a new page (new context) of the same browser: the same user returning. */
  async openPage(overrides: Partial<NsJoinOptions> = {}): Promise<ConsumerPage> {
    this.page = await this.call.openPage(this.browser, this.name, { ...this.options, ...overrides });
    return this.page;
  }
}

/** Prints one timing line (`[flows] …`) so a run's figures show in the test output. */
export function report(line: string): void {
  console.log(`[flows] ${line}`);
}

/**
 * The consumer app (packed tarball) in a call where every participant's browser runs in a network
 * namespace of its own: the holdfast server (`--dev`), the page servers (production and development
 * builds) and, optionally, coturn all listen on the bridge address.
 */
export class NsCall {
  readonly #parties: NsParty[] = [];
  #count = 0;

  private constructor(
    readonly net: Net,
    /** Every holdfast node (one unless `nodes` was given); the first is {@link server}. */
    readonly nodes: readonly ServerProcess[],
    readonly pages: PageServer,
    readonly devPages: PageServer,
    readonly turn: TurnServer | null,
    readonly redis: RedisProcess | null,
  ) {}

  /** The (first) holdfast node. */
  get server(): ServerProcess {
    return this.nodes[0] as ServerProcess;
  }

  static async start({ server = {}, turn = false, nodes = 1 }: NsCallOptions = {}): Promise<NsCall> {
    const app = await buildConsumerApp();
    const net = await Net.create();
    let relay: TurnServer | null = null;
    let redis: RedisProcess | null = null;
    const holdfast: ServerProcess[] = [];
    let pages: PageServer | null = null;
    try {
      if (turn) relay = await TurnServer.start({ listeningIp: net.bridgeIp, relayPorts: 100 });
      if (nodes > 1) redis = await RedisProcess.start();
      // The nodes of a cluster share the secret (a token from one is good on another).
      const secret = server.secret ?? randomBytes(24).toString('hex');
      for (let i = 1; i <= nodes; i += 1) {
        holdfast.push(
          await ServerProcess.start({
            ...server,
            host: net.bridgeIp,
            ...(redis ? { redisUrl: redis.url, nodeId: `node-${i}`, secret } : {}),
            ...(relay ? { iceServers: [relay.iceServer()], iceTransportPolicy: 'relay' as const } : {}),
            extraArgs: ['--dev', ...(server.extraArgs ?? [])],
          }),
        );
      }
      pages = await startPageServer(app.dist, { host: net.bridgeIp });
      const devPages = await startPageServer(app.distDev, { host: net.bridgeIp });
      return new NsCall(net, holdfast, pages, devPages, relay, redis);
    } catch (error) {
      await pages?.close();
      for (const node of holdfast) await node.stop();
      await redis?.stop();
      await relay?.stop();
      await net.dispose();
      throw error;
    }
  }

  /** A fresh session id. */
  static session(label: string): string {
    return `${label}-${randomBytes(3).toString('hex')}`;
  }

  /** Every party joined and not yet removed. */
  get parties(): readonly NsParty[] {
    return this.#parties;
  }

  /** A namespace and a browser for `name`, and the app opened in it; waits until the page is connected. */
  async join(name: string, options: NsJoinOptions): Promise<NsParty> {
    this.#count += 1;
    const netParticipant = await this.net.addParticipant(`${name}${this.#count}`);
    const browser = await netParticipant.launchChromium({
      secureOrigins: [this.pages.url, this.devPages.url],
    });
    const page = await this.openPage(browser, name, options);
    const party = new NsParty(this, name, netParticipant, browser, options, page);
    this.#parties.push(party);
    await waitConnected(page);
    return party;
  }

  /** Opens the app in a new context of `browser`. */
  openPage(browser: Browser, name: string, options: NsJoinOptions): Promise<ConsumerPage> {
    const query: { server: string; session: string; name: string } & Record<string, string> = {
      server: this.server.url,
      session: options.session,
      name,
    };
    if (this.nodes.length > 1) query.tokens = this.nodes.map((node) => node.url).join(',');
    if (options.identity !== undefined) query.identity = options.identity;
    if (options.source !== undefined) query.source = options.source;
    if (options.log) query.log = '1';
    return ConsumerPage.open(browser, (options.dev ? this.devPages : this.pages).url, query, {
      initScript: options.removableCamera
        ? REMOVABLE_CAMERA
        : options.missingCamera
          ? MISSING_CAMERA
          : undefined,
    });
  }

  /** Closes every party's browser and deletes its namespace (between tests). Never throws. */
  async removeParties(): Promise<void> {
    const parties = this.#parties.splice(0);
    await Promise.all(parties.map((party) => party.net.dispose()));
  }

  /** Stops everything; never throws. */
  async dispose(): Promise<void> {
    await this.removeParties();
    await this.pages?.close().catch(() => {});
    await this.devPages?.close().catch(() => {});
    for (const node of this.nodes) await node.stop().catch(() => {});
    await this.redis?.stop().catch(() => {});
    await this.turn?.stop().catch(() => {});
    await this.net.dispose();
  }
}

/** Waits until the page's status line says `connected`. */
/**
 * One {@link NsCall} for a `describe` block: started before its tests, each test's participants removed
 * after it, everything disposed at the end (also when a test failed). Returns the call's getter.
 */
export function callPerSuite(options?: NsCallOptions): () => NsCall {
  let call: NsCall | undefined;
  beforeAll(async () => {
    call = await NsCall.start(options);
  });
  afterEach(async () => {
    await call?.removeParties();
  });
  afterAll(async () => {
    await call?.dispose();
  });
  return () => {
    if (!call) throw new Error('the suite has no call (its beforeAll failed)');
    return call;
  };
}

/** Waits until the page's status line says `connected`; the error says what the status and banner showed. */
export async function waitConnected(page: ConsumerPage, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => (await page.status()).startsWith('connected'), {
    timeoutMs,
    intervalMs: 100,
    what: `${page.name} connected (status line)`,
  }).catch(async (error: Error) => {
    throw new Error(
      `${error.message}: status "${await page.status()}", banner ${JSON.stringify(await page.banner())}`,
    );
  });
}

/** Frames decoded since `since` (a {@link ConsumerPage.framesDecodedPerConnection} reading), all connections. */
function decodedSince(since: Record<number, number>, now: Record<number, number>): number {
  let total = 0;
  for (const [index, frames] of Object.entries(now))
    total += Math.max(0, frames - (since[Number(index)] ?? 0));
  return total;
}

/** Options of {@link framesRise}. */
export interface FramesRiseOptions {
  /** How many frames must decode (20 ≈ 1 s of the fake camera: more than any jitter buffer holds). */
  by?: number;
  /** The bound of the assertion, from `startedAt`. */
  withinMs: number;
  /** When the clock started (e.g. the fault's moment). @default now */
  startedAt?: number;
  /** Said in the error. */
  what: string;
  /**
   * After a miss, keep watching up to this long (from `startedAt`) only to say in the error when the
   * frames did rise, if they did. @default 0
   */
  reportUpToMs?: number;
}

/**
 * Waits until the page has decoded `by` more video frames (getStats `framesDecoded`, added up per peer
 * connection, so connections closed or created meanwhile do not skew it) within `withinMs` of
 * `startedAt`. Resolves with the time it took from `startedAt`; the error says how far it got.
 */
export async function framesRise(
  page: ConsumerPage,
  { by = 20, withinMs, startedAt = Date.now(), what, reportUpToMs = 0 }: FramesRiseOptions,
): Promise<number> {
  const since = await page.framesDecodedPerConnection().catch(() => ({}));
  let decoded = 0;
  const risen = async () => {
    decoded = decodedSince(since, await page.framesDecodedPerConnection());
    return decoded >= by;
  };
  const watch = (untilMs: number) =>
    waitFor(risen, { timeoutMs: Math.max(1, startedAt + untilMs - Date.now()), intervalMs: 100, what }).then(
      () => true,
      () => false,
    );
  if (await watch(withinMs)) return Date.now() - startedAt;
  const within = decoded;
  let later = '';
  if (reportUpToMs > withinMs) {
    later = (await watch(reportUpToMs))
      ? `; they did after ${Date.now() - startedAt} ms`
      : `; still not after ${reportUpToMs} ms (${decoded} decoded)`;
  }
  throw new Error(
    `${what}: ${within} frames decoded (< ${by}) within ${withinMs} ms${later}; ` +
      `counts ${JSON.stringify(await page.counts().catch(() => null))}`,
  );
}

/**
 * No leaked and no runaway peer connections: for every page, peer connections created minus closed
 * (the page's own RTCPeerConnection constructor count) equals its live links (remote participants).
 * Waits up to `settleMs` for closes in flight, then throws with every page's counts.
 */
export async function expectPeerConnectionsMatchLinks(
  expected: Array<[page: ConsumerPage, liveLinks: number]>,
  settleMs = 10_000,
): Promise<void> {
  const read = () => Promise.all(expected.map(([page]) => page.counts()));
  let counts: PageCounts[] = [];
  try {
    await waitFor(
      async () => {
        counts = await read();
        return counts.every((c, i) => c.peerConnectionsOpen === expected[i]?.[1]);
      },
      { timeoutMs: settleMs, intervalMs: 250, what: 'peer connections open = live links' },
    );
  } catch {
    const detail = expected
      .map(
        ([page, links], i) =>
          `${page.name}: expected ${links} open, ${counts[i]?.peerConnectionsOpen} open of ` +
          `${counts[i]?.peerConnectionsCreated} created`,
      )
      .join('; ');
    throw new Error(`peer connections do not match live links after ${settleMs} ms: ${detail}`);
  }
}

/**
 * A and B join a fresh session, each from its own namespace and browser; resolves once both see the
 * other's tile and decoded frames rise on both sides (the call works before any fault).
 */
export async function startTwoParty(
  call: NsCall,
  label: string,
  options: { a?: Partial<NsJoinOptions>; b?: Partial<NsJoinOptions> } = {},
): Promise<[NsParty, NsParty]> {
  const session = NsCall.session(label);
  const a = await call.join('alice', { session, ...options.a });
  const b = await call.join('bob', { session, ...options.b });
  await a.page.page
    .getByRole('figure', { name: `Video of ${b.identity}`, exact: true })
    .waitFor({ state: 'visible', timeout: 20_000 });
  await b.page.page
    .getByRole('figure', { name: `Video of ${a.identity}`, exact: true })
    .waitFor({ state: 'visible', timeout: 20_000 });
  await Promise.all([
    framesRise(a.page, { withinMs: 20_000, what: `${label}: alice sees bob before the fault` }),
    framesRise(b.page, { withinMs: 20_000, what: `${label}: bob sees alice before the fault` }),
  ]);
  return [a, b];
}

/**
 * Decoded frames rise at every page given, each within `withinMs` of `startedAt`; waits for all of them
 * (every miss is in the error, with when it did rise, watched up to `reportUpToMs`). Resolves with the
 * times, in the order given, and prints them.
 */
export async function framesRiseAt(
  label: string,
  pages: Array<[page: ConsumerPage, what: string]>,
  {
    withinMs,
    startedAt,
    reportUpToMs = 30_000,
  }: { withinMs: number; startedAt: number; reportUpToMs?: number },
): Promise<number[]> {
  const results = await Promise.allSettled(
    pages.map(([page, what]) =>
      framesRise(page, { withinMs, startedAt, reportUpToMs, what: `${label}: ${what}` }),
    ),
  );
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [String((result.reason as Error).message ?? result.reason)] : [],
  );
  const times = results.map((result) => (result.status === 'fulfilled' ? result.value : Number.NaN));
  report(`${label}: ${pages.map(([, what], i) => `${what} after ${times[i]} ms`).join(', ')}`);
  if (failures.length > 0) throw new Error(failures.join('\n'));
  return times;
}

/**
 * Every state the remote tile of `identity` showed over `forMs` (its `data-holdfast-health` and its
 * overlay's, read every 250 ms), e.g. `['muted']` for a camera that stayed off all along.
 */
export async function tileStatesOver(page: ConsumerPage, identity: string, forMs: number): Promise<string[]> {
  const seen = new Set<string | null>();
  for (const end = Date.now() + forMs; Date.now() < end; ) {
    seen.add(await page.remoteHealth(identity));
    seen.add(await page.remoteOverlay(identity));
    await delay(250);
  }
  return [...seen].map(String);
}

/**
 * Waits until the remote tile of `identity` shows a picture (mean brightness over 20: not the black frames
 * of a camera that is off) and says `live`, within `withinMs`; resolves with the time it took and the
 * brightness. The error says what the tile showed.
 */
export async function pictureBack(
  page: ConsumerPage,
  identity: string,
  { withinMs, what }: { withinMs: number; what: string },
): Promise<{ ms: number; brightness: number }> {
  const startedAt = Date.now();
  let brightness: number | null = null;
  await waitFor(
    async () => {
      brightness = await page.remoteBrightness(identity);
      return brightness !== null && brightness > 20 && (await page.remoteHealth(identity)) === 'live';
    },
    { timeoutMs: withinMs, intervalMs: 100, what },
  ).catch(async (error: Error) => {
    throw new Error(
      `${error.message}: health "${await page.remoteHealth(identity)}", brightness ${brightness}`,
    );
  });
  return { ms: Date.now() - startedAt, brightness: brightness as unknown as number };
}

/**
 * Waits until `page` shows no tile of `identity` within `withinMs` (the error lists the page's events);
 * resolves with the reasons of every `connectionDestroyed` the page's app saw for `identity`.
 */
export async function tileGone(
  page: ConsumerPage,
  identity: string,
  { withinMs, what }: { withinMs: number; what: string },
): Promise<Array<string | undefined>> {
  await waitFor(async () => (await page.remoteTiles(identity)) === 0, { timeoutMs: withinMs, what }).catch(
    async (error: Error) => {
      throw new Error(`${error.message}: ${page.name}'s events ${JSON.stringify(await page.events())}`);
    },
  );
  return (await page.events())
    .filter((event) => event.name === 'connectionDestroyed' && event.identity === identity)
    .map((event) => event.reason);
}
