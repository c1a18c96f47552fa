import { createSession, type Session } from '../../src/core';
import { ioSocketFactory } from '../../src/core/signaling/socket';
import { RedisProcess } from '../../test/support/redis-process';
import { ServerProcess } from '../../test/support/server-process';
import { delay, waitFor } from '../../test/support/wait';
import { fakeMediaPlaneFactory } from '../../test/unit/core/support/fake-media-plane';
import type { BenchGroup, GroupOptions } from '../lib/group';
import type { MetricResult, SubjectResult, Target } from '../lib/results';
import { type Sample, summarize } from '../lib/stats';

const SECRET = 'bench-cluster-secret-0123456789';
/** Participants of the call whose node is killed in each crash trial. */
const CALL_SIZE = 3;
/** Clients of the crash storm (issue #19: 1,000 on the killed node). */
const STORM = 1_000;
/** Sessions of the storm's clients (a call of 4 each). */
const STORM_CALL = 4;
/** A trial whose clients are not all back within this long counts as never. */
const BOUND_MS = 60_000;

const METHOD =
  'Two real node processes (`src/server/cli.ts --redis-url`, default options: lease 3 s renewed every 1 s, declared 3.5 s after the last renewal) on a real redis-server, and the client core (`createSession`, socket.io-client, media faked) in the bench process on the same 2 cores; tokens from any live node, as behind a load balancer. The node hosting the call is SIGKILLed; a client is back when its state is `connected` again after `rejoining`.';

function metric(name: string, description: string, result: SubjectResult, target?: Target): MetricResult {
  return {
    metric: name,
    group: 'cluster',
    unit: 'ms',
    description,
    ...(target ? { target } : {}),
    subjects: { holdfast: result },
    method: METHOD,
    measuredAt: new Date().toISOString(),
  };
}

/** Starts nodes `prefix-<i>` for each `i` of `which` and waits until each is ready and seen by the others. */
async function startNodes(redis: RedisProcess, prefix: string, which = [1, 2]): Promise<ServerProcess[]> {
  const nodes = await Promise.all(
    which.map((i) =>
      ServerProcess.start({
        secret: SECRET,
        redisUrl: redis.url,
        nodeId: `${prefix}-${i}`,
        logLevel: 'warn',
        startTimeoutMs: 90_000,
      }),
    ),
  );
  await waitFor(
    async () =>
      (await Promise.all(nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.ok)))).every(Boolean),
    { what: 'both nodes ready', timeoutMs: 30_000 },
  );
  await delay(1200);
  return nodes;
}

/** A client of `sessionId`; resolves once joined. Tracks whether it went through `rejoining`. */
async function client(
  nodes: ServerProcess[],
  sessionId: string,
  identity: string,
): Promise<{ session: Session; sessionId: string; backAt: () => number | null; rejoined: () => boolean }> {
  let rejoining = false;
  let backAt: number | null = null;
  const session = createSession(
    {
      serverUrl: nodes[0]?.url ?? '',
      sessionId,
      identity,
      getToken: async (id, { identity: who }) => {
        for (const node of nodes) {
          if (!node.running) continue;
          try {
            await node.createSession(id);
            return (await node.createToken(id, { identity: who })).token;
          } catch {
            // the next node
          }
        }
        throw new Error('no node gave a token');
      },
      reconnect: { attemptTimeoutMs: 5_000 },
    },
    { socketFactory: ioSocketFactory, mediaPlaneFactory: fakeMediaPlaneFactory().factory },
  );
  session.on('stateChanged', ({ state }) => {
    if (state.status === 'rejoining') rejoining = true;
    if (state.status === 'connected' && rejoining && backAt === null) backAt = Date.now();
  });
  await session.join();
  return { session, sessionId, backAt: () => backAt, rejoined: () => rejoining };
}

/** The node a token for `sessionId` names now. */
async function hostOf(nodes: ServerProcess[], sessionId: string): Promise<ServerProcess> {
  const token = await (nodes.find((n) => n.running) as ServerProcess).createToken(sessionId, {
    identity: `observer-${Date.now()}`,
  });
  const host = nodes.find((n) => n.url === token.url);
  if (!host) throw new Error(`token url ${token.url} names no node`);
  return host;
}

/** SIGKILLs the node hosting `sessionIds[0]` and times until every client (on it) is back. */
async function crashTrial(
  nodes: ServerProcess[],
  clients: Array<Awaited<ReturnType<typeof client>>>,
  sessionIds: string[],
): Promise<Sample> {
  const host = await hostOf(nodes, sessionIds[0] as string);
  const hosted = new Set<string>();
  for (const id of sessionIds) if ((await hostOf(nodes, id)) === host) hosted.add(id);
  const affected = clients.filter((c) => hosted.has(c.sessionId));
  const killedAt = Date.now();
  await host.kill('SIGKILL');
  try {
    await waitFor(() => affected.every((c) => c.backAt() !== null), {
      timeoutMs: BOUND_MS,
      intervalMs: 50,
      what: 'every client back',
    });
  } catch {
    return null;
  } finally {
    await host.restart();
  }
  return Math.max(...affected.map((c) => (c.backAt() as number) - killedAt));
}

export const clusterGroup: BenchGroup = {
  name: 'cluster',
  description:
    'Issue #19: a node of a two-node Redis cluster SIGKILLed under a call (crash_to_rejoined_ms) and under 1,000 clients all on the killed node (crash_storm_rejoined_ms).',
  async run({ trials, log }: GroupOptions): Promise<MetricResult[]> {
    const redis = await RedisProcess.start();
    const results: MetricResult[] = [];
    try {
      const samples: Sample[] = [];
      for (let trial = 1; trial <= trials; trial += 1) {
        const nodes = await startNodes(redis, `crash${trial}`);
        const sessionId = `call-${trial}`;
        const clients = [];
        try {
          for (let i = 0; i < CALL_SIZE; i += 1) clients.push(await client(nodes, sessionId, `p${i}`));
          await delay(500);
          const sample = await crashTrial(nodes, clients, [sessionId]);
          samples.push(sample);
          log(`crash trial ${trial}: ${sample === null ? 'never' : `${sample} ms`}`);
        } finally {
          for (const c of clients) c.session.destroy();
          await Promise.all(nodes.map((n) => n.stop()));
        }
      }
      results.push(
        metric(
          'crash_to_rejoined_ms',
          `A call of ${CALL_SIZE} on node 1 of 2; node 1 SIGKILLed: time from the kill until every client is connected again on the survivor (same session id, fresh token).`,
          summarize(samples),
          { stat: 'p95', max: 5000 },
        ),
      );

      const stormTrials = Math.min(trials, 2);
      const stormSamples: Sample[] = [];
      for (let trial = 1; trial <= stormTrials; trial += 1) {
        // Every storm client on node 1: node 2 joins the cluster only once they are all in (a node added
        // by scale-out), then node 1 is killed and its 1,000 clients rejoin on node 2.
        const nodes = await startNodes(redis, `storm${trial}`, [1]);
        const clients: Array<Awaited<ReturnType<typeof client>>> = [];
        const sessionIds: string[] = [];
        try {
          // Clients arrive at about 100 joins per second (people do not arrive at once).
          for (let i = 0; i < STORM; i += STORM_CALL) {
            const sessionId = `storm-${trial}-${i / STORM_CALL}`;
            sessionIds.push(sessionId);
            const joined = await Promise.all(
              Array.from({ length: STORM_CALL }, (_, k) => client(nodes, sessionId, `s${i + k}`)),
            );
            clients.push(...joined);
            await delay(STORM_CALL * 10);
          }
          nodes.push(...(await startNodes(redis, `storm${trial}`, [2])));
          await delay(2_000);
          const sample = await crashTrial(nodes, clients, sessionIds);
          stormSamples.push(sample);
          log(
            `storm trial ${trial}: ${sample === null ? 'never' : `${sample} ms`} (${clients.length} clients on the killed node)`,
          );
        } finally {
          for (const c of clients) c.session.destroy();
          await Promise.all(nodes.map((n) => n.stop()));
        }
      }
      results.push(
        metric(
          'crash_storm_rejoined_ms',
          `${STORM} clients in calls of ${STORM_CALL}, all on node 1 (node 2 joins the cluster after them); node 1 is SIGKILLed: time from the kill until every client is connected again on node 2.`,
          summarize(stormSamples),
          { stat: 'p95', max: 10_000 },
        ),
      );
    } finally {
      await redis.stop();
    }
    return results;
  },
};
