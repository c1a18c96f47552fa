import { describe, expect, it } from 'vitest';
import {
  FRESH_LINK_MEMORY,
  flowsSince,
  type LinkAction,
  type LinkFacts,
  type LinkMemory,
  type LinkObservation,
  type LinkObservationType,
} from '../../../src/core/media/link-facts';
import {
  decide,
  HEALED_SETTLE_MS,
  HELD_AFTER_HEAL_MS,
  MAX_FRUITLESS_REPAIRS,
  PATH_OK_AGREE_MS,
  QUICK_RECONNECT_MS,
  repairHold,
  STALLED_FRAMES,
  UNANSWERED_AFTER_MS,
  UNANSWERED_HOLD_MS,
} from '../../../src/core/media/link-policy';
import type { StreamHealth } from '../../../src/core/media/types';

/** Fake time: every row is judged at this instant. */
const NOW = 1_000_000;
const NEVER = Number.NEGATIVE_INFINITY;
const FROZEN_AFTER = 1500;
const INTERVAL = 500;

type FactsPatch = Partial<Omit<LinkFacts, 'memory' | 'pending'>> & {
  memory?: Partial<LinkMemory>;
  pending?: Partial<LinkFacts['pending']>;
};

/** An offering side on a working link whose stream is live, changed by `patch`. */
function facts(patch: FactsPatch = {}): LinkFacts {
  const { memory, pending, ...rest } = patch;
  return {
    now: NOW,
    offerer: true,
    gen: 3,
    transport: 'connected',
    peerAlive: true,
    everConnected: true,
    health: 'live',
    rising: false,
    lastRiseAt: NOW - 100,
    expectsMedia: true,
    expectsTraffic: true,
    repairing: false,
    remoteRepairSince: null,
    repairedAt: NEVER,
    peerBuiltAt: NOW - 60_000,
    remoteIncarnationKnown: true,
    remoteHeardAt: NOW - 59_000,
    ownPathDown: false,
    transportMovedAt: NOW - 100,
    connectedAt: NOW - 60_000,
    frozenAfterMs: FROZEN_AFTER,
    statsIntervalMs: INTERVAL,
    ...rest,
    // The rise was counted from the reading one interval before it, unless the row says otherwise.
    lastRiseFromAt: rest.lastRiseFromAt ?? (rest.lastRiseAt ?? NOW - 100) - INTERVAL,
    pending: { flowCheck: false, pathBack: false, departure: false, ...pending },
    memory: { ...FRESH_LINK_MEMORY, ...memory },
  };
}

const answerer = (patch: FactsPatch = {}) => facts({ offerer: false, ...patch });

interface Row {
  rule: string;
  facts: LinkFacts;
  observation: LinkObservation;
  actions: LinkAction[];
  remember?: Partial<LinkMemory>;
}

const REPAIR: LinkAction = { type: 'repair' };
const RENEW: LinkAction = { type: 'repair', renew: true };
const SUSPECT: LinkAction = { type: 'suspect' };
const FROZEN: LinkAction = { type: 'reportFrozen' };

/** The observations some row judges. */
const judged = new Set<LinkObservationType>();

/** Rows of (facts, observation) → actions and memory; the health shown is always the detector's. */
function check(rows: Row[]): void {
  for (const row of rows) judged.add(row.observation.type);
  it.each(rows.map((row) => [row.rule, row] as const))('%s', (_rule, row) => {
    const decision = decide(row.facts, row.observation);
    expect(decision.health).toBe(row.facts.health);
    expect(decision.actions).toEqual(row.actions);
    expect(decision.remember).toEqual(row.remember);
  });
}

describe('link policy: transport', () => {
  check([
    {
      rule: 'a fresh peer forgets silence, the last heal and a pending stall repair',
      facts: facts({ memory: { silentSince: NOW - 10, healedAt: NOW - 10, frozenRepairAt: NOW + 10 } }),
      observation: { type: 'peerBuilt' },
      actions: [],
      remember: { silentSince: null, healedAt: NEVER, frozenRepairAt: null },
    },
    {
      rule: 'back by itself after an outage: healed now, video restarts with a key frame',
      facts: facts(),
      observation: { type: 'transportChanged', before: 'disconnected' },
      actions: [{ type: 'refreshVideo' }],
      remember: { healedAt: NOW },
    },
    {
      rule: 'back during this side’s repair: not a heal, video still restarts',
      facts: facts({ repairing: true }),
      observation: { type: 'transportChanged', before: 'disconnected' },
      actions: [{ type: 'refreshVideo' }],
    },
    {
      rule: 'back during the offerer’s repair: not a heal',
      facts: answerer({ remoteRepairSince: NOW - 1000 }),
      observation: { type: 'transportChanged', before: 'connecting' },
      actions: [{ type: 'refreshVideo' }],
    },
    {
      rule: 'connected for the first time: nothing to restart',
      facts: facts({ everConnected: false }),
      observation: { type: 'transportChanged', before: 'connecting' },
      actions: [],
    },
    {
      rule: 'down from connected: video pauses and this page’s path is watched',
      facts: facts({ transport: 'disconnected' }),
      observation: { type: 'transportChanged', before: 'connected' },
      actions: [{ type: 'pauseVideo' }, SUSPECT],
    },
    {
      rule: 'failed after disconnected: already paused, the path still watched',
      facts: facts({ transport: 'failed' }),
      observation: { type: 'transportChanged', before: 'disconnected' },
      actions: [SUSPECT],
    },
    {
      rule: 'back while the stream is still frozen: the path stays watched, a repair is due after one more frozen period',
      facts: facts({ health: 'frozen' }),
      observation: { type: 'transportChanged', before: 'disconnected' },
      actions: [{ type: 'refreshVideo' }, SUSPECT],
      remember: { healedAt: NOW, frozenRepairAt: NOW + FROZEN_AFTER },
    },
    {
      rule: 'the ICE watchdog: failed, or disconnected past its timeout → repair',
      facts: facts({ transport: 'disconnected' }),
      observation: { type: 'transportBroken', cause: 'disconnected' },
      actions: [REPAIR],
    },
    {
      rule: 'peer died: watch the path, give the other side a moment (it may be leaving)',
      facts: facts({ transport: 'closed', peerAlive: false }),
      observation: { type: 'peerDied', iceFailed: false },
      actions: [SUSPECT, { type: 'awaitDeparture' }],
    },
    {
      rule: 'peer died after ICE failed: the watchdog already asked for a repair',
      facts: facts({ transport: 'closed', peerAlive: false }),
      observation: { type: 'peerDied', iceFailed: true },
      actions: [SUSPECT],
    },
    {
      rule: 'peer died while a departure wait runs: no second wait',
      facts: facts({ transport: 'closed', peerAlive: false, pending: { departure: true } }),
      observation: { type: 'peerDied', iceFailed: false },
      actions: [SUSPECT],
    },
    {
      rule: 'departure wait over, still no peer → repair',
      facts: facts({ transport: 'closed', peerAlive: false }),
      observation: { type: 'departureWaitOver' },
      actions: [REPAIR],
    },
    {
      rule: 'departure wait over, a peer meanwhile → nothing',
      facts: facts(),
      observation: { type: 'departureWaitOver' },
      actions: [],
    },
  ]);
});

describe('link policy: evidence of a network change', () => {
  const restored = (downtimeMs: number, force = false): LinkObservation => ({
    type: 'signalingRestored',
    force,
    downtimeMs,
  });
  check([
    {
      rule: 'signaling back, forced → fresh peer',
      facts: facts(),
      observation: restored(9000, true),
      actions: [RENEW],
    },
    {
      rule: 'signaling back, link down meanwhile → fresh peer at once',
      facts: facts({ transport: 'disconnected' }),
      observation: restored(9000),
      actions: [RENEW],
    },
    {
      rule: 'signaling back, answering side, link down → asks for a fresh peer (via the repair)',
      facts: answerer({ transport: 'failed' }),
      observation: restored(9000),
      actions: [RENEW],
    },
    {
      rule: 'signaling back from another address (a handoff), link connected → flow check, a handoff’s',
      facts: facts(),
      observation: { type: 'signalingRestored', force: false, downtimeMs: 60, addressChanged: true },
      actions: [{ type: 'checkFlow', why: 'signaling back from another address' }],
      remember: { handoffCheck: true },
    },
    {
      rule: 'signaling back from another address while a flow check runs (the browser’s online came first) → that check decides, a handoff’s',
      facts: facts({ pending: { flowCheck: true } }),
      observation: { type: 'signalingRestored', force: false, downtimeMs: 60, addressChanged: true },
      actions: [],
      remember: { handoffCheck: true },
    },
    {
      rule: 'signaling back from another address, link down → fresh peer at once',
      facts: facts({ transport: 'disconnected' }),
      observation: { type: 'signalingRestored', force: false, downtimeMs: 60, addressChanged: true },
      actions: [RENEW],
    },
    {
      rule: 'signaling back from another address, stream frozen → fresh peer at once',
      facts: facts({ health: 'frozen' }),
      observation: { type: 'signalingRestored', force: false, downtimeMs: 60, addressChanged: true },
      actions: [RENEW],
    },
    {
      rule: 'signaling back from another address, answering side, still connecting → asks for a fresh peer at once',
      facts: answerer({ transport: 'connecting' }),
      observation: { type: 'signalingRestored', force: false, downtimeMs: 60, addressChanged: true },
      actions: [RENEW],
    },
    {
      rule: 'signaling back from another address, no media either way → nothing to check',
      facts: facts({ expectsMedia: false, expectsTraffic: false }),
      observation: { type: 'signalingRestored', force: false, downtimeMs: 60, addressChanged: true },
      actions: [],
    },
    {
      rule: 'signaling back, still connecting → repair',
      facts: facts({ transport: 'connecting' }),
      observation: restored(9000),
      actions: [REPAIR],
    },
    {
      rule: 'signaling back, stream frozen → repair',
      facts: facts({ health: 'frozen' }),
      observation: restored(9000),
      actions: [REPAIR],
    },
    {
      rule: 'signaling back, a repair running → nudge it',
      facts: facts({ repairing: true }),
      observation: restored(9000),
      actions: [REPAIR],
    },
    {
      rule: 'signaling back after a quick reconnect, healthy link → check its flow',
      facts: facts(),
      observation: restored(QUICK_RECONNECT_MS),
      actions: [{ type: 'checkFlow', why: 'signaling back' }],
    },
    {
      rule: 'signaling back after a longer outage, healthy link → left alone',
      facts: facts(),
      observation: restored(QUICK_RECONNECT_MS + 1),
      actions: [],
    },
    {
      rule: 'signaling back quickly, no media either way → nothing to check',
      facts: facts({ expectsMedia: false, expectsTraffic: false }),
      observation: restored(60),
      actions: [],
    },
    {
      rule: 'online → check the flow',
      facts: facts(),
      observation: { type: 'networkChanged', why: 'network changed' },
      actions: [{ type: 'checkFlow', why: 'network changed' }],
    },
    {
      rule: 'online while a flow check runs → no second check',
      facts: facts({ pending: { flowCheck: true } }),
      observation: { type: 'networkChanged', why: 'network changed' },
      actions: [],
    },
    {
      rule: 'online, link not connected → no flow check (the watchdog judges)',
      facts: facts({ transport: 'connecting' }),
      observation: { type: 'networkChanged', why: 'network changed' },
      actions: [],
    },
    {
      rule: 'online, no live peer → no flow check',
      facts: facts({ peerAlive: false }),
      observation: { type: 'networkChanged', why: 'network changed' },
      actions: [],
    },
    {
      rule: 'flow check: nothing received → repair',
      facts: facts(),
      observation: { type: 'flowChecked', moved: false },
      actions: [REPAIR],
      remember: { handoffCheck: false },
    },
    {
      rule: 'flow check after a handoff: nothing received → fresh peer',
      facts: facts({ memory: { handoffCheck: true } }),
      observation: { type: 'flowChecked', moved: false },
      actions: [RENEW],
      remember: { handoffCheck: false },
    },
    {
      rule: 'flow check: bytes received → nothing, but the link came through by itself (a heal: a stall soon after waits)',
      facts: facts(),
      observation: { type: 'flowChecked', moved: true },
      actions: [],
      remember: { handoffCheck: false, healedAt: NOW },
    },
    {
      rule: 'flow check after a handoff: bytes received (the old path still works) → nothing, a heal',
      facts: facts({ memory: { handoffCheck: true } }),
      observation: { type: 'flowChecked', moved: true },
      actions: [],
      remember: { handoffCheck: false, healedAt: NOW },
    },
    {
      rule: 'flow check: bytes received with the stream frozen → a heal that gives it one more frozen period',
      facts: facts({ health: 'frozen' }),
      observation: { type: 'flowChecked', moved: true },
      actions: [],
      remember: { handoffCheck: false, healedAt: NOW, frozenRepairAt: NOW + 1500 },
    },
    {
      rule: 'flow check: bytes received while a repair runs → not a heal',
      facts: facts({ repairing: true }),
      observation: { type: 'flowChecked', moved: true },
      actions: [],
      remember: { handoffCheck: false },
    },
    {
      rule: 'new local address after a handoff, the repair of a peer from before it still running → fresh peer',
      facts: facts({ repairing: true, transportMovedAt: NOW - 3000 }),
      observation: { type: 'localAddressAppeared', handoffAt: NOW - 1500 },
      actions: [RENEW],
    },
    {
      rule: 'new local address after a handoff, link silent on a peer from before it → fresh peer',
      facts: facts({ transportMovedAt: NOW - 3000 }),
      observation: { type: 'localAddressAppeared', handoffAt: NOW - 1500 },
      actions: [RENEW],
    },
    {
      rule: 'new local address after a handoff, a peer built since still connecting → nothing (it gathers the address)',
      facts: facts({
        repairing: true,
        transport: 'connecting',
        transportMovedAt: NOW - 3000,
        peerBuiltAt: NOW - 1400,
      }),
      observation: { type: 'localAddressAppeared', handoffAt: NOW - 1500 },
      actions: [],
    },
    {
      rule: 'new local address after a handoff, no live peer → fresh peer',
      facts: facts({ peerAlive: false, transport: 'closed', peerBuiltAt: NOW - 1400 }),
      observation: { type: 'localAddressAppeared', handoffAt: NOW - 1500 },
      actions: [RENEW],
    },
    {
      rule: 'new local address after a handoff, traffic flows again (another way) → nothing',
      facts: facts({ transportMovedAt: NOW - 100 }),
      observation: { type: 'localAddressAppeared', handoffAt: NOW - 1500 },
      actions: [],
    },
    {
      rule: 'own path back → give ICE a grace to heal',
      facts: facts({ transport: 'disconnected' }),
      observation: { type: 'pathBack', downAt: NOW - 800 },
      actions: [{ type: 'watchPathBack', downAt: NOW - 800 }],
    },
    {
      rule: 'own path back while a grace runs → nothing more',
      facts: facts({ pending: { pathBack: true } }),
      observation: { type: 'pathBack', downAt: NOW - 800 },
      actions: [],
    },
    {
      rule: 'grace over, link down, nothing reaches it → a fresh peer',
      facts: facts({ transport: 'disconnected' }),
      observation: { type: 'pathBackGraceOver', healing: false, downAt: NOW - 800 },
      actions: [RENEW],
    },
    {
      rule: 'grace over, link down, ICE checks reach it → healing by itself',
      facts: facts({ transport: 'disconnected' }),
      observation: { type: 'pathBackGraceOver', healing: true, downAt: NOW - 800 },
      actions: [],
    },
    {
      rule: 'grace over, connected but frozen (ICE has not noticed) → a fresh peer',
      facts: facts({ health: 'frozen' }),
      observation: { type: 'pathBackGraceOver', healing: false, downAt: NOW - 800 },
      actions: [RENEW],
    },
    {
      rule: 'grace over, link down, its peer built since the path was last seen down (signaling back first) → left to connect',
      facts: facts({ transport: 'new', health: 'recovering', everConnected: false, peerBuiltAt: NOW - 450 }),
      observation: { type: 'pathBackGraceOver', healing: false, downAt: NOW - 2000 },
      actions: [],
    },
    {
      rule: 'grace over, link down, its peer built before the last failed probe → a fresh peer',
      facts: facts({ transport: 'new', health: 'recovering', everConnected: false, peerBuiltAt: NOW - 3000 }),
      observation: { type: 'pathBackGraceOver', healing: false, downAt: NOW - 2000 },
      actions: [RENEW],
    },
    {
      rule: 'grace over, link working → nothing',
      facts: facts(),
      observation: { type: 'pathBackGraceOver', healing: false, downAt: NOW - 800 },
      actions: [],
    },
  ]);
});

describe('link policy: a silent link (both paths answer)', () => {
  const silentAt = NOW - 2000;
  check([
    {
      rule: 'connected but nothing received for over two intervals → silent, check own path',
      facts: facts({ transportMovedAt: NOW - 2 * INTERVAL - 1 }),
      observation: { type: 'transportSampled' },
      actions: [{ type: 'checkPath', since: NOW }],
      remember: { silentSince: NOW },
    },
    {
      rule: 'exactly two intervals without bytes → not yet silent',
      facts: facts({ transportMovedAt: NOW - 2 * INTERVAL }),
      observation: { type: 'transportSampled' },
      actions: [],
    },
    {
      rule: 'just back to connected, its last bytes from before the outage → not silent yet (counted from the reconnect)',
      facts: facts({ transportMovedAt: NOW - 5000, connectedAt: NOW - 2 * INTERVAL }),
      observation: { type: 'transportSampled' },
      actions: [],
    },
    {
      rule: 'back to connected over two intervals ago, still nothing received → silent, check own path',
      facts: facts({ transportMovedAt: NOW - 5000, connectedAt: NOW - 2 * INTERVAL - 1 }),
      observation: { type: 'transportSampled' },
      actions: [{ type: 'checkPath', since: NOW }],
      remember: { silentSince: NOW },
    },
    {
      rule: 'a silent link whose transport went disconnected → no longer silent, not a heal',
      facts: facts({ transport: 'disconnected', memory: { silentSince: silentAt } }),
      observation: { type: 'transportSampled' },
      actions: [],
      remember: { silentSince: null },
    },
    {
      rule: 'still silent → no second check',
      facts: facts({ transportMovedAt: NOW - 5000, memory: { silentSince: silentAt } }),
      observation: { type: 'transportSampled' },
      actions: [],
    },
    {
      rule: 'bytes again after a silence no repair ended → healed by itself: no longer silent, video restarts with a key frame',
      facts: facts({ memory: { silentSince: silentAt } }),
      observation: { type: 'transportSampled' },
      actions: [{ type: 'refreshVideo' }],
      remember: { silentSince: null, healedAt: NOW },
    },
    {
      rule: 'the same with the stream still frozen → a repair is due after one more frozen period',
      facts: facts({ health: 'frozen', memory: { silentSince: silentAt } }),
      observation: { type: 'transportSampled' },
      actions: [{ type: 'refreshVideo' }],
      remember: { silentSince: null, healedAt: NOW, frozenRepairAt: NOW + FROZEN_AFTER },
    },
    {
      rule: 'bytes again during this side’s repair → no longer silent (the repair, not a heal)',
      facts: facts({ repairing: true, memory: { silentSince: silentAt } }),
      observation: { type: 'transportSampled' },
      actions: [],
      remember: { silentSince: null },
    },
    {
      rule: 'bytes again while the other side repairs → no longer silent (its repair, not a heal)',
      facts: answerer({ remoteRepairSince: NOW - 500, memory: { silentSince: silentAt } }),
      observation: { type: 'transportSampled' },
      actions: [],
      remember: { silentSince: null },
    },
    {
      rule: 'a peer that never carried traffic is starting up, not silent',
      facts: facts({ transportMovedAt: NOW - 5000, peerBuiltAt: NOW - 4000 }),
      observation: { type: 'transportSampled' },
      actions: [],
    },
    {
      rule: 'a peer never connected is not silent',
      facts: facts({ transportMovedAt: NOW - 5000, everConnected: false }),
      observation: { type: 'transportSampled' },
      actions: [],
    },
    {
      rule: 'no media either way: silence is expected',
      facts: facts({ transportMovedAt: NOW - 5000, expectsTraffic: false }),
      observation: { type: 'transportSampled' },
      actions: [],
    },
    {
      rule: 'answering side, own path answers → tells the offerer',
      facts: answerer({ memory: { silentSince: silentAt } }),
      observation: { type: 'ownPathChecked', since: silentAt, ok: true },
      actions: [{ type: 'sendPathOk' }],
      remember: { ownPathOkAt: NOW },
    },
    {
      rule: 'own path down → nothing (this side is the one cut off)',
      facts: answerer({ memory: { silentSince: silentAt } }),
      observation: { type: 'ownPathChecked', since: silentAt, ok: false },
      actions: [],
    },
    {
      rule: 'an answer for an earlier silence → ignored',
      facts: answerer({ memory: { silentSince: silentAt } }),
      observation: { type: 'ownPathChecked', since: silentAt - 1, ok: true },
      actions: [],
    },
    {
      rule: 'offering side, own path answers, no word from the other side → remembered',
      facts: facts({ memory: { silentSince: silentAt } }),
      observation: { type: 'ownPathChecked', since: silentAt, ok: true },
      actions: [],
      remember: { ownPathOkAt: NOW },
    },
    {
      rule: 'offering side, own path answers after the other side’s path-ok → restart ICE now',
      facts: facts({ memory: { silentSince: silentAt, remotePathOkAt: NOW - PATH_OK_AGREE_MS } }),
      observation: { type: 'ownPathChecked', since: silentAt, ok: true },
      actions: [REPAIR],
      remember: { ownPathOkAt: NEVER, remotePathOkAt: NEVER },
    },
    {
      rule: 'offering side, own path answers after the other side’s path-ok, but ICE came back by itself since the silence began → remembered only (this side was the one cut off)',
      facts: facts({
        memory: { silentSince: silentAt, healedAt: silentAt + 900, remotePathOkAt: NOW - 5000 },
      }),
      observation: { type: 'ownPathChecked', since: silentAt, ok: true },
      actions: [],
      remember: { ownPathOkAt: NOW },
    },
    {
      rule: 'path-ok from the other side after this side’s, ICE came back by itself since the silence began → remembered only',
      facts: facts({ memory: { silentSince: silentAt, healedAt: silentAt + 900, ownPathOkAt: NOW - 1000 } }),
      observation: { type: 'remoteReset', reason: 'path-ok' },
      actions: [],
      remember: { remotePathOkAt: NOW },
    },
    {
      rule: 'offering side, the other side’s path-ok too old → remembered only',
      facts: facts({ memory: { silentSince: silentAt, remotePathOkAt: NOW - PATH_OK_AGREE_MS - 1 } }),
      observation: { type: 'ownPathChecked', since: silentAt, ok: true },
      actions: [],
      remember: { ownPathOkAt: NOW },
    },
    {
      rule: 'path-ok from the other side after this side’s → restart ICE now',
      facts: facts({ memory: { silentSince: silentAt, ownPathOkAt: NOW - 1000 } }),
      observation: { type: 'remoteReset', reason: 'path-ok' },
      actions: [REPAIR],
      remember: { ownPathOkAt: NEVER, remotePathOkAt: NEVER },
    },
    {
      rule: 'path-ok while this side is not silent → remembered only',
      facts: facts({ memory: { ownPathOkAt: NOW - 1000 } }),
      observation: { type: 'remoteReset', reason: 'path-ok' },
      actions: [],
      remember: { remotePathOkAt: NOW },
    },
    {
      rule: 'path-ok alone, this side’s own path never answered → nothing restarted',
      facts: facts({ memory: { silentSince: silentAt } }),
      observation: { type: 'remoteReset', reason: 'path-ok' },
      actions: [],
      remember: { remotePathOkAt: NOW },
    },
  ]);
});

describe('link policy: the other side', () => {
  check([
    {
      rule: 'a repair request → repair (ICE restart first)',
      facts: facts(),
      observation: { type: 'remoteReset', reason: 'repair' },
      actions: [REPAIR],
    },
    {
      rule: 'a renew request → fresh peer',
      facts: facts(),
      observation: { type: 'remoteReset', reason: 'renew' },
      actions: [RENEW],
    },
    {
      rule: 'requests reach only the offering side',
      facts: answerer(),
      observation: { type: 'remoteReset', reason: 'renew' },
      actions: [],
    },
    {
      rule: 'answering side, an offer and no live peer → asks for a fresh peer',
      facts: answerer({ peerAlive: false, transport: 'closed' }),
      observation: { type: 'offerWithoutPeer' },
      actions: [RENEW],
    },
    {
      rule: 'offering side, a stray offer → nothing',
      facts: facts({ peerAlive: false, transport: 'closed' }),
      observation: { type: 'offerWithoutPeer' },
      actions: [],
    },
    {
      rule: 'answering side, the offerer’s ICE restart on a frozen stream → shown as its repair',
      facts: answerer({ health: 'frozen' }),
      observation: { type: 'remoteFreshPeer' },
      actions: [{ type: 'showRemoteRepair' }],
    },
    {
      rule: 'answering side, a fresh peer on a link that is down → shown as its repair',
      facts: answerer({ transport: 'disconnected' }),
      observation: { type: 'remoteFreshPeer' },
      actions: [{ type: 'showRemoteRepair' }],
    },
    {
      rule: 'answering side, first negotiation of a working link → not a repair',
      facts: answerer(),
      observation: { type: 'remoteFreshPeer' },
      actions: [],
    },
    {
      rule: 'answering side, the offerer’s repair already shown → nothing more',
      facts: answerer({ health: 'recovering', transport: 'failed', remoteRepairSince: NOW - 10 }),
      observation: { type: 'remoteFreshPeer' },
      actions: [],
    },
    {
      rule: 'the offerer’s repair outlived its budget → no longer shown',
      facts: answerer({ remoteRepairSince: NOW - 5000 }),
      observation: { type: 'remoteRepairTimedOut' },
      actions: [{ type: 'endRemoteRepair' }],
    },
    {
      rule: 'offering side, a new incarnation of a known remote → fresh peer above both generations',
      facts: facts({ gen: 3 }),
      observation: { type: 'remoteIncarnation', gen: 5, known: true },
      actions: [{ type: 'newPeer', gen: 6, why: 'remote restarted' }],
    },
    {
      rule: 'offering side, first word of the remote at this generation → taken as usual',
      facts: facts({ gen: 3 }),
      observation: { type: 'remoteIncarnation', gen: 3, known: false },
      actions: [{ type: 'deliver' }],
    },
    {
      rule: 'offering side, first word of the remote at a later generation → fresh peer above it',
      facts: facts({ gen: 3 }),
      observation: { type: 'remoteIncarnation', gen: 4, known: false },
      actions: [{ type: 'newPeer', gen: 5, why: 'remote restarted' }],
    },
    {
      rule: 'offering side, first word at an earlier generation, no live peer → fresh peer',
      facts: facts({ gen: 3, peerAlive: false, transport: 'closed' }),
      observation: { type: 'remoteIncarnation', gen: 1, known: false },
      actions: [{ type: 'newPeer', gen: 2, why: 'remote restarted' }],
    },
    {
      rule: 'offering side, first word at an earlier generation, peer alive → nothing',
      facts: facts({ gen: 3 }),
      observation: { type: 'remoteIncarnation', gen: 1, known: false },
      actions: [],
    },
    {
      rule: 'answering side, first word at its own generation → to the peer waiting for it',
      facts: answerer({ gen: 2 }),
      observation: { type: 'remoteIncarnation', gen: 2, known: false },
      actions: [{ type: 'deliver' }],
    },
    {
      rule: 'answering side, first word at another generation → a peer built for it',
      facts: answerer({ gen: 4 }),
      observation: { type: 'remoteIncarnation', gen: 0, known: false },
      actions: [{ type: 'buildForRemote', gen: 0, why: 'remote first message' }],
    },
    {
      rule: 'answering side, a new page replaced the one it served → a peer built for it',
      facts: answerer({ gen: 2 }),
      observation: { type: 'remoteIncarnation', gen: 2, known: true },
      actions: [{ type: 'buildForRemote', gen: 2, why: 'remote restarted' }],
    },
    {
      rule: 'offering side, the remote it knows re-joined under a new connection, peer alive → keep it, ask which page it is',
      facts: facts({ gen: 3 }),
      observation: { type: 'remoteReplaced' },
      actions: [{ type: 'confirmIncarnation' }],
    },
    {
      rule: 'answering side, the remote it knows re-joined, peer alive → keep it, ask which page it is',
      facts: answerer({ gen: 3 }),
      observation: { type: 'remoteReplaced' },
      actions: [{ type: 'confirmIncarnation' }],
    },
    {
      rule: 'offering side, the remote re-joined before its incarnation was known → fresh peer',
      facts: facts({ gen: 3, remoteIncarnationKnown: false }),
      observation: { type: 'remoteReplaced' },
      actions: [{ type: 'newPeer', gen: 4, why: 'remote re-joined' }],
    },
    {
      rule: 'offering side, the remote re-joined while this side has no live peer → fresh peer',
      facts: facts({ gen: 3, peerAlive: false, transport: 'closed' }),
      observation: { type: 'remoteReplaced' },
      actions: [{ type: 'newPeer', gen: 4, why: 'remote re-joined' }],
    },
    {
      rule: 'answering side, the remote re-joined before its incarnation was known → its next offer is taken at any generation',
      facts: answerer({ remoteIncarnationKnown: false }),
      observation: { type: 'remoteReplaced' },
      actions: [{ type: 'adoptNextOffer' }],
    },
    {
      rule: 'offering side, no word from the remote’s new connection in time → fresh peer',
      facts: facts({ gen: 3 }),
      observation: { type: 'incarnationUnconfirmed' },
      actions: [{ type: 'newPeer', gen: 4, why: 'remote re-joined' }],
    },
    {
      rule: 'answering side, no word from the remote’s new connection in time → its next offer is taken at any generation',
      facts: answerer(),
      observation: { type: 'incarnationUnconfirmed' },
      actions: [{ type: 'adoptNextOffer' }],
    },
    {
      rule: 'the remote’s new connection is the same page, nothing being repaired → the link goes on untouched',
      facts: facts({ gen: 3 }),
      observation: { type: 'incarnationConfirmed' },
      actions: [],
    },
    {
      rule: 'the remote’s new connection is the same page, a repair running (its offer went to the former connection) → fresh peer',
      facts: facts({ gen: 3, repairing: true, transport: 'disconnected' }),
      observation: { type: 'incarnationConfirmed' },
      actions: [RENEW],
    },
    {
      rule: 'answering side, same page back while its repair request was lost → asks again, for a fresh peer',
      facts: answerer({ repairing: true, transport: 'disconnected' }),
      observation: { type: 'incarnationConfirmed' },
      actions: [RENEW],
    },
  ]);
});

describe('link policy: repair steps', () => {
  check([
    {
      rule: 'ICE restart step → restart ICE',
      facts: facts(),
      observation: { type: 'repairStep', step: 'iceRestart' },
      actions: [{ type: 'restartIce' }],
    },
    {
      rule: 'new peer step → fresh peer under the next generation',
      facts: facts({ gen: 7 }),
      observation: { type: 'repairStep', step: 'newPeer' },
      actions: [{ type: 'newPeer', gen: 8, why: 'repair' }],
    },
    {
      rule: 'ICE restart refused by the peer → fresh peer instead',
      facts: facts({ gen: 7 }),
      observation: { type: 'iceRestartRefused' },
      actions: [{ type: 'newPeer', gen: 8, why: 'no ice restart' }],
    },
    {
      rule: 'a stall’s bounded repair gave up and the peer it left never connected → the full repair takes over',
      facts: facts({ transport: 'new', health: 'frozen', lastRiseAt: NOW - 8000 }),
      observation: { type: 'repairGaveUp', bounded: true },
      actions: [REPAIR],
    },
    {
      rule: 'the same with the transport down → the full repair takes over',
      facts: answerer({ transport: 'disconnected', health: 'frozen', lastRiseAt: NOW - 8000 }),
      observation: { type: 'repairGaveUp', bounded: true },
      actions: [REPAIR],
    },
    {
      rule: 'a stall’s bounded repair gave up on a connected link → the sender’s source: left frozen',
      facts: facts({ health: 'frozen', lastRiseAt: NOW - 8000 }),
      observation: { type: 'repairGaveUp', bounded: true },
      actions: [],
    },
    {
      rule: 'the full ladder gave up → nothing more (a later trigger starts a new repair)',
      facts: facts({ transport: 'disconnected', health: 'frozen', lastRiseAt: NOW - 8000 }),
      observation: { type: 'repairGaveUp', bounded: false },
      actions: [],
    },
    {
      rule: 'answering side, request step → asks for a repair',
      facts: answerer(),
      observation: { type: 'repairStep', step: 'requestRepair' },
      actions: [{ type: 'askRemoteRepair' }],
    },
    {
      rule: 'answering side, request-new-peer step → asks for a fresh peer',
      facts: answerer(),
      observation: { type: 'repairStep', step: 'requestNewPeer' },
      actions: [{ type: 'askRemoteRenew' }],
    },
  ]);
});

describe('link policy: a fresh peer from the offerer', () => {
  check([
    {
      rule: 'this page’s path works → a peer for it',
      facts: answerer({ transport: 'disconnected', health: 'frozen', lastRiseAt: NOW - 9000 }),
      observation: { type: 'remoteNewPeer', gen: 4 },
      actions: [{ type: 'buildForRemote', gen: 4, why: 'remote new peer' }],
    },
    {
      rule: 'this page’s path is down → its generation without a peer (asked for again once the path is back)',
      facts: answerer({
        transport: 'disconnected',
        health: 'frozen',
        lastRiseAt: NOW - 9000,
        ownPathDown: true,
      }),
      observation: { type: 'remoteNewPeer', gen: 4 },
      actions: [{ type: 'skipToGeneration', gen: 4 }],
    },
  ]);
});

describe('link policy: when a repair holds its next step', () => {
  const builtAgo = (ms: number, patch: FactsPatch = {}) =>
    facts({ transport: 'new', everConnected: false, peerBuiltAt: NOW - ms, remoteHeardAt: NEVER, ...patch });
  it.each([
    [
      'this page’s path down → holds, renewal or not',
      facts({ ownPathDown: true }),
      true,
      'this page’s path is down',
    ],
    ['the same on the answering side', answerer({ ownPathDown: true }), false, 'this page’s path is down'],
    [
      'the path just came back → holds for its grace',
      facts({ pending: { pathBack: true } }),
      true,
      'the path is back: ICE gets a moment to heal by itself',
    ],
    [
      'a fresh peer the remote has not answered, just built → goes on',
      builtAgo(UNANSWERED_AFTER_MS - 1),
      false,
      null,
    ],
    [
      'unanswered for a while → holds',
      builtAgo(UNANSWERED_AFTER_MS),
      false,
      'the remote has not answered the fresh peer',
    ],
    ['unanswered, but a renewal → goes on', builtAgo(UNANSWERED_AFTER_MS), true, null],
    [
      'answered since it was built → goes on',
      builtAgo(UNANSWERED_AFTER_MS, { remoteHeardAt: NOW - 100 }),
      false,
      null,
    ],
    [
      'unanswered for longer than the hold → one more try',
      builtAgo(UNANSWERED_AFTER_MS + UNANSWERED_HOLD_MS),
      false,
      null,
    ],
    [
      'the answering side asks, it never holds for an answer',
      answerer({
        transport: 'new',
        everConnected: false,
        peerBuiltAt: NOW - UNANSWERED_AFTER_MS,
        remoteHeardAt: NEVER,
      }),
      false,
      null,
    ],
    ['a working link (heard from) → goes on', facts(), false, null],
    [
      'a peer that connected once, never heard since (messages went to an earlier connection) → goes on',
      builtAgo(UNANSWERED_AFTER_MS, { everConnected: true }),
      false,
      null,
    ],
  ] as const)('%s', (_rule, input, renew, reason) => {
    expect(repairHold(input, renew)).toBe(reason);
  });
});

describe('link policy: the remote stream', () => {
  const sampled = (before: StreamHealth, framesReceived = 0): LinkObservation => ({
    type: 'mediaSampled',
    before,
    framesReceived,
  });
  /** Memory after a sample that changed none of it (but for what every sample settles). */
  const settled = (memory: Partial<LinkMemory> = {}) => ({
    framesAtRise: 0,
    frozenRepairAt: null,
    fruitlessRepairs: 0,
    strayRise: false,
    ...memory,
  });
  const stalled = (patch: FactsPatch = {}) => facts({ health: 'frozen', lastRiseAt: NOW - 2000, ...patch });
  check([
    {
      rule: 'frames rising: nothing to do',
      facts: facts({ lastRiseAt: NOW }),
      observation: sampled('live', 40),
      actions: [],
      remember: settled({ framesAtRise: 40 }),
    },
    {
      rule: 'M3: frames stop while the path carries traffic → frozen, repaired at once (ICE restart, fresh peer)',
      facts: stalled(),
      observation: sampled('live'),
      actions: [FROZEN, { type: 'repair', maxAttempts: 2 }],
      remember: settled({ fruitlessRepairs: 1 }),
    },
    {
      rule: 'the same on the answering side: one more attempt reaches its request for a fresh peer',
      facts: stalled({ offerer: false }),
      observation: sampled('live'),
      actions: [FROZEN, { type: 'repair', maxAttempts: 3 }],
      remember: settled({ fruitlessRepairs: 1 }),
    },
    {
      rule: 'frozen on a silent path → the watchdog judges; the path is watched',
      facts: stalled({ transportMovedAt: NOW - 2 * INTERVAL - 1 }),
      observation: sampled('live'),
      actions: [FROZEN, SUSPECT],
      remember: settled(),
    },
    {
      rule: 'frozen, bytes last seen in the reading of the last rise (a cut stops both) → the watchdog judges; the path is watched',
      facts: stalled({ lastRiseAt: NOW - 2 * INTERVAL, transportMovedAt: NOW - 2 * INTERVAL }),
      observation: sampled('live'),
      actions: [FROZEN, SUSPECT],
      remember: settled(),
    },
    {
      rule: 'frozen, bytes seen in a reading after the last rise → the path carries traffic: repaired at once',
      facts: stalled({ lastRiseAt: NOW - 2 * INTERVAL, transportMovedAt: NOW - INTERVAL }),
      observation: sampled('live'),
      actions: [FROZEN, { type: 'repair', maxAttempts: 2 }],
      remember: settled({ fruitlessRepairs: 1 }),
    },
    {
      rule: 'frozen while the link is down → the path is watched',
      facts: stalled({ transport: 'disconnected' }),
      observation: sampled('live'),
      actions: [FROZEN, SUSPECT],
      remember: settled(),
    },
    {
      rule: 'a stall soon after a self-heal → frozen, repaired only one frozen period later',
      facts: stalled({ memory: { healedAt: NOW - HEALED_SETTLE_MS + 1 } }),
      observation: sampled('live'),
      actions: [FROZEN],
      remember: settled({ frozenRepairAt: NOW + FROZEN_AFTER }),
    },
    {
      rule: 'a stall once the heal has settled → repaired at once',
      facts: stalled({ memory: { healedAt: NOW - HEALED_SETTLE_MS } }),
      observation: sampled('live'),
      actions: [FROZEN, { type: 'repair', maxAttempts: 2 }],
      remember: settled({ fruitlessRepairs: 1 }),
    },
    {
      rule: 'the extra period over, still frozen, frames not rising → repaired',
      facts: stalled({ memory: { frozenRepairAt: NOW } }),
      observation: sampled('frozen'),
      actions: [{ type: 'repair', maxAttempts: 2 }],
      remember: settled({ fruitlessRepairs: 1 }),
    },
    {
      rule: 'the extra period over, frames rising again (the sender catching up) → one more period',
      facts: stalled({ rising: true, memory: { frozenRepairAt: NOW - 10 } }),
      observation: sampled('frozen'),
      actions: [],
      remember: settled({ frozenRepairAt: NOW + FROZEN_AFTER }),
    },
    {
      rule: `the extra period over, frames arriving undecoded within ${HELD_AFTER_HEAL_MS} ms of the heal (Chromium holds them) → one more period`,
      facts: stalled({
        memory: { healedAt: NOW - HELD_AFTER_HEAL_MS + 1, frozenRepairAt: NOW, framesAtRise: 50 },
      }),
      observation: sampled('frozen', 60),
      actions: [],
      remember: settled({ framesAtRise: 50, frozenRepairAt: NOW + FROZEN_AFTER }),
    },
    {
      rule: `the same ${HELD_AFTER_HEAL_MS} ms after the heal → repair`,
      facts: stalled({
        memory: { healedAt: NOW - HELD_AFTER_HEAL_MS, frozenRepairAt: NOW, framesAtRise: 50 },
      }),
      observation: sampled('frozen', 60),
      actions: [{ type: 'repair', maxAttempts: 2 }],
      remember: settled({ framesAtRise: 50, fruitlessRepairs: 1 }),
    },
    {
      rule: 'the extra period over soon after the heal, no frames arriving → repair',
      facts: stalled({ memory: { healedAt: NOW - 2000, frozenRepairAt: NOW, framesAtRise: 50 } }),
      observation: sampled('frozen', 50),
      actions: [{ type: 'repair', maxAttempts: 2 }],
      remember: settled({ framesAtRise: 50, fruitlessRepairs: 1 }),
    },
    {
      rule: 'the extra period over but the link went down → the watchdog’s to repair',
      facts: stalled({ transport: 'disconnected', memory: { frozenRepairAt: NOW } }),
      observation: sampled('frozen'),
      actions: [],
      remember: settled(),
    },
    {
      rule: 'the extra period not over yet → wait',
      facts: stalled({ memory: { frozenRepairAt: NOW + 1 } }),
      observation: sampled('frozen'),
      actions: [],
      remember: settled({ frozenRepairAt: NOW + 1 }),
    },
    {
      rule: 'live again → the pending stall repair and the fruitless count are forgotten',
      facts: facts({ lastRiseAt: NOW, memory: { frozenRepairAt: NOW + 100, fruitlessRepairs: 2 } }),
      observation: sampled('frozen'),
      actions: [],
      remember: settled(),
    },
    {
      rule: `after ${MAX_FRUITLESS_REPAIRS} fruitless repairs → frozen, truthfully, no more peers`,
      facts: stalled({ memory: { fruitlessRepairs: MAX_FRUITLESS_REPAIRS } }),
      observation: sampled('live'),
      actions: [FROZEN],
      remember: settled({ fruitlessRepairs: MAX_FRUITLESS_REPAIRS }),
    },
    {
      rule: 'a stray frame while frozen → remembered',
      facts: stalled({ lastRiseAt: NOW }),
      observation: sampled('frozen', 3),
      actions: [],
      remember: settled({ strayRise: true, framesAtRise: 3 }),
    },
    {
      rule: 'frames that came and stopped again without decoding steadily → a new stall',
      facts: stalled({ memory: { strayRise: true, fruitlessRepairs: 1 } }),
      observation: sampled('frozen'),
      actions: [FROZEN, { type: 'repair', maxAttempts: 2 }],
      remember: settled({ fruitlessRepairs: 2 }),
    },
    {
      rule: 'frozen and nothing new → nothing',
      facts: stalled(),
      observation: sampled('frozen'),
      actions: [],
      remember: settled(),
    },
    {
      rule: `${STALLED_FRAMES} frames received, none decoded, during a repair → fresh peer now`,
      facts: facts({ health: 'recovering', lastRiseAt: NOW - 3000, repairing: true }),
      observation: sampled('recovering', 50 + STALLED_FRAMES),
      actions: [RENEW],
      remember: settled({ framesAtRise: 50 + STALLED_FRAMES }),
    },
    {
      rule: 'the same soon after a repair ended → fresh peer',
      facts: facts({ lastRiseAt: NOW - 600, repairedAt: NOW - HEALED_SETTLE_MS + 1 }),
      observation: sampled('live', 60),
      actions: [RENEW],
      remember: settled({ framesAtRise: 60 }),
    },
    {
      rule: 'undecoded frames with no repair lately → left to the frozen detector',
      facts: facts({
        lastRiseAt: NOW - 600,
        repairedAt: NOW - HEALED_SETTLE_MS,
        memory: { framesAtRise: 50 },
      }),
      observation: sampled('live', 60),
      actions: [],
      remember: settled({ framesAtRise: 50 }),
    },
    {
      rule: 'fewer frames received than before (a new receiver) → counted from there',
      facts: facts({ lastRiseAt: NOW - 600, repairing: true, memory: { framesAtRise: 50 } }),
      observation: sampled('live', 4),
      actions: [],
      remember: settled({ framesAtRise: 4 }),
    },
    {
      rule: 'answering side, media flows since the offerer’s repair began → no longer shown',
      facts: answerer({ health: 'recovering', lastRiseAt: NOW, remoteRepairSince: NOW - 1000 }),
      observation: sampled('recovering', 10),
      actions: [{ type: 'endRemoteRepair' }],
      remember: settled({ framesAtRise: 10 }),
    },
    {
      rule: 'answering side, no frames since the offerer’s repair began → still shown',
      facts: answerer({ health: 'recovering', lastRiseAt: NOW - 2000, remoteRepairSince: NOW - 1000 }),
      observation: sampled('recovering'),
      actions: [],
      remember: settled(),
    },
  ]);
});

describe('link policy: when a repair counts as healthy', () => {
  it('frames counted from a reading taken before the repair began are the jitter buffer’s, not a recovery', () => {
    const startedAt = NOW - 100;
    // Read at NOW, counted from the reading at NOW - INTERVAL (before the repair): not proof.
    expect(flowsSince(facts({ lastRiseAt: NOW, lastRiseFromAt: NOW - INTERVAL }), startedAt)).toBe(false);
    // Counted from a reading after it began: frames decoded on the repaired link.
    expect(flowsSince(facts({ lastRiseAt: NOW, lastRiseFromAt: NOW - 50 }), startedAt)).toBe(true);
    expect(
      flowsSince(facts({ transport: 'connecting', lastRiseAt: NOW, lastRiseFromAt: NOW - 50 }), startedAt),
    ).toBe(false);
  });
});

describe('link policy: the table as a whole', () => {
  const every = {
    peerBuilt: true,
    transportChanged: true,
    transportBroken: true,
    peerDied: true,
    departureWaitOver: true,
    signalingRestored: true,
    networkChanged: true,
    flowChecked: true,
    localAddressAppeared: true,
    pathBack: true,
    pathBackGraceOver: true,
    ownPathChecked: true,
    remoteReset: true,
    offerWithoutPeer: true,
    remoteFreshPeer: true,
    remoteNewPeer: true,
    remoteRepairTimedOut: true,
    remoteIncarnation: true,
    remoteReplaced: true,
    incarnationUnconfirmed: true,
    incarnationConfirmed: true,
    transportSampled: true,
    mediaSampled: true,
    repairStep: true,
    iceRestartRefused: true,
    repairGaveUp: true,
  } satisfies Record<LinkObservationType, true>;

  it('has rows for every observation', () => {
    expect([...judged].sort()).toEqual(Object.keys(every).sort());
  });

  it('is pure: frozen facts are never written, and the same facts give the same decision', () => {
    const input = facts({ health: 'frozen', lastRiseAt: NOW - 2000 });
    Object.freeze(input.memory);
    Object.freeze(input.pending);
    Object.freeze(input);
    const observation: LinkObservation = { type: 'mediaSampled', before: 'live', framesReceived: 0 };
    expect(decide(input, observation)).toEqual(decide(input, observation));
  });
});
