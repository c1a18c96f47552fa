import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { ServerProcess } from '../../test/support/server-process';
import { delay } from '../../test/support/wait';
import type { BenchGroup, GroupOptions } from '../lib/group';
import type { MetricResult, SubjectResult, Target } from '../lib/results';
import { type Sample, summarize } from '../lib/stats';
import { Fleet } from '../server-load/fleet';
import type { Recovery } from '../server-load/load-client';
import { cpuPercent, rssMb, scrapeCounter } from '../server-load/server-probe';

/** Worker processes driving the clients (this machine has 2 cores; more would only contend). */
const WORKERS = 4;
const HELD = [1_000, 5_000, 10_000];
const RESUME_STORMS = [5_000, 10_000];
const RESTART_STORM = 5_000;
/** How long clients settle after joining before a measurement or a storm. */
const SETTLE_MS = 5_000;
/** A client not back within this long after a storm began counts as never back. */
const STORM_BOUND_MS = 120_000;
const RTT_ROUNDS = 300;
/** Clients arrive at this many joins per second before a measurement (as people do, not at once). */
const JOIN_RAMP_PER_SEC = 100;

/**
 * The cases to run, from `HOLDFAST_BENCH_SERVER_CASES` (comma-separated: held1k, held5k, held10k,
 * rtt, resume5k, resume10k, restart5k); all when unset. Iterating on one storm need not wait for the rest.
 */
function selectedCases(): (name: string) => boolean {
  const list = process.env.HOLDFAST_BENCH_SERVER_CASES?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return (name) => !list || list.length === 0 || list.includes(name);
}

/**
 * Node flags for the server process, from `HOLDFAST_BENCH_SERVER_NODE_ARGS` (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server through the storms.
 */
function serverNodeArgs(): string[] {
  return process.env.HOLDFAST_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

/** More server CLI flags from `HOLDFAST_BENCH_SERVER_ARGS` (e.g. `--max-pending-handshakes 2000`), to compare settings. */
function serverArgs(): string[] {
  return process.env.HOLDFAST_BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [];
}

/**
 * Whether the server gets a core of its own and the client workers the rest (`taskset`), as when the
 * clients run on other machines: `HOLDFAST_BENCH_PIN=1` (needs two cores). Off by default: the
 * workers then have one core for every client, and the results so far are lower, not higher (10k resume
 * storm: 2,218 back pinned, 2,816 not).
 */
const PIN = process.env.HOLDFAST_BENCH_PIN === '1' && availableParallelism() >= 2;

/** Binds every thread of process `pid` to `cpus` (a taskset list such as `0` or `1-3`). */
function pin(pid: number, cpus: string): void {
  if (PIN) execFileSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' });
}

/** The server's core, and the workers' cores. */
const SERVER_CPUS = '0';
const WORKER_CPUS = `1-${availableParallelism() - 1}`;

const METHOD =
  'A real server process (`src/server/cli.ts`, default options: grace 12 s, ping 1 s / 1.5 s, admission 400/s, handshakes past 500 sockets not yet joined refused with a retry slot, no eviction while 200 or more members are in grace; log level warn; run with `node --import tsx`, so a restart includes compiling the TypeScript) on this machine, and headless protocol clients (socket.io-client) in 4 worker processes' +
  (PIN
    ? `, the server alone on core ${SERVER_CPUS} and the workers on cores ${WORKER_CPUS} (taskset: as when clients run on other machines)`
    : ' on the same cores as the server') +
  ", two clients per session, following the client core's policy (each attempt, connect and answer, bounded at 3 s as a whole; its backoff; `retryAfterMs` honoured; give-up 22 s after the loss, or for a resume as long as the server may hold the place (`timing.holdMs`, 42 s), moved past each retry slot; re-join with a REST token after a node restart).";

function metric(
  name: string,
  unit: MetricResult['unit'],
  description: string,
  result: SubjectResult,
  target?: Target,
): MetricResult {
  return {
    metric: name,
    group: 'server',
    unit,
    description,
    ...(target ? { target } : {}),
    subjects: { holdfast: result },
    method: METHOD,
    measuredAt: new Date().toISOString(),
  };
}

/** Time from `t0` until the last client was back, or null when one did not come back as `ok`. */
function allBack(results: (Recovery | null)[], t0: number, ok: Recovery['outcome'][]): Sample {
  if (results.some((r) => r === null || !ok.includes(r.outcome))) return null;
  return Math.max(...results.map((r) => (r as Recovery).at)) - t0;
}

/**
 * For the log: when the last of the clients that were in the call before the storm came back (clients
 * that never joined count as `notLost`, which makes `allBack` say never even when every member is back).
 */
function lastOfThoseIn(results: (Recovery | null)[], t0: number, ok: Recovery['outcome']): string {
  const lost = results.filter((r): r is Recovery => r !== null && r.lastFailure !== 'never joined');
  const back = lost.filter((r) => r.outcome === ok);
  if (lost.length === 0) return 'no member lost its socket';
  const last = back.length ? `${Math.max(...back.map((r) => r.at)) - t0} ms` : 'never';
  return `${back.length} of the ${lost.length} members back, the last after ${last}`;
}

/** A note for a storm metric whose clients did not all join before it (their storm was smaller). */
function inCall(joined: number, count: number): string {
  return joined < count
    ? ` In this run only ${joined} of the ${count} clients had joined before the storm.`
    : '';
}

function tally(results: (Recovery | null)[]): string {
  const counts = new Map<string, number>();
  for (const r of results)
    counts.set(r?.outcome ?? 'notLost', (counts.get(r?.outcome ?? 'notLost') ?? 0) + 1);
  const overloaded = results.reduce((sum, r) => sum + (r?.overloaded ?? 0), 0);
  const why = new Map<string, number>();
  for (const r of results) if (r?.lastFailure) why.set(r.lastFailure, (why.get(r.lastFailure) ?? 0) + 1);
  const failures = [...why].map(([k, v]) => `${k} × ${v}`).join('; ');
  return `${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; OVERLOADED answers ${overloaded}${failures ? `; last failures: ${failures}` : ''}`;
}

async function freshFleet(
  server: ServerProcess,
  fleet: Fleet,
  count: number,
  tag: string,
  log: GroupOptions['log'],
) {
  await fleet.closeClients();
  await server.restart();
  pin(server.pid, SERVER_CPUS);
  const target = { url: server.url, secret: server.secret };
  const t0 = Date.now();
  const joined = await fleet.join(target, count, tag, JOIN_RAMP_PER_SEC);
  log(`${count} joined in ${Date.now() - t0} ms (${tally(joined)})`);
  await delay(SETTLE_MS);
  return { target, joined: joined.filter((r) => r.outcome === 'joined').length };
}

async function run({ trials, log }: GroupOptions): Promise<MetricResult[]> {
  const out: MetricResult[] = [];
  const wanted = selectedCases();
  const server = await ServerProcess.start({
    logLevel: 'warn',
    nodeArgs: serverNodeArgs(),
    extraArgs: serverArgs(),
  });
  pin(server.pid, SERVER_CPUS);
  const fleet = Fleet.start(WORKERS);
  for (const pid of fleet.pids) pin(pid, WORKER_CPUS);
  const stormTrials = Math.min(trials, 2);
  try {
    for (const count of HELD) {
      if (!wanted(`held${count / 1000}k`)) continue;
      const { joined } = await freshFleet(server, fleet, count, `held${count}`, log);
      const held =
        joined === count
          ? `all ${count} clients joined`
          : `${joined} of ${count} clients joined (the rest gave up joining)`;
      const cpu = await cpuPercent(server.pid, 10_000);
      const rss = rssMb(server.pid);
      log(`held ${count}: server RSS ${rss} MB, CPU ${cpu}% of a core`);
      const k = `${count / 1000}k`;
      out.push(
        metric(
          `server: ${k} connections held, RSS`,
          'MB',
          `Server resident memory with clients idle (heartbeats only): ${held}.`,
          { value: rss },
        ),
        metric(
          `server: ${k} connections held, CPU`,
          '% of a core',
          `Server CPU over 10 s with clients idle (heartbeats only): ${held}.`,
          { value: cpu },
        ),
      );
    }

    if (wanted('rtt')) {
      const { target: rttTarget } = await freshFleet(server, fleet, 0, 'rtt', log);
      const rtt = await fleet.rtt(rttTarget, { rounds: RTT_ROUNDS, senders: 3, roundBoundMs: 5_000 });
      const rttSummary = summarize(rtt);
      log(`relay RTT p50 ${rttSummary.p50} ms, p99 ${rttSummary.p99} ms (${rttSummary.never} never)`);
      out.push(
        metric(
          'server: relay round trip beside 3 max-size senders',
          'ms',
          `App-signal round trip of a healthy pair (A → server → B → server → A), ${RTT_ROUNDS} rounds 20 ms apart, while 3 clients each keep 8 max-size (64 KB) signals in flight to a fourth.`,
          rttSummary,
          { stat: 'p99', max: 20 },
        ),
      );
    }

    for (const count of RESUME_STORMS) {
      if (!wanted(`resume${count / 1000}k`)) continue;
      const samples: Sample[] = [];
      let evictions = 0;
      let fewestIn = count;
      for (let trial = 1; trial <= stormTrials; trial += 1) {
        const { joined } = await freshFleet(server, fleet, count, `storm${count}t${trial}`, log);
        fewestIn = Math.min(fewestIn, joined);
        const before = await scrapeCounter(server, 'holdfast_evictions_total');
        const t0 = Date.now();
        const results = await fleet.drop();
        const back = allBack(results, t0, ['resumed']);
        samples.push(back !== null && back <= STORM_BOUND_MS ? back : null);
        const evicted = (await scrapeCounter(server, 'holdfast_evictions_total')) - before;
        evictions = Math.max(evictions, evicted);
        log(
          `resume storm ${count} trial ${trial}: all back ${back ?? 'never'} ms, evictions ${evicted}; ${lastOfThoseIn(results, t0, 'resumed')} (${tally(results)})`,
        );
      }
      const k = `${count / 1000}k`;
      out.push(
        metric(
          `server: resume storm ${k}, all back`,
          'ms',
          `${count} clients cut their transport at once and resume: time until the last one is back (never: one was evicted or gave up, or never joined).${inCall(fewestIn, count)}`,
          summarize(samples),
          count === 10_000 ? { stat: 'p95', max: 20_000 } : undefined,
        ),
        metric(
          `server: resume storm ${k}, evictions`,
          'clients',
          `Evictions the server counted during the ${count}-client resume storm (most in any trial).${inCall(fewestIn, count)}`,
          { value: evictions },
          { stat: 'value', max: 0 },
        ),
      );
    }

    const samples: Sample[] = [];
    let fewestRejoining = RESTART_STORM;
    const restartTrials = wanted(`restart${RESTART_STORM / 1000}k`) ? stormTrials : 0;
    for (let trial = 1; trial <= restartTrials; trial += 1) {
      const { joined } = await freshFleet(server, fleet, RESTART_STORM, `restart${trial}`, log);
      fewestRejoining = Math.min(fewestRejoining, joined);
      const watching = fleet.watch(30_000);
      const t0 = Date.now();
      await server.kill('SIGKILL');
      await server.restart();
      pin(server.pid, SERVER_CPUS);
      log(`server restarted in ${Date.now() - t0} ms`);
      const results = await watching;
      const back = allBack(results, t0, ['rejoined']);
      samples.push(back !== null && back <= STORM_BOUND_MS ? back : null);
      log(
        `restart storm ${RESTART_STORM} trial ${trial}: all back ${back ?? 'never'} ms; ${lastOfThoseIn(results, t0, 'rejoined')} (${tally(results)})`,
      );
    }
    if (restartTrials > 0)
      out.push(
        metric(
          'server: restart storm 5k, all rejoined',
          'ms',
          `${RESTART_STORM} clients; the server is SIGKILLed and restarted on the same port: time from the kill until the last client re-joined (REST token, then join).${inCall(fewestRejoining, RESTART_STORM)}`,
          summarize(samples),
          { stat: 'p95', max: 15_000 },
        ),
      );
  } finally {
    fleet.stop();
    await server.stop();
  }
  return out;
}

/** The server under load: connections held, relay latency beside heavy senders, resume and restart storms. */
export const serverGroup: BenchGroup = {
  name: 'server',
  description: 'signaling server under load: 1k/5k/10k connections, relay RTT, resume and restart storms',
  run,
};
