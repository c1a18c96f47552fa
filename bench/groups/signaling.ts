import { DEFAULT_SOCKET_PATH } from '../../src/protocol';
import { closeChromium, launchChromium } from '../../test/support/chromium';
import { buildFixture } from '../../test/support/fixture-build';
import { startPageServer } from '../../test/support/page-server';
import { Participant } from '../../test/support/participant';
import { ServerProcess } from '../../test/support/server-process';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { delay } from '../../test/support/wait';
import type { BenchGroup, GroupOptions } from '../lib/group';
import type { MetricResult } from '../lib/results';
import { type Sample, summarize } from '../lib/stats';
import { baselineVersion, type DropTrial, runBaselineTrials } from './signaling-baseline';

/** How long each drop lasts: an S1 drop, well inside the server's 12 s grace. */
export const DROP_MS = 5_000;
/** A loss not noticed within this long counts as never noticed. */
export const DETECT_BOUND_MS = 15_000;
/** A recovery not seen within this long after restore counts as never. */
export const RECOVER_BOUND_MS = 30_000;

const SESSION_ID = 'bench-signaling';

/** Drop trials of holdfast in real Chromium: blackhole → `reconnecting`, restore → `reconnected`. */
async function runHoldfastTrials(server: ServerProcess, { trials, log }: GroupOptions): Promise<DropTrial[]> {
  const pages = await startPageServer(await buildFixture());
  const proxy = await TcpProxy.start({ port: server.port });
  const browser = await launchChromium({ fakeMedia: false });
  const results: DropTrial[] = [];
  try {
    await server.createSession(SESSION_ID);
    const a = await Participant.open(browser, {
      name: 'A',
      pageUrl: pages.url,
      getToken: async (sessionId, { identity }) => (await server.createToken(sessionId, { identity })).token,
    });
    await a.create({ serverUrl: proxy.url, sessionId: SESSION_ID });
    const connectionId = await a.joinOk();
    for (let trial = 1; trial <= trials; trial += 1) {
      const from = await a.nextIndex();
      const t0 = Date.now();
      proxy.blackhole();
      const lost = await a
        .waitForEvent('reconnecting', { fromIndex: from, timeoutMs: DETECT_BOUND_MS })
        .catch(() => null);
      await delay(Math.max(0, t0 + DROP_MS - Date.now()));
      const t1 = Date.now();
      proxy.restore();
      const back = await a
        .waitForEvent('reconnected', { fromIndex: from, timeoutMs: RECOVER_BOUND_MS })
        .catch(() => null);
      const detectMs = lost ? lost.at - t0 : null;
      const recoverMs = back ? back.at - t1 : null;
      results.push({ detectMs, recoverMs });
      log(`holdfast trial ${trial}: detect ${detectMs ?? 'never'} ms, recover ${recoverMs ?? 'never'} ms`);
      if (!back || back.data.connectionId !== connectionId) {
        throw new Error(
          `holdfast did not resume connection ${connectionId} (state ${JSON.stringify(await a.state())})`,
        );
      }
      await delay(500);
    }
  } finally {
    await closeChromium(browser);
    await proxy.close();
    await pages.close();
  }
  return results;
}

function metric(
  name: string,
  description: string,
  target: number,
  holdfast: Sample[],
  baseline: Sample[],
): MetricResult {
  return {
    metric: name,
    group: 'signaling',
    unit: 'ms',
    description,
    target: { stat: 'p95', max: target },
    subjects: { holdfast: summarize(holdfast), 'socket.io-client (defaults)': summarize(baseline) },
    method:
      `Real holdfast server process (ping 1000/1500 ms, grace 12 s); each participant behind its own TCP proxy; ` +
      `${DROP_MS} ms blackhole per trial (no FIN, no RST; connection attempts during it are held and proceed on ` +
      `restore). holdfast runs in headless Chromium (event time in the page, same clock as the proxy); the ` +
      `baseline is socket.io-client ${baselineVersion} in Node with default options (only \`path\` and \`transports: ['websocket']\` set: the server accepts ` +
      `nothing else), joining the session on every \`connect\`; detect = its \`disconnect\`, recover = its ` +
      `reconnect and join answered. The baseline comes back as a NEW connection (the server replaces the old one ` +
      `by identity): what it wrote into the dead socket before noticing the loss is lost, and the others see it ` +
      `replaced; holdfast resumes the same connection and loses nothing. Both detect through the holdfast server's ` +
      `engine.io ping (1000/1500 ms); against a socket.io server on its defaults (25 s/20 s) the baseline would ` +
      `need up to 45 s. Bounds: detect ${DETECT_BOUND_MS} ms, ` +
      `recover ${RECOVER_BOUND_MS} ms, else "never".`,
    measuredAt: new Date().toISOString(),
  };
}

/** The signaling group: `signaling_detect_ms` and `signaling_recover_ms`, holdfast vs plain socket.io-client. */
export const signalingGroup: BenchGroup = {
  name: 'signaling',
  description: 'signaling_detect_ms and signaling_recover_ms on a blackholed signaling path',
  async run(options) {
    const server = await ServerProcess.start({ logLevel: 'warn' });
    try {
      const holdfast = await runHoldfastTrials(server, options);
      const baseline = await runBaselineTrials(server, SESSION_ID, DEFAULT_SOCKET_PATH, options, {
        dropMs: DROP_MS,
        detectBoundMs: DETECT_BOUND_MS,
        recoverBoundMs: RECOVER_BOUND_MS,
      });
      return [
        metric(
          'signaling_detect_ms',
          'Signaling blackholed → the client reports the loss (`reconnecting`).',
          3000,
          holdfast.map((t) => t.detectMs),
          baseline.map((t) => t.detectMs),
        ),
        metric(
          'signaling_recover_ms',
          'Blackhole lifted → the client is back in the session (`reconnected`, same connection id).',
          500,
          holdfast.map((t) => t.recoverMs),
          baseline.map((t) => t.recoverMs),
        ),
      ];
    } finally {
      await server.stop();
    }
  },
};
