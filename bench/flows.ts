import type { Page } from 'playwright-core';
import { NsCall, startTwoParty } from '../test/consumer/support/netns-call';
import type { NetParticipant } from '../test/support/netns';
import type { TurnServer } from '../test/support/turn';
import { delay, waitFor } from '../test/support/wait';
import { NaiveCall } from './flows-naive';
import type { BenchGroup, GroupOptions } from './lib/group';
import type { MetricResult } from './lib/results';
import { type Sample, summarize } from './lib/stats';

/** A receiver not decoding again within this long after the fault counts as never. */
export const RECOVER_BOUND_MS = 15_000;
/** The outage whose peer connections are counted. */
export const OUTAGE_MS = 60_000;
/** Sampling period of the in-page frame ticker. */
const TICK_MS = 40;
/** A rise preceded by at least this many ticks without one (and this long) ends a stall. */
const STALL_TICKS = 3;
const STALL_MS = 200;
/** A stall ending this soon after the fault began before it (see {@link recoveredAt}). */
const FAULT_SETTLE_MS = 150;

/**
 * Runs in every document of a bench page (an init script, so a reloaded page has it from its start):
 * every 40 ms, adds up the video frames each open peer connection of the page decoded since the last
 * tick (getStats `framesDecoded` of the inbound video, per connection, so connections created or
 * closed meanwhile do not skew it) and records `[Date.now(), frames]`. Both apps list their peer
 * connections in `window.__consumer.peerConnections`.
 */
const TICKER = `(() => {
  if (window.__flowTicks) return;
  const ticks = [];
  window.__flowTicks = ticks;
  const last = new WeakMap();
  let busy = false;
  setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      let frames = 0;
      for (const pc of window.__consumer?.peerConnections ?? []) {
        if (pc.signalingState === 'closed') continue;
        let decoded = 0;
        for (const stat of (await pc.getStats()).values())
          if (stat.type === 'inbound-rtp' && stat.kind === 'video') decoded += stat.framesDecoded ?? 0;
        frames += Math.max(0, decoded - (last.get(pc) ?? 0));
        last.set(pc, decoded);
      }
      ticks.push([Date.now(), frames]);
      if (ticks.length > 4000) ticks.splice(0, 1000);
    } finally {
      busy = false;
    }
  }, ${TICK_MS});
})();`;

type Tick = [at: number, frames: number];

/**
 * When video came back after `t0`: the first tick with frames that follows a stall (at least
 * {@link STALL_TICKS} ticks and {@link STALL_MS} without frames, so a late sampler tick is not taken for
 * a stall). Frames still arriving right after `t0` (the jitter buffer) do not count, nor does the end of
 * a stall under way before the fault within {@link FAULT_SETTLE_MS} of `t0` (a hiccup of a stream still
 * ramping up ended 22 ms after a handoff: no repair is that fast). If frames never stopped for 3 s after
 * `t0`, the video was never interrupted: `t0`. Null when not back yet.
 */
export function recoveredAt(ticks: readonly Tick[], t0: number): number | null {
  let lastRise = Number.NEGATIVE_INFINITY;
  let quiet = 0;
  for (const [at, frames] of ticks) {
    if (frames === 0) {
      quiet += 1;
      continue;
    }
    if (at > t0 + FAULT_SETTLE_MS && quiet >= STALL_TICKS && at - lastRise >= STALL_MS) return at;
    lastRise = at;
    quiet = 0;
  }
  // No stall ended after t0: if none is under way either and 3 s have passed, frames never stopped.
  const lastAt = ticks.at(-1)?.[0] ?? Number.NEGATIVE_INFINITY;
  return lastAt >= t0 + 3_000 && quiet < STALL_TICKS ? t0 : null;
}

const readTicks = (page: Page): Promise<Tick[]> =>
  page.evaluate(() => (window as unknown as { __flowTicks?: Tick[] }).__flowTicks ?? []).catch(() => []);

const peerConnectionsCreated = (page: Page): Promise<number> =>
  page
    .evaluate(
      () =>
        (window as unknown as { __consumer?: { peerConnections: unknown[] } }).__consumer?.peerConnections
          .length ?? 0,
    )
    .catch(() => Number.NaN);

/** Frames decoded in the last `withinMs` on this page. */
async function decodingNow(page: Page, withinMs = 500): Promise<boolean> {
  const ticks = await readTicks(page);
  const now = ticks.at(-1)?.[0] ?? 0;
  return ticks.some(([at, frames]) => frames > 0 && at >= now - withinMs);
}

/** One side of a two-party call under test. */
interface Party {
  name: string;
  page: Page;
  net: NetParticipant;
}

/** A two-party call of one subject (holdfast or the naive app), both sides decoding. */
interface Pair {
  a: Party;
  b: Party;
  close(): Promise<void>;
}

/** What the bench runs its flows on: holdfast's consumer app, or the naive app. */
interface Subject {
  turn: TurnServer | null;
  open(label: string): Promise<Pair>;
  dispose(): Promise<void>;
}

async function installTicker(page: Page): Promise<void> {
  await page.addInitScript(TICKER);
  await page.evaluate(TICKER);
}

async function holdfastSubject(turn: boolean): Promise<Subject> {
  const call = await NsCall.start({ turn });
  return {
    turn: call.turn,
    async open(label) {
      const [a, b] = await startTwoParty(call, label);
      for (const party of [a, b]) await installTicker(party.page.page);
      return {
        a: { name: 'A', page: a.page.page, net: a.net },
        b: { name: 'B', page: b.page.page, net: b.net },
        close: () => call.removeParties(),
      };
    },
    dispose: () => call.dispose(),
  };
}

async function naiveSubject(turn: boolean): Promise<Subject> {
  const call = await NaiveCall.start({ turn });
  return {
    turn: call.turn,
    async open(label) {
      const room = `${label}-${Date.now()}`;
      const a = await call.join('alice', room, TICKER);
      const b = await call.join('bob', room, TICKER);
      const pair: Pair = {
        a: { name: 'A', page: a.page, net: a.net },
        b: { name: 'B', page: b.page, net: b.net },
        close: async () => {
          await a.net.dispose();
          await b.net.dispose();
        },
      };
      await waitDecoding(pair, 30_000).catch(async (error: Error) => {
        await pair.close();
        throw error;
      });
      return pair;
    },
    dispose: () => call.dispose(),
  };
}

function waitDecoding(pair: Pair, timeoutMs: number): Promise<unknown> {
  return waitFor(async () => (await decodingNow(pair.a.page)) && (await decodingNow(pair.b.page)), {
    timeoutMs,
    intervalMs: 200,
    what: 'both sides decoding',
  });
}

/** Fault → video back at A (from B) and at B (from A); null where not within {@link RECOVER_BOUND_MS}. */
async function recoverSamples(pair: Pair, t0: number): Promise<Sample[]> {
  const found: Array<number | null> = [null, null];
  const pages = [pair.a.page, pair.b.page];
  while (Date.now() < t0 + RECOVER_BOUND_MS && found.some((x) => x === null)) {
    await delay(200);
    for (const [i, page] of pages.entries()) {
      if (found[i] !== null) continue;
      const at = recoveredAt(await readTicks(page), t0);
      if (at !== null && at <= t0 + RECOVER_BOUND_MS) found[i] = at - t0;
    }
  }
  return found;
}

/**
 * `trials` of `fault` on one pair of `subject` (a new pair when the last trial left it broken, or for
 * every trial with `freshPair`): the fault's moment → video back at each end (two samples per trial).
 */
async function recoveryTrials(
  subject: Subject,
  label: string,
  trials: number,
  log: (line: string) => void,
  fault: (pair: Pair) => Promise<void>,
  {
    freshPair = false,
    warmUp,
  }: {
    freshPair?: boolean;
    /** Run on the pair before each trial's fault (not measured), then both sides decoding again. */
    warmUp?: (pair: Pair) => Promise<void>;
  } = {},
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let pair = await subject.open(label);
  try {
    for (let trial = 1; trial <= trials; trial += 1) {
      if (warmUp) {
        await warmUp(pair);
        await waitDecoding(pair, 20_000);
        // The fresh peers the warm-up left behind ramp up first (short stalls in their first seconds).
        await delay(3_000);
      }
      const created = [await peerConnectionsCreated(pair.a.page), await peerConnectionsCreated(pair.b.page)];
      const t0 = Date.now();
      await fault(pair);
      const got = await recoverSamples(pair, t0);
      samples.push(...got);
      const during = [
        (await peerConnectionsCreated(pair.a.page)) - (created[0] ?? 0),
        (await peerConnectionsCreated(pair.b.page)) - (created[1] ?? 0),
      ];
      log(
        `${label} trial ${trial}: A←B ${got[0] ?? 'never'} ms, B←A ${got[1] ?? 'never'} ms ` +
          `(peer connections created: A ${during[0]}, B ${during[1]})`,
      );
      // A pair that did not recover (the naive app after a TURN restart) is replaced, not waited for.
      const healthy =
        !got.includes(null) &&
        (await waitDecoding(pair, 20_000).then(
          () => true,
          () => false,
        ));
      if (!healthy || (freshPair && trial < trials)) {
        await pair.close();
        pair = await subject.open(label);
      }
      await delay(1_500);
    }
  } finally {
    await pair.close();
  }
  return samples;
}

/** B's link cut for {@link OUTAGE_MS}: peer connections each page created meanwhile (a new pair per trial). */
async function outageTrials(
  subject: Subject,
  trials: number,
  log: (line: string) => void,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let trial = 1; trial <= trials; trial += 1) {
    const pair = await subject.open('outage');
    try {
      const created = [await peerConnectionsCreated(pair.a.page), await peerConnectionsCreated(pair.b.page)];
      await pair.b.net.cut();
      await delay(OUTAGE_MS);
      const during = [
        (await peerConnectionsCreated(pair.a.page)) - (created[0] ?? 0),
        (await peerConnectionsCreated(pair.b.page)) - (created[1] ?? 0),
      ];
      await pair.b.net.restore();
      samples.push(...during);
      log(`outage trial ${trial}: peer connections created: A ${during[0]}, B (cut) ${during[1]}`);
    } finally {
      await pair.close();
    }
  }
  return samples;
}

const SUBJECT = 'holdfast';
const BASELINE = 'naive simple-peer + socket.io app (defaults)';

const SETUP =
  'The packed holdfast tarball in the consumer test app (test/consumer/app, production build) and the naive app ' +
  '(bench/flows-naive-page: simple-peer, socket.io-client and a socket.io room server, all on their defaults; every ' +
  '(re)connected socket offers to the room), each participant in its own network namespace and headless Chromium ' +
  '(fake camera), servers on the bridge address. Two participants A and B; the fault hits B. An in-page ticker reads ' +
  'getStats every 40 ms (framesDecoded of the inbound video, per peer connection); "video back" is the first tick ' +
  `with new frames after a stall (≥ ${STALL_TICKS} ticks and ${STALL_MS} ms without), in page Date.now() on the ` +
  'clock of the process that injects the fault. Two samples per trial: A←B and B←A. The baseline runs half the trials (at least 3).';

function metric(
  name: string,
  description: string,
  target: MetricResult['target'],
  holdfast: Sample[] | null,
  baseline: Sample[] | null,
  method: string,
  unit: MetricResult['unit'] = 'ms',
): MetricResult[] {
  if (!holdfast || !baseline) return [];
  return [
    {
      metric: name,
      group: 'flows',
      unit,
      description,
      ...(target ? { target } : {}),
      subjects: { [SUBJECT]: summarize(holdfast), [BASELINE]: summarize(baseline) },
      method: `${SETUP} ${method}`,
      measuredAt: new Date().toISOString(),
    },
  ];
}

/** Runs `measure` on a subject made by `make`, disposing it after. */
async function withSubject<T>(make: () => Promise<Subject>, measure: (s: Subject) => Promise<T>): Promise<T> {
  const subject = await make();
  try {
    return await measure(subject);
  } finally {
    await subject.dispose();
  }
}

const handoff = (pair: Pair) => pair.b.net.changeAddress().then(() => {});
const reload = (pair: Pair) => pair.b.page.reload({ waitUntil: 'load', timeout: 30_000 }).then(() => {});
const turnRestart = (subject: Subject) => async () => {
  if (!subject.turn) throw new Error('no TURN server');
  await subject.turn.restart({ kill: true });
};

/** The flow cases: handoff, handoff-again, rejoin, outage, turn. */
type FlowCase = 'handoff' | 'handoff-again' | 'rejoin' | 'outage' | 'turn';

/**
 * The cases to run, from `HOLDFAST_BENCH_FLOWS_CASES` (comma-separated: handoff, handoff-again, rejoin,
 * outage, turn);
 * all when unset. A case not run keeps its figures in results.json.
 */
function wantedCase(name: FlowCase): boolean {
  const list = process.env.HOLDFAST_BENCH_FLOWS_CASES?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return !list || list.length === 0 || list.includes(name);
}

/** Measures the selected flow cases of one subject (null for a case not run). */
async function measureSubject(
  make: (turn: boolean) => Promise<Subject>,
  name: string,
  { trials, log }: GroupOptions,
  outageCount: number,
) {
  const say = (line: string) => log(`${name} ${line}`);
  const direct =
    wantedCase('handoff') || wantedCase('handoff-again') || wantedCase('rejoin') || wantedCase('outage')
      ? await withSubject(
          () => make(false),
          async (subject) => ({
            // Every handoff a page's first, as a user lives it (Chromium is slower to take in the first one).
            handoff: wantedCase('handoff')
              ? await recoveryTrials(subject, 'handoff', trials, say, handoff, { freshPair: true })
              : null,
            // A browser that has taken in a network change before (a laptop that changed networks earlier
            // that day): one handoff first, not measured, then the measured one, on a new pair per trial.
            handoffAgain: wantedCase('handoff-again')
              ? await recoveryTrials(subject, 'handoff-again', trials, say, handoff, {
                  freshPair: true,
                  warmUp: handoff,
                })
              : null,
            rejoin: wantedCase('rejoin')
              ? await recoveryTrials(subject, 'rejoin', trials, say, reload)
              : null,
            outage: wantedCase('outage') ? await outageTrials(subject, outageCount, say) : null,
          }),
        )
      : { handoff: null, handoffAgain: null, rejoin: null, outage: null };
  const turn = wantedCase('turn')
    ? await withSubject(
        () => make(true),
        (subject) => recoveryTrials(subject, 'turn-restart', trials, say, turnRestart(subject)),
      )
    : null;
  return { ...direct, turn };
}

/** The flows group: what users live through around a call (issue #17), holdfast beside the naive app. */
export const flowsGroup: BenchGroup = {
  name: 'flows',
  description:
    'media_recover_ms[handoff], media_recover_ms[TURN restart], rejoin_same_identity_ms and peer connections per 60 s outage, holdfast vs a naive simple-peer + socket.io app',
  async run(options: GroupOptions) {
    const outageCount = Math.max(1, Math.min(3, Math.ceil(options.trials / 5)));
    options.log('holdfast');
    const hf = await measureSubject(holdfastSubject, 'holdfast', options, outageCount);
    options.log('naive app');
    // Half the trials for the baseline (at least 3), as the media group does.
    const naiveOptions = { ...options, trials: Math.max(3, Math.ceil(options.trials / 2)) };
    const naive = await measureSubject(naiveSubject, 'naive', naiveOptions, 1);
    return [
      ...metric(
        'media_recover_ms[handoff]',
        "B's address changes mid-call (Wi-Fi → cellular: the old address deleted, a new one of the same /24 added in B's namespace) → video back at each end.",
        { stat: 'p95', max: 1500 },
        hf.handoff,
        naive.handoff,
        `Host candidates (no TURN). A new pair (new browsers) per trial, so every handoff is the browser's first: ` +
          'Chromium hands a new address to WebRTC about 1.55 s after the change the first time, about 0.55 s on ' +
          'later ones (its Linux network-change debounce: 1.5 s until it has announced a change once, 0.5 s after; see ' +
          `docs/decisions/0021-handoff-address-probe.md), so no page recovers sooner. Bound ${RECOVER_BOUND_MS} ms, else "never".`,
      ),
      ...metric(
        'media_recover_ms[handoff again]',
        "As media_recover_ms[handoff], in browsers that have taken in a network change before: B's address changes once (not measured, both sides decoding again after), then again → video back at each end.",
        { stat: 'p95', max: 1500 },
        hf.handoffAgain,
        naive.handoffAgain,
        `Host candidates (no TURN). A new pair per trial. Bound ${RECOVER_BOUND_MS} ms, else "never".`,
      ),
      ...metric(
        'media_recover_ms[TURN restart]',
        'coturn SIGKILLed and started again on the same port (every allocation lost) → video back at each end.',
        { stat: 'p95', max: 4000 },
        hf.turn,
        naive.turn,
        `Relay-only ICE through coturn on the bridge address; the time includes coturn's own restart. Bound ${RECOVER_BOUND_MS} ms, else "never".`,
      ),
      ...metric(
        'rejoin_same_identity_ms',
        "B reloads its page (the same identity returns from a new page) → video back at each end (B's new page decodes A; A decodes B's new stream).",
        { stat: 'p95', max: 2000 },
        hf.rejoin,
        naive.rejoin,
        `Host candidates. The time includes the page load. Bound ${RECOVER_BOUND_MS} ms, else "never".`,
      ),
      ...metric(
        'peer_connections_per_outage',
        `B's link loses its carrier for ${OUTAGE_MS / 1000} s → peer connections each page created meanwhile (B cut off, A still online).`,
        { stat: 'p95', max: 10 },
        hf.outage,
        naive.outage,
        `Host candidates; holdfast's server on its defaults (grace 12 s). A new pair per trial, ${outageCount} trial(s) for holdfast and 1 for the baseline, two samples each (A, B).`,
        'peer connections',
      ),
    ];
  },
};
