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

/** One recorded state of a remote tile and of the banner (see {@link ConsumerPage.recordTile}). */
export interface TileChange {
  at: number;
  health: string | null;
  overlay: string | null;
  phase: string | null;
}

/** One entry of the app's event log (`window.__events`, see test/consumer/app/src/App.jsx). */
export interface AppEvent {
  at: number;
  name: string;
  identity?: string;
  connectionId?: string;
  streamId?: string;
  replaces?: string;
  reason?: string;
  isLocal?: boolean;
}

/** One participant: a consumer app page in its own browser context. */
export class ConsumerPage {
  readonly errors: string[] = [];
  /** holdfast's diagnostic lines, when the app logs them (`log: '1'` in the query), with the test's clock. */
  readonly holdfastLines: { at: number; text: string }[] = [];

  private constructor(
    readonly name: string,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('console', (message) => {
      const text = message.text();
      if (!text.startsWith('[holdfast] ')) return;
      this.holdfastLines.push({ at: Date.now(), text: text.slice('[holdfast] '.length) });
      if (this.holdfastLines.length > 2000) this.holdfastLines.shift();
    });
  }

  /** {@link holdfastLines} since `since` (test clock), one per line, for a failure message. */
  holdfastLog(since = 0): string {
    return this.holdfastLines
      .filter((line) => line.at >= since)
      .map((line) => `+${line.at - since} ${line.text}`)
      .join('\n');
  }

  /**
   * Opens the app in a new context of `browser`. `query` becomes the URL's parameters: `server`,
   * `session`, `name`, and optionally `identity` (default: the name) and `source` (`canvas`).
   */
  static async open(
    browser: Browser,
    appUrl: string,
    query: { server: string; session: string; name: string } & Record<string, string>,
    { initScript }: { initScript?: string | undefined } = {},
  ) {
    const page = await newPage(browser);
    if (initScript !== undefined) await page.addInitScript(initScript);
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

  /** Sum of `packetsReceived` of the inbound audio of every open peer connection (getStats). */
  audioPacketsReceived(): Promise<number> {
    return this.#sumInbound('audio', 'packetsReceived');
  }

  /** Sum of `framesDecoded` of the inbound video of every open peer connection (getStats). */
  framesDecoded(): Promise<number> {
    return this.#sumInbound('video', 'framesDecoded');
  }

  /** Sum of one counter of the inbound `kind` RTP streams of every open peer connection (getStats). */
  #sumInbound(kind: 'audio' | 'video', counter: 'packetsReceived' | 'framesDecoded'): Promise<number> {
    return this.page.evaluate(
      async ([wanted, field]) => {
        const { peerConnections } = (
          window as unknown as { __consumer: { peerConnections: RTCPeerConnection[] } }
        ).__consumer;
        let total = 0;
        for (const pc of peerConnections) {
          if (pc.signalingState === 'closed') continue;
          for (const stat of (await pc.getStats()).values()) {
            if (stat.type === 'inbound-rtp' && stat.kind === wanted) total += stat[field] ?? 0;
          }
        }
        return total;
      },
      [kind, counter] as const,
    );
  }

  /**
   * `framesDecoded` of the inbound video of each open peer connection, keyed by the connection's index
   * in the page's creation order (stable: the list only grows), so a caller can add up what each
   * connection decoded since an earlier reading even when connections were closed or created between.
   */
  framesDecodedPerConnection(): Promise<Record<number, number>> {
    return this.page.evaluate(async () => {
      const { peerConnections } = (
        window as unknown as { __consumer: { peerConnections: RTCPeerConnection[] } }
      ).__consumer;
      const frames: Record<number, number> = {};
      for (const [index, pc] of peerConnections.entries()) {
        if (pc.signalingState === 'closed') continue;
        let total = 0;
        for (const stat of (await pc.getStats()).values()) {
          if (stat.type === 'inbound-rtp' && stat.kind === 'video') total += stat.framesDecoded ?? 0;
        }
        frames[index] = total;
      }
      return frames;
    });
  }

  /**
   * Starts an in-page ticker (like the benchmark's): every 40 ms it adds up the video frames each open
   * peer connection decoded since the last tick (getStats `framesDecoded` of the inbound video, per
   * connection) and records `[Date.now(), frames]`, for {@link largestFrameGap}. Bounded: it keeps at
   * most the last 4000 ticks and stops by itself after `forMs`.
   */
  startFrameTicker(forMs = 120_000): Promise<void> {
    return this.page.evaluate((lifeMs) => {
      const w = window as unknown as {
        __consumer: { peerConnections: RTCPeerConnection[] };
        __frameTicks?: Array<[number, number, Record<number, number>, Record<number, number>]>;
      };
      const ticks: Array<[number, number, Record<number, number>, Record<number, number>]> = [];
      w.__frameTicks = ticks;
      const last = new WeakMap<RTCPeerConnection, number>();
      let busy = false;
      const timer = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          let frames = 0;
          const perConnection: Record<number, number> = {};
          const frozenSeconds: Record<number, number> = {};
          for (const [index, pc] of w.__consumer.peerConnections.entries()) {
            if (pc.signalingState === 'closed') continue;
            let decoded = 0;
            let frozen = 0;
            for (const stat of (await pc.getStats()).values())
              if (stat.type === 'inbound-rtp' && stat.kind === 'video') {
                decoded += stat.framesDecoded ?? 0;
                frozen += stat.totalFreezesDuration ?? 0;
              }
            frozenSeconds[index] = frozen;
            const delta = Math.max(0, decoded - (last.get(pc) ?? 0));
            frames += delta;
            perConnection[index] = delta;
            last.set(pc, decoded);
          }
          ticks.push([Date.now(), frames, perConnection, frozenSeconds]);
          if (ticks.length > 4000) ticks.splice(0, 1000);
        } finally {
          busy = false;
        }
      }, 40);
      setTimeout(() => clearInterval(timer), lifeMs);
    }, forMs);
  }

  /**
   * The largest time between two ticks with decoded frames of {@link startFrameTicker}, among the ticks
   * from `from` to `to` (epoch ms), with the gap's start; `to - from` when no frame decoded at all.
   */
  async largestFrameGap(from: number, to: number): Promise<{ gapMs: number; at: number; ticks: number }> {
    const ticks = await this.page.evaluate(
      () => (window as unknown as { __frameTicks?: Array<[number, number]> }).__frameTicks ?? [],
    );
    const inWindow = ticks.filter(([at]) => at >= from && at <= to);
    let previous = from;
    let gap = { gapMs: 0, at: from, ticks: inWindow.length };
    for (const [at, frames] of [...inWindow.filter(([, frames]) => frames > 0), [to, 1] as const]) {
      if (frames > 0 && at - previous > gap.gapMs)
        gap = { gapMs: at - previous, at: previous, ticks: inWindow.length };
      previous = at;
    }
    return gap;
  }

  /**
   * Like {@link largestFrameGap}, but for each peer connection that was decoding frames before `from`
   * on its own (a mesh page receives each remote on its own connection): the largest gap of any of
   * them, with the connection's index. A connection that stops decoding for good counts up to `to`.
   */
  async largestFrameGapPerConnection(
    from: number,
    to: number,
  ): Promise<{ gapMs: number; at: number; connection: number; connections: number }> {
    const ticks = await this.page.evaluate(
      () =>
        (window as unknown as { __frameTicks?: Array<[number, number, Record<number, number>]> })
          .__frameTicks ?? [],
    );
    const decodingBefore = new Set<number>();
    for (const [at, , per] of ticks) {
      if (at >= from || !per) continue;
      for (const [index, frames] of Object.entries(per)) if (frames > 0) decodingBefore.add(Number(index));
    }
    let worst = { gapMs: 0, at: from, connection: -1, connections: decodingBefore.size };
    for (const index of decodingBefore) {
      let previous = from;
      const frameTimes = ticks
        .filter(([at, , per]) => at >= from && at <= to && (per?.[index] ?? 0) > 0)
        .map(([at]) => at);
      for (const at of [...frameTimes, to]) {
        if (at - previous > worst.gapMs)
          worst = { ...worst, gapMs: at - previous, at: previous, connection: index };
        previous = at;
      }
    }
    return worst;
  }

  /**
   * The decoder's own account of freezes (WebRTC stats `totalFreezesDuration`: inter-frame delays
   * over max(3 × the average, average + 150 ms)), per peer connection decoding before `from`: the
   * largest total frozen time of any of them between `from` and `to`, in ms. Unlike the ticker's gaps,
   * it does not grow when the page's own timers run late on a loaded machine; a single gap can be no
   * longer than this total.
   */
  async frozenMsPerConnection(from: number, to: number): Promise<{ frozenMs: number; connections: number }> {
    const ticks = await this.page.evaluate(
      () =>
        (
          window as unknown as {
            __frameTicks?: Array<[number, number, Record<number, number>, Record<number, number>]>;
          }
        ).__frameTicks ?? [],
    );
    const before = ticks.filter(([at]) => at < from);
    const decoding = new Set<number>();
    for (const [, , per] of before)
      for (const [index, frames] of Object.entries(per ?? {})) if (frames > 0) decoding.add(Number(index));
    let frozenMs = 0;
    for (const index of decoding) {
      const start = before.at(-1)?.[3]?.[index];
      const end = ticks.filter(([at]) => at <= to).at(-1)?.[3]?.[index];
      if (start === undefined || end === undefined) continue;
      frozenMs = Math.max(frozenMs, Math.round((end - start) * 1000));
    }
    return { frozenMs, connections: decoding.size };
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

  /**
   * The `data-holdfast-health` of the remote tile of `identity` (`live`, `frozen`, `recovering`, `muted`,
   * `gone`), or null when there is no such tile.
   */
  async remoteHealth(identity: string): Promise<string | null> {
    const tile = this.page.getByRole('figure', { name: `Video of ${identity}`, exact: true });
    if ((await tile.count()) === 0) return null;
    return tile.first().getAttribute('data-holdfast-health', { timeout: 2_000 });
  }

  /** The `data-holdfast-overlay` of the remote tile of `identity`, or null when there is no such tile. */
  async remoteOverlay(identity: string): Promise<string | null> {
    const overlay = this.page
      .getByRole('figure', { name: `Video of ${identity}`, exact: true })
      .locator('[data-holdfast-overlay]');
    if ((await overlay.count()) === 0) return null;
    return overlay.first().getAttribute('data-holdfast-overlay', { timeout: 2_000 });
  }

  /** How many remote tiles of `identity` the page shows (more than one is a ghost). */
  remoteTiles(identity: string): Promise<number> {
    return this.page.getByRole('figure', { name: `Video of ${identity}`, exact: true }).count();
  }

  /** The banner's phase and reason (`data-holdfast-phase` / `data-holdfast-reason`) and its text. */
  banner(): Promise<{ phase: string | null; reason: string | null; text: string }> {
    return this.page.evaluate(() => {
      const banner = document.querySelector('[data-holdfast-banner]');
      return {
        phase: banner?.getAttribute('data-holdfast-phase') ?? null,
        reason: banner?.getAttribute('data-holdfast-reason') ?? null,
        text: (banner?.textContent ?? '').trim(),
      };
    });
  }

  /**
   * The selected candidate pair of every open peer connection: each end's candidate type (`host`,
   * `srflx`, `prflx`, `relay`) and address, e.g. `{ local: 'relay 10.77.3.1', remote: 'relay 10.77.3.1' }`.
   */
  selectedPairs(): Promise<Array<{ local: string; remote: string }>> {
    return this.page.evaluate(async () => {
      const { peerConnections } = (
        window as unknown as { __consumer: { peerConnections: RTCPeerConnection[] } }
      ).__consumer;
      const pairs: Array<{ local: string; remote: string }> = [];
      for (const pc of peerConnections) {
        if (pc.signalingState === 'closed') continue;
        const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
        const byId = new Map(stats.map((stat) => [stat.id, stat]));
        const transport = stats.find((stat) => stat.type === 'transport');
        const pair = byId.get(transport?.selectedCandidatePairId);
        if (!pair) continue;
        const describe = (candidate: Record<string, unknown> | undefined) =>
          `${candidate?.candidateType} ${candidate?.address}`;
        pairs.push({
          local: describe(byId.get(pair.localCandidateId)),
          remote: describe(byId.get(pair.remoteCandidateId)),
        });
      }
      return pairs;
    });
  }

  /**
   * Starts recording, in the page, every change of the remote tile of `identity` (its
   * `data-holdfast-health` and overlay) and of the banner's phase, with `Date.now()` times (a
   * MutationObserver: no change is missed between two polls). Read with {@link tileHistory}.
   */
  recordTile(identity: string): Promise<void> {
    return this.page.evaluate((label) => {
      const history: Array<{
        at: number;
        health: string | null;
        overlay: string | null;
        phase: string | null;
      }> = [];
      const read = () => {
        const tile = document.querySelector(`figure[aria-label="${label}"]`);
        return {
          health: tile?.getAttribute('data-holdfast-health') ?? null,
          overlay:
            tile?.querySelector('[data-holdfast-overlay]')?.getAttribute('data-holdfast-overlay') ?? null,
          phase:
            document.querySelector('[data-holdfast-banner]')?.getAttribute('data-holdfast-phase') ?? null,
        };
      };
      const note = () => {
        const now = read();
        const last = history.at(-1);
        if (!last || last.health !== now.health || last.overlay !== now.overlay || last.phase !== now.phase)
          history.push({ at: Date.now(), ...now });
      };
      note();
      new MutationObserver(note).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-holdfast-health', 'data-holdfast-overlay', 'data-holdfast-phase'],
      });
      (window as unknown as { __tileHistory: typeof history }).__tileHistory = history;
    }, `Video of ${identity}`);
  }

  /** What {@link recordTile} recorded so far. */
  tileHistory(): Promise<TileChange[]> {
    return this.page.evaluate(
      () => (window as unknown as { __tileHistory?: TileChange[] }).__tileHistory ?? [],
    );
  }

  /** The app's event log so far (participant and stream events, rejoins), oldest first. */
  events(): Promise<AppEvent[]> {
    return this.page.evaluate(() => (window as unknown as { __events?: AppEvent[] }).__events ?? []);
  }

  /**
   * Marks the remote tile of `identity` (the DOM element itself, kept in the page) so that
   * {@link isSameRemoteTile} can tell later whether that very element is still the one mounted.
   */
  tagRemoteTile(identity: string): Promise<boolean> {
    return this.page.evaluate((label) => {
      const tile = document.querySelector(`figure[aria-label="${label}"]`);
      (window as unknown as { __taggedTile?: Element | null }).__taggedTile = tile;
      return tile !== null;
    }, `Video of ${identity}`);
  }

  /** True when the remote tile of `identity` is still the element {@link tagRemoteTile} marked (not remounted). */
  isSameRemoteTile(identity: string): Promise<boolean> {
    return this.page.evaluate((label) => {
      const tagged = (window as unknown as { __taggedTile?: Element | null }).__taggedTile;
      const tile = document.querySelector(`figure[aria-label="${label}"]`);
      return tagged !== undefined && tagged !== null && tagged === tile && tagged.isConnected;
    }, `Video of ${identity}`);
  }

  /**
   * Starts watching, in the page, for an element with `data-testid` `testId` (a MutationObserver plus a
   * 50 ms poll): {@link testIdSeen} then says whether it ever showed, and when first.
   */
  watchTestId(testId: string): Promise<void> {
    return this.page.evaluate((id) => {
      const seen: { id: string; at: number | null } = { id, at: null };
      const check = () => {
        if (seen.at === null && document.querySelector(`[data-testid="${id}"]`)) seen.at = Date.now();
      };
      check();
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true });
      setInterval(check, 50);
      (window as unknown as { __seen?: Record<string, typeof seen> }).__seen ??= {};
      (window as unknown as { __seen: Record<string, typeof seen> }).__seen[id] = seen;
    }, testId);
  }

  /** When the element {@link watchTestId} watches for first showed (epoch ms), or null if it never did. */
  testIdSeen(testId: string): Promise<number | null> {
    return this.page.evaluate(
      (id) =>
        (window as unknown as { __seen?: Record<string, { at: number | null }> }).__seen?.[id]?.at ?? null,
      testId,
    );
  }

  /**
   * The mean brightness (0–255) of the picture the remote tile of `identity` shows now (its video drawn
   * into a small canvas), or null when there is no such tile or no picture yet. A camera turned off
   * sends black frames (about 0); the fake camera's picture is far brighter.
   */
  remoteBrightness(identity: string): Promise<number | null> {
    return this.page.evaluate((label) => {
      const video = document.querySelector<HTMLVideoElement>(`figure[aria-label="${label}"] video`);
      if (!video || video.videoWidth === 0) return null;
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return null;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4)
        sum += ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0)) / 3;
      return sum / (data.length / 4);
    }, `Video of ${identity}`);
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
