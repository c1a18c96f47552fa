import {
  flowsSince,
  isDown,
  isTroubled,
  type LinkAction,
  type LinkDecision,
  type LinkFacts,
  type LinkMemory,
  type LinkObservation,
  type LinkObservationType,
  watchesPath,
} from './link-facts';

/** `reset` reasons on the wire (the `reason` field of the `reset` media payload). */
export const RESET_REASON = {
  /** From the offerer, at a new generation: "I built a fresh peer; build yours". */
  newPeer: 'new-peer',
  /** From the answerer, at the current generation: "please repair this link". */
  repair: 'repair',
  /** From the answerer, at the current generation: "please build a fresh peer". */
  renew: 'renew',
  /**
   * From the answerer: "this link carries nothing while ICE says connected, and my own path answers".
   * With the same evidence on the offering side (its path answers too, the link is silent), neither end
   * is cut off: the relay lost the allocation (a TURN restart) or a path moved, and ICE would notice
   * only after seconds. The offerer restarts ICE at once.
   */
  pathOk: 'path-ok',
} as const;

/** After evidence of a network change (signaling back, `online`), how long a link gets to show traffic. */
export const FLOW_CHECK_MS = 400;
/** A signaling outage at most this long, then back, counts as evidence of a network change. */
export const QUICK_RECONNECT_MS = 2_000;
/** How recent both ends' "silent but my path answers" evidence must be to restart ICE at once. */
export const PATH_OK_AGREE_MS = 10_000;
/** After this page's path answers again, how long ICE gets to heal by itself before a repair. */
export const PATH_BACK_GRACE_MS = 400;
/**
 * After the remote re-joined under a new connection, how long its word (a `rebind`, or any message with
 * its incarnation) may take before the link starts over as with another page.
 */
export const INCARNATION_CONFIRM_MS = 3_000;
/** After a peer died, how long the other side gets to show it is leaving (its departure is on the way). */
export const DEPARTURE_WAIT_MS = 1_000;
/**
 * After a link heals by itself (ICE back on the same path, no repair), how long a new stall still counts
 * as the sender catching up: its bandwidth estimate and encoder wound down during the outage, and its
 * first frames may be followed by a gap. Such a stall is reported as `frozen` at once, but repaired only
 * if it lasts one more `frozenAfterMs`; frames rising meanwhile leave the link untouched.
 */
export const HEALED_SETTLE_MS = 5_000;
/**
 * After a link heals by itself, how long frames that arrive but do not decode still count as the
 * receiver catching up: Chromium holds them about 2 s after an outage (measured up to 2.5 s from the
 * heal), then decodes again. A stall whose frames still arrive this soon gets one more `frozenAfterMs`.
 */
export const HELD_AFTER_HEAL_MS = 4_000;
/** Repairs of a stall on a working path before it is taken for the sender's own source stalling. */
export const MAX_FRUITLESS_REPAIRS = 2;
/** Attempts of one such repair by the offering side: an ICE restart, then a fresh peer. */
export const STALL_REPAIR_ATTEMPTS = 2;
/** Frames received without one decoded that mark a receiver as wedged, during a repair or up to {@link HEALED_SETTLE_MS} after. */
export const STALLED_FRAMES = 6;
/**
 * A fresh peer of the offering side that the remote has not answered for this long: the remote takes no
 * part (its own path is down, and it defers fresh peers until the path is back).
 */
export const UNANSWERED_AFTER_MS = 4_000;
/**
 * How long a repair holds on such an unanswered peer before it tries another by itself. The remote's
 * word (any message) or new evidence (a renewal) ends the hold at once; this only bounds it in case
 * that word never comes.
 */
export const UNANSWERED_HOLD_MS = 30_000;

/** What a rule returns; {@link decide} fills in the rest. */
interface Verdict {
  actions?: LinkAction[];
  remember?: Partial<LinkMemory>;
  note?: string;
}

type ObservationOf<T extends LinkObservationType> = Extract<LinkObservation, { type: T }>;

/** For each observation, the rule that judges it. */
export type LinkRules = {
  readonly [T in LinkObservationType]: (facts: LinkFacts, observation: ObservationOf<T>) => Verdict;
};

const NOTHING: Verdict = {};
const REPAIR: LinkAction = { type: 'repair' };
const RENEW: LinkAction = { type: 'repair', renew: true };

/**
 * Evidence of a network change: a link ICE still calls connected but that receives nothing for
 * {@link FLOW_CHECK_MS} sits on a path that is gone (an address change, a Wi-Fi → cellular handoff), and
 * is repaired then rather than after ICE notices (seconds later) and the disconnected timeout (see
 * docs/decisions/0009-path-back-before-ice-notices.md).
 */
function checkFlow(facts: LinkFacts, why: string): Verdict {
  const { pending, peerAlive, expectsTraffic, transport } = facts;
  if (pending.flowCheck || !peerAlive || !expectsTraffic || transport !== 'connected') return NOTHING;
  return { actions: [{ type: 'checkFlow', why }] };
}

/** No repair runs on either side: a link that comes back now came back by itself (a heal). */
function unrepaired(facts: LinkFacts): boolean {
  return !facts.repairing && facts.remoteRepairSince === null;
}

/**
 * Offerer: both ends are silent with working paths of their own, recently: restart ICE now. Not when ICE
 * came back by itself since the silence began (this side was cut off, and its own path answered only
 * once the cut ended: the evidence is stale, and the link is healing on its own).
 */
function repairIfBothPathsOk(facts: LinkFacts, remember: Partial<LinkMemory>): Verdict {
  const { now } = facts;
  const memory = { ...facts.memory, ...remember };
  const agreed =
    memory.silentSince !== null &&
    memory.healedAt < memory.silentSince &&
    now - memory.ownPathOkAt <= PATH_OK_AGREE_MS &&
    now - memory.remotePathOkAt <= PATH_OK_AGREE_MS;
  if (!agreed) return { remember };
  return {
    remember: { ownPathOkAt: Number.NEGATIVE_INFINITY, remotePathOkAt: Number.NEGATIVE_INFINITY },
    actions: [REPAIR],
    note: 'both paths answer, link silent: repair',
  };
}

/**
 * A stall on a path that still carries traffic, repaired at most {@link MAX_FRUITLESS_REPAIRS} times
 * until the stream decodes steadily again: a sender whose own camera froze is not helped by new peers
 * (each brings one key frame, then nothing), so the stream stays `frozen`, truthfully, without a peer
 * connection every few seconds.
 */
function repairStall(facts: LinkFacts, fruitlessRepairs: number): Verdict {
  if (fruitlessRepairs >= MAX_FRUITLESS_REPAIRS) {
    return { note: 'stall on a working path persists after repairs: the sender’s source, not repaired' };
  }
  // The answering side reaches its request for a fresh peer one attempt later (see repairStep).
  const maxAttempts = STALL_REPAIR_ATTEMPTS + (facts.offerer ? 0 : 1);
  return {
    remember: { fruitlessRepairs: fruitlessRepairs + 1 },
    actions: [{ type: 'repair', maxAttempts }],
    note: 'stall on a working path: repair',
  };
}

/**
 * The link healed by itself now. A stream still frozen from the outage gets one more frozen period
 * before a repair, as a stall soon after a heal does: otherwise no rule would ever repair a receiver that
 * stays frozen on the healed path (the stall began before the heal, so no new stall is seen).
 */
function healed(facts: LinkFacts): Partial<LinkMemory> {
  const { now, health } = facts;
  return health === 'frozen'
    ? { healedAt: now, frozenRepairAt: now + facts.frozenAfterMs }
    : { healedAt: now };
}

/** The remote re-joined as (perhaps) another page: its generations start over. */
function startOverWithRemote(facts: LinkFacts): Verdict {
  return {
    actions: [
      facts.offerer
        ? { type: 'newPeer', gen: facts.gen + 1, why: 'remote re-joined' }
        : { type: 'adoptNextOffer' },
    ],
  };
}

/** Judges one sample of the remote stream (its health in `facts` is the detector's reading of it). */
function judgeMediaSample(facts: LinkFacts, observation: ObservationOf<'mediaSampled'>): Verdict {
  const { now, health, memory } = facts;
  const { before, framesReceived } = observation;
  const actions: LinkAction[] = [];
  const rose = facts.lastRiseAt === now;
  // During a repair or soon after, frames that arrive but do not decode mean a receiver Chromium left
  // wedged after the ICE restart (even after its first frame): only a fresh peer brings it back, so
  // build one now (skipping what is left of a running ICE restart).
  let framesAtRise = memory.framesAtRise;
  let wedged = false;
  if (rose || framesReceived < framesAtRise) framesAtRise = framesReceived;
  else if (
    framesReceived - framesAtRise >= STALLED_FRAMES &&
    (facts.repairing || now - facts.repairedAt < HEALED_SETTLE_MS)
  ) {
    framesAtRise = framesReceived;
    actions.push(RENEW);
    wedged = true;
  }
  if (facts.remoteRepairSince !== null && flowsSince(facts, facts.remoteRepairSince))
    actions.push({ type: 'endRemoteRepair' });
  let frozenRepairAt = health === 'frozen' ? memory.frozenRepairAt : null;
  let fruitlessRepairs = health === 'live' ? 0 : memory.fruitlessRepairs;
  let strayRise = memory.strayRise || (health === 'frozen' && rose);
  let note: string | undefined;
  let stallRepair: Verdict | null = null;
  // A stall, or frames that came and stopped again without ever decoding steadily.
  const stalled = health === 'frozen' && (before !== 'frozen' || (strayRise && !rose));
  if (stalled) {
    strayRise = false;
    actions.push({ type: 'reportFrozen' });
    // Frames stopped but the path still carries traffic: ICE will not notice, so repair now (or, soon
    // after the link healed by itself, once the sender had one more frozen period to catch up). A silent
    // path is the ICE watchdog's to judge (it may heal by itself).
    // Bytes seen only in readings up to the last rise predate the stall (a cut stops both at once).
    const pathAlive =
      now - facts.transportMovedAt <= 2 * facts.statsIntervalMs && facts.transportMovedAt > facts.lastRiseAt;
    if (facts.transport !== 'connected' || !pathAlive) actions.push({ type: 'suspect' });
    else if (now - memory.healedAt < HEALED_SETTLE_MS) {
      frozenRepairAt = now + facts.frozenAfterMs;
      note = 'frozen after healing: wait';
    } else stallRepair = repairStall(facts, fruitlessRepairs);
  } else if (health === 'frozen' && frozenRepairAt !== null && now >= frozenRepairAt) {
    // Frames rising again (the sender catching up) leave the link untouched while they keep coming.
    // So do frames that still arrive, undecoded, soon after a self-heal: Chromium's receiver holds them
    // for about two seconds after an outage before it decodes again (decision 0031).
    const arriving = framesReceived > framesAtRise && now - memory.healedAt < HELD_AFTER_HEAL_MS;
    if (facts.rising || arriving) frozenRepairAt = now + facts.frozenAfterMs;
    else {
      frozenRepairAt = null;
      if (facts.transport === 'connected') stallRepair = repairStall(facts, fruitlessRepairs);
    }
  }
  if (wedged) note = 'frames arrive, none decode: fresh peer';
  if (stallRepair) {
    actions.push(...(stallRepair.actions ?? []));
    fruitlessRepairs = stallRepair.remember?.fruitlessRepairs ?? fruitlessRepairs;
    note = stallRepair.note;
  }
  return { actions, remember: { framesAtRise, frozenRepairAt, fruitlessRepairs, strayRise }, note };
}

/** The rules, one per observation. */
const RULES = {
  peerBuilt: () => ({
    remember: { silentSince: null, healedAt: Number.NEGATIVE_INFINITY, frozenRepairAt: null },
  }),

  transportChanged: (facts, { before }) => {
    const actions: LinkAction[] = [];
    let remember: Partial<LinkMemory> | undefined;
    if (facts.transport === 'connected' && before !== 'connected' && facts.everConnected) {
      if (unrepaired(facts)) remember = healed(facts);
      // Back after an outage (healed, or ICE restarted): after it the receiver holds only frames that
      // depend on lost ones and may wait seconds before asking for a key frame itself.
      actions.push({ type: 'refreshVideo' });
    } else if (before === 'connected' && isDown(facts.transport)) {
      // Nothing encoded into the dead path is retransmitted late, ahead of the new key frame.
      actions.push({ type: 'pauseVideo' });
    }
    if (watchesPath(facts)) actions.push({ type: 'suspect' });
    return { actions, remember };
  },

  transportBroken: () => ({ actions: [REPAIR] }),

  peerDied: (facts, { iceFailed }) => {
    // The watchdog already asked for a repair; otherwise the other side may be leaving: a moment first.
    const wait = !iceFailed && !facts.pending.departure;
    return { actions: [{ type: 'suspect' }, ...(wait ? [{ type: 'awaitDeparture' } as const] : [])] };
  },

  departureWaitOver: (facts) => (facts.peerAlive ? NOTHING : { actions: [REPAIR] }),

  /**
   * A link whose transport went down with the drop gets a fresh peer rather than an ICE restart: after
   * such an outage an ICE-restarted sender often takes seconds to send a decodable frame again (its
   * encoder and bandwidth estimate wound down on the dead path), while a fresh peer starts clean. See
   * docs/decisions/0003-fresh-peer-after-signaling-drop.md for the measurements.
   */
  signalingRestored: (facts, { force, downtimeMs, addressChanged = false }) => {
    if (force || isDown(facts.transport)) return { actions: [RENEW] };
    const broken = facts.transport !== 'connected' || isTroubled(facts) || facts.repairing;
    // Back from another address (a handoff): the path this link used is likely gone. A fresh peer
    // gathers continually until it connects, so it takes in the new address as soon as the browser knows
    // it (Chromium may learn of it only 1.5 s later), where an ICE restart's switch to the new pair came
    // hundreds of ms after that (docs/decisions/0021-handoff-address-probe.md). A link still connected
    // and not frozen may still carry media (the old interface still up, only the route to the server
    // moved): its flow check decides first, and a fresh peer follows only if nothing arrived.
    if (addressChanged) {
      if (broken) return { actions: [RENEW] };
      const actions = checkFlow(facts, 'signaling back from another address').actions ?? [];
      // A check already running (the browser's `online` came first) decides the same way.
      if (actions.length === 0 && !facts.pending.flowCheck) return NOTHING;
      return { remember: { handoffCheck: true }, actions };
    }
    if (broken) return { actions: [REPAIR] };
    // A quick reconnect is the mark of a network change (the old socket died at once, a new one
    // connected); after a longer outage the path-back check judges, and ICE on the same path may still
    // be healing.
    return downtimeMs <= QUICK_RECONNECT_MS ? checkFlow(facts, 'signaling back') : NOTHING;
  },

  networkChanged: (facts, { why }) => checkFlow(facts, why),

  flowChecked: (facts, { moved }) => {
    const remember = { handoffCheck: false };
    // Traffic on the old path after an outage of this page (signaling back, `online`): the link came
    // through by itself, and Chromium may hold its frames for a moment as after any heal (decision 0031, rule 3).
    if (moved) return { remember: unrepaired(facts) ? { ...remember, ...healed(facts) } : remember };
    return { remember, actions: [facts.memory.handoffCheck ? RENEW : REPAIR] };
  },

  /**
   * The browser learned of its new address after the handoff. A peer built since then still gathers
   * (Chromium gathers continually until ICE connects) and takes the address in by itself: a fresh one
   * would only start over. An older peer gathered only on the address that is gone: a fresh peer now
   * gathers on the new one (and cuts short what is left of its repair). A link that carries traffic
   * again (it had another way) is left alone.
   */
  localAddressAppeared: (facts, { handoffAt }) => {
    const flowing = facts.now - facts.transportMovedAt <= 2 * facts.statsIntervalMs;
    if (facts.transport === 'connected' && flowing && !facts.repairing) return NOTHING;
    if (facts.peerAlive && facts.peerBuiltAt >= handoffAt)
      return { note: 'new local address: the peer built since the handoff gathers it' };
    return { actions: [RENEW], note: 'new local address after the repair began' };
  },

  pathBack: (facts, { downAt }) =>
    facts.pending.pathBack ? NOTHING : { actions: [{ type: 'watchPathBack', downAt }] },

  /**
   * A link still broken after the grace (down, or its stream frozen before ICE noticed) was left on a dead
   * relay allocation (a new path), unless the other side's ICE checks (or bytes) reach it again: then its
   * allocation survived and ICE is healing by itself, with the watchdog's timeout as the backstop.
   * A fresh peer, not an ICE restart: a receiver restarted on the new path held its frames in one link
   * of three, costing a fresh peer a second later anyway (docs/decisions/0033-fresh-peer-when-the-path-is-back.md).
   */
  pathBackGraceOver: (facts, { healing, downAt }) => {
    if (!isDown(facts.transport) && !isTroubled(facts)) return NOTHING;
    // A peer built since the path was last seen down (e.g. renewed as signaling came back, just before
    // the probe answered) is not on a dead allocation: it gathers on the path as it is now.
    if (facts.peerAlive && facts.peerBuiltAt > downAt)
      return { note: 'path back: the peer built since it was last down is left to connect' };
    return { actions: healing ? [] : [RENEW], note: 'path back' };
  },

  ownPathChecked: (facts, { since, ok }) => {
    if (facts.memory.silentSince !== since) return NOTHING;
    if (!ok) return { note: 'silent link: own path' };
    const remember = { ownPathOkAt: facts.now };
    if (!facts.offerer) return { remember, actions: [{ type: 'sendPathOk' }], note: 'silent link: own path' };
    return repairIfBothPathsOk(facts, remember);
  },

  remoteReset: (facts, { reason }) => {
    if (!facts.offerer) return NOTHING;
    if (reason === RESET_REASON.repair) return { actions: [REPAIR] };
    if (reason === RESET_REASON.renew) return { actions: [RENEW] };
    return repairIfBothPathsOk(facts, { remotePathOkAt: facts.now });
  },

  offerWithoutPeer: (facts) => (facts.offerer ? NOTHING : { actions: [RENEW] }),

  remoteFreshPeer: (facts) => {
    // Only a link that was working and broke is being repaired (not one still being set up).
    const broken = facts.health === 'frozen' || isDown(facts.transport);
    if (facts.offerer || !broken || facts.remoteRepairSince !== null) return NOTHING;
    return { actions: [{ type: 'showRemoteRepair' }] };
  },

  remoteRepairTimedOut: () => ({ actions: [{ type: 'endRemoteRepair' }] }),

  /**
   * A fresh peer from the offerer while this page's own path is down would gather nothing and be
   * replaced by the next: the link moves to its generation without one, and this side asks for a fresh
   * peer once its path is back (the `pathBackGraceOver` rule). The offerer, unanswered, holds its repair
   * meanwhile (see {@link repairHold}), so an outage costs no peer connections on either side.
   */
  remoteNewPeer: (facts, { gen }) =>
    facts.ownPathDown
      ? {
          actions: [{ type: 'skipToGeneration', gen }],
          note: 'fresh peer from the remote deferred: this page’s path is down',
        }
      : { actions: [{ type: 'buildForRemote', gen, why: 'remote new peer' }] },

  /**
   * A remote incarnation's generations start over, so its messages are taken at their generation, never
   * dropped as stale; a link that served another incarnation starts over with a fresh peer.
   */
  remoteIncarnation: (facts, { gen, known }) => {
    const why = known ? 'remote restarted' : 'remote first message';
    if (facts.offerer) {
      // The answering side speaks only to a peer it has: one from this side's former partner is gone.
      if (known) return { actions: [{ type: 'newPeer', gen: Math.max(facts.gen, gen) + 1, why }] };
      if (gen === facts.gen) return { actions: [{ type: 'deliver' }] };
      if (gen > facts.gen || !facts.peerAlive)
        return { actions: [{ type: 'newPeer', gen: gen + 1, why: 'remote restarted' }] };
      return NOTHING;
    }
    // Answering side: the offerer's generation rules. A first contact at this side's own generation goes
    // to the peer already waiting for it.
    if (!known && gen === facts.gen && facts.peerAlive) return { actions: [{ type: 'deliver' }] };
    return { actions: [{ type: 'buildForRemote', gen, why }] };
  },

  /**
   * A rejoin gives the remote a new connection id, not a new page: the same incarnation keeps its peer
   * connection, untouched by the server's fate (media is peer to peer), so the link waits for the
   * remote's word before building anything. Only a link that knows whom it served and still has a peer
   * can be kept; otherwise (and on `incarnationUnconfirmed`) the link starts over.
   */
  remoteReplaced: (facts) =>
    facts.remoteIncarnationKnown && facts.peerAlive
      ? { actions: [{ type: 'confirmIncarnation' }], note: 'remote re-joined: confirm its incarnation' }
      : startOverWithRemote(facts),

  incarnationUnconfirmed: (facts) => ({
    ...startOverWithRemote(facts),
    note: 'remote incarnation unconfirmed',
  }),

  /**
   * The link is kept across the remote's re-join. A repair running meanwhile sent its negotiation to the
   * remote's former connection, which the re-join discarded (an ICE restart's offer, a request): nothing
   * would answer it, so it starts over at once, on a fresh peer, rather than wait out its step's budget.
   */
  incarnationConfirmed: (facts) =>
    facts.repairing
      ? { actions: [RENEW], note: 'repair sent to the remote’s former connection: fresh peer' }
      : NOTHING,

  /**
   * A link that ICE calls connected but that has received nothing for two stats intervals is silent. This
   * side then checks its own path; if it answers, that is half the evidence that neither end is cut off
   * (see {@link RESET_REASON.pathOk}).
   */
  transportSampled: (facts) => {
    const { now, memory } = facts;
    const connected = facts.transport === 'connected';
    // Only a peer that has carried traffic can fall silent (not one still starting up), and only from
    // when its transport (re)connected: just back from `disconnected`, its bytes still date from before.
    const silent =
      connected &&
      facts.everConnected &&
      facts.transportMovedAt >= facts.peerBuiltAt &&
      facts.expectsTraffic &&
      now - Math.max(facts.transportMovedAt, facts.connectedAt) > 2 * facts.statsIntervalMs;
    if (!silent) {
      if (memory.silentSince === null) return NOTHING;
      // Bytes again after a silence that no repair ended: the path came back by itself (a cut that ICE
      // did not notice). As after ICE's own heal, the receiver holds frames that depend on lost ones, and
      // the sender needs a moment to catch up. (A transport gone `disconnected` only ends the silence.)
      const flowing = connected && facts.transportMovedAt > memory.silentSince;
      if (!flowing || !unrepaired(facts)) return { remember: { silentSince: null } };
      return {
        remember: { silentSince: null, ...healed(facts) },
        actions: [{ type: 'refreshVideo' }],
        note: 'traffic back after a silence: healed',
      };
    }
    if (memory.silentSince !== null) return NOTHING;
    return { remember: { silentSince: now }, actions: [{ type: 'checkPath', since: now }] };
  },

  mediaSampled: judgeMediaSample,

  repairStep: (facts, { step }) => {
    switch (step) {
      case 'iceRestart':
        return { actions: [{ type: 'restartIce' }] };
      case 'newPeer':
        return { actions: [{ type: 'newPeer', gen: facts.gen + 1, why: 'repair' }] };
      case 'requestRepair':
        return { actions: [{ type: 'askRemoteRepair' }] };
      case 'requestNewPeer':
        return { actions: [{ type: 'askRemoteRenew' }] };
    }
  },

  /**
   * A stall's repair is bounded (a sender whose camera froze is not helped by more peers). If it gave up
   * with the transport not connected (the fresh peer it left never connected: the path went down
   * meanwhile), the link is broken, not the sender's source: nothing else would repair a peer that never
   * connected (the ICE watchdog acts on a drop from `connected`), so the full ladder takes over.
   */
  repairGaveUp: (facts, { bounded }) =>
    bounded && facts.transport !== 'connected'
      ? { actions: [REPAIR], note: 'bounded repair gave up with the link not connected: full repair' }
      : NOTHING,

  iceRestartRefused: (facts) => ({
    actions: [{ type: 'newPeer', gen: facts.gen + 1, why: 'no ice restart' }],
  }),
} satisfies LinkRules;

type AnyRule = (facts: LinkFacts, observation: LinkObservation) => Verdict;

/**
 * Whether the link's repair holds its next step, and why (null: go on). A step into a path that is down
 * only builds peer connections that gather nothing: while this page's own path is down, no step runs
 * (the path back renews the link at once, see `pathBackGraceOver`, and the step waits for that grace). And an offerer whose fresh peer the
 * remote has not answered for {@link UNANSWERED_AFTER_MS} builds no other on its timer for up to
 * {@link UNANSWERED_HOLD_MS}: the remote takes no part (its path is down) and says when it does. A
 * renewal (new evidence: the remote's request, signaling back, a new address) goes ahead; the remote
 * speaking at the current generation ends the hold. So a long outage of one side costs a bounded
 * number of peer connections on every side, and its end is still acted on at once.
 */
export function repairHold(facts: LinkFacts, renew: boolean): string | null {
  if (facts.ownPathDown) return 'this page’s path is down';
  // The path just came back: its grace decides between a heal and a fresh peer (pathBackGraceOver).
  if (facts.pending.pathBack) return 'the path is back: ICE gets a moment to heal by itself';
  const answered = facts.everConnected || facts.remoteHeardAt >= facts.peerBuiltAt;
  if (!facts.offerer || renew || answered) return null;
  const unanswered = facts.now - facts.peerBuiltAt;
  if (unanswered >= UNANSWERED_AFTER_MS && unanswered < UNANSWERED_AFTER_MS + UNANSWERED_HOLD_MS)
    return 'the remote has not answered the fresh peer';
  return null;
}

/**
 * The repair policy of one media link: what to do about one observation, given everything the link
 * knows. Pure: time arrives in `facts.now`, memory in `facts.memory` (and leaves in `remember`); the
 * link carries the actions out in order.
 */
export function decide(facts: LinkFacts, observation: LinkObservation): LinkDecision {
  const verdict = (RULES[observation.type] as AnyRule)(facts, observation);
  return {
    health: facts.health,
    actions: verdict.actions ?? [],
    ...(verdict.remember ? { remember: verdict.remember } : {}),
    ...(verdict.note ? { note: verdict.note } : {}),
  };
}
