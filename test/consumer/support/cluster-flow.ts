import type { ServerProcess } from '../../support/server-process';
import { delay, waitFor } from '../../support/wait';
import type { ConsumerPage } from './consumer-page';
import { framesRise, type NsCall, type NsParty } from './netns-call';

/** The connection id on the page's status line (`connected <id>`), or null while not connected. */
export async function connectionIdOf(page: ConsumerPage): Promise<string | null> {
  const [status, id] = (await page.status()).split(' ');
  return status === 'connected' && id ? id : null;
}

/** Alice, Bob and Carol in a fresh session, each in a namespace of its own; resolves once every page decodes both others. */
export async function threeParty(call: NsCall, label: string): Promise<NsParty[]> {
  const session = `${label}-${Date.now().toString(36)}`;
  const people: NsParty[] = [];
  for (const name of ['alice', 'bob', 'carol']) people.push(await call.join(name, { session }));
  for (const self of people) {
    for (const other of people) {
      if (other === self) continue;
      await self.page.page
        .getByRole('figure', { name: `Video of ${other.identity}`, exact: true })
        .waitFor({ state: 'visible', timeout: 30_000 });
    }
  }
  for (const self of people)
    await framesRise(self.page, { withinMs: 20_000, what: `${label}: ${self.name} decodes` });
  return people;
}

/** The node hosting `session` now (the node a token for it names, asked of a running node). */
export async function hostOf(call: NsCall, session: string): Promise<ServerProcess> {
  const asked = call.nodes.find((node) => node.running) ?? call.server;
  const token = await asked.createToken(session, { identity: `observer-${Date.now()}` });
  const host = call.nodes.find((node) => node.url === token.url);
  if (!host) throw new Error(`token url ${token.url} names no node`);
  return host;
}

/** How media went through a fault at one page, per link (each remote on its own peer connection). */
export interface PageContinuity {
  name: string;
  /** The ticker's largest gap between decoded frames of any link, and when it began (epoch ms). */
  gap: { gapMs: number; at: number; connections: number };
  /** The decoder's own freeze total (WebRTC `totalFreezesDuration`) over the fault, largest link. */
  frozen: { frozenMs: number; connections: number };
  /** The same freeze measure over the quiet baseline before the fault. */
  baseline: { frozenMs: number; connections: number };
  /** The ticker's largest gap over that baseline (what the machine alone does to the measure). */
  baselineGap: { gapMs: number; at: number; connections: number };
}

/** A three-party call under a node fault: what was seen before and during it. */
export interface ClusterFault {
  people: NsParty[];
  /** The node that hosted the call. */
  host: ServerProcess;
  /** Connection ids and peer connections created per page before the fault. */
  before: Array<string | null>;
  created: number[];
  /** Start of the quiet baseline (epoch ms) and the fault's moment. */
  baselineFrom: number;
  at: number;
}

/**
 * A fresh three-party call, its host found, the frame ticker started on every page and 6.5 s of quiet
 * baseline recorded; then `fault(host)` runs and its moment is returned with what was seen before.
 */
export async function underClusterFault(
  call: NsCall,
  label: string,
  fault: (host: ServerProcess) => Promise<void>,
): Promise<ClusterFault> {
  const people = await threeParty(call, label);
  const host = await hostOf(call, people[0]?.options.session as string);
  const before = await Promise.all(people.map((p) => connectionIdOf(p.page)));
  for (const p of people) await p.page.startFrameTicker();
  const created = await Promise.all(people.map(async (p) => (await p.page.counts()).peerConnectionsCreated));
  const baselineFrom = Date.now() + 500;
  await delay(6500);
  const at = Date.now();
  await fault(host);
  return { people, host, before, created, baselineFrom, at };
}

/** Waits until every page of `fault` is connected under a new connection id (a rejoin); the time it took. */
export async function everyoneRejoined(fault: ClusterFault, timeoutMs = 30_000): Promise<number> {
  for (const [i, p] of fault.people.entries()) {
    await waitFor(
      async () => {
        const id = await connectionIdOf(p.page);
        return id !== null && id !== fault.before[i];
      },
      { timeoutMs, intervalMs: 100, what: `${p.name} rejoined (a new connection id)` },
    );
  }
  return Date.now() - fault.at;
}

/** Per page: the largest frame gap and decoder freeze from 500 ms before the fault until now, and the baseline's. */
export async function continuityOf(fault: ClusterFault): Promise<PageContinuity[]> {
  const from = fault.at - 500;
  const to = Date.now();
  return Promise.all(
    fault.people.map(async (p) => ({
      name: p.name,
      gap: await p.page.largestFrameGapPerConnection(from, to),
      frozen: await p.page.frozenMsPerConnection(from, to),
      baseline: await p.page.frozenMsPerConnection(fault.baselineFrom, from),
      baselineGap: await p.page.largestFrameGapPerConnection(fault.baselineFrom, from),
    })),
  );
}

/** One line per fault: each page's largest gap (and when), freeze and baseline freeze. */
export function describeContinuity(fault: ClusterFault, pages: PageContinuity[]): string {
  const from = fault.at - 500;
  return pages
    .map(
      (p) =>
        `${p.name} largest gap ${p.gap.gapMs} ms at +${p.gap.at - from - 500} ms, frozen ${p.frozen.frozenMs} ms (baseline over ${from - fault.baselineFrom} ms: largest gap ${p.baselineGap.gapMs} ms, frozen ${p.baseline.frozenMs} ms)`,
    )
    .join('; ');
}
