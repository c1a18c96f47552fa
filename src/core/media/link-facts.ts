import type { TransportState } from './ice-watchdog';
import type { RepairStep } from './repair-policy';
import type { StreamHealth } from './types';

/**
 * What only the link policy writes: its conclusions from earlier observations, kept by the link between
 * decisions (returned as `remember`, merged in by the link).
 */
export interface LinkMemory {
  /** Since when the link carries nothing while ICE says connected (null: not silent). */
  readonly silentSince: number | null;
  /** When this side's own path last answered while the link was silent. */
  readonly ownPathOkAt: number;
  /** When the other side last said the same of its path (`path-ok`). */
  readonly remotePathOkAt: number;
  /** When the transport last came back by itself (no repair from either side). */
  readonly healedAt: number;
  /** A stall soon after such a heal: repaired at this time if the stream is still frozen. */
  readonly frozenRepairAt: number | null;
  /** Frames rose while the stream stayed frozen (not steady): the next stall is a new one. */
  readonly strayRise: boolean;
  /** Repairs of stalls on a working path since the stream was last steadily live. */
  readonly fruitlessRepairs: number;
  /** Video frames received when frames last decoded (a new receiver's lower count resets it). */
  readonly framesAtRise: number;
  /**
   * Signaling came back from another address while this link still counted as flowing: the running flow
   * check decides, and a link that received nothing during it gets a fresh peer (not an ICE restart).
   */
  readonly handoffCheck: boolean;
}

/** A link's memory before any observation. */
export const FRESH_LINK_MEMORY: LinkMemory = {
  silentSince: null,
  ownPathOkAt: Number.NEGATIVE_INFINITY,
  remotePathOkAt: Number.NEGATIVE_INFINITY,
  healedAt: Number.NEGATIVE_INFINITY,
  frozenRepairAt: null,
  strayRise: false,
  fruitlessRepairs: 0,
  framesAtRise: 0,
  handoffCheck: false,
};

/** Everything a link knows when it asks the policy, read at one instant (`now`). */
export interface LinkFacts {
  readonly now: number;
  /** This side offers (simple-peer initiator) and so performs repairs itself. */
  readonly offerer: boolean;
  /** The link's current generation. */
  readonly gen: number;
  /** The current peer's transport (`closed` without a live peer). */
  readonly transport: TransportState;
  readonly peerAlive: boolean;
  /** The current peer was connected at least once (before this observation). */
  readonly everConnected: boolean;
  /** The remote stream's health as the frozen detector reads it after this observation. */
  readonly health: StreamHealth;
  /** Frames rise again after a stall, not yet steadily. */
  readonly rising: boolean;
  /** When decoded frames (or audio packets) were last seen rising. */
  readonly lastRiseAt: number;
  /** When the reading that rise was counted from was taken (see `FrozenDetector.lastRiseFromAt`). */
  readonly lastRiseFromAt: number;
  /** The remote stream sends the media its health is judged on. */
  readonly expectsMedia: boolean;
  /** Media flows one way or the other, so the transport should receive packets (media or RTCP). */
  readonly expectsTraffic: boolean;
  /** This side's repair runs. */
  readonly repairing: boolean;
  /** (Answering side) since when the offerer has been seen repairing (null: it is not). */
  readonly remoteRepairSince: number | null;
  /** When a repair of this link (by either side) last started or ended. */
  readonly repairedAt: number;
  readonly peerBuiltAt: number;
  /** A message of the remote told its incarnation (this link knows which page it serves). */
  readonly remoteIncarnationKnown: boolean;
  /**
   * When the remote last spoke at the current generation (an answer, a candidate, a request). Before
   * `peerBuiltAt`: the current peer has not been answered.
   */
  readonly remoteHeardAt: number;
  /**
   * This page's own media path is down: a path probe launched since the last evidence of a network
   * change (signaling back, `online`) failed, and none answered since.
   */
  readonly ownPathDown: boolean;
  /** When the transport's received bytes last grew. */
  readonly transportMovedAt: number;
  /** When the current peer's transport last became `connected` (a silence is counted from then on). */
  readonly connectedAt: number;
  /** Checks already under way (a second request joins the first). */
  readonly pending: { readonly flowCheck: boolean; readonly pathBack: boolean; readonly departure: boolean };
  readonly frozenAfterMs: number;
  readonly statsIntervalMs: number;
  readonly memory: LinkMemory;
}

/** What happened to the link: an event, a timer, or the result of a check the policy asked for. */
export type LinkObservation =
  /** A fresh peer was built. */
  | { type: 'peerBuilt' }
  /** The transport state changed (from `before` to `facts.transport`). */
  | { type: 'transportChanged'; before: TransportState }
  /** The ICE watchdog: `failed`, or `disconnected` for longer than its timeout. */
  | { type: 'transportBroken'; cause: 'failed' | 'disconnected' }
  /** simple-peer destroyed the peer; `iceFailed`: the watchdog saw `failed` first. */
  | { type: 'peerDied'; iceFailed: boolean }
  /** The moment given to the other side's departure is over. */
  | { type: 'departureWaitOver' }
  /** Signaling is back after a drop of `downtimeMs`; `force`: `forceMediaReconnectionAfterNetworkDrop`. */
  | { type: 'signalingRestored'; force: boolean; downtimeMs: number; addressChanged?: boolean }
  /** Evidence of a network change without a signaling drop (the browser's `online`). */
  | { type: 'networkChanged'; why: string }
  /** The flow check is over: the transport received bytes during it, or not. */
  | { type: 'flowChecked'; moved: boolean }
  /**
   * After the handoff at `handoffAt` (signaling back from another address), the browser showed a local
   * address it did not have before, later than the repair that the handoff started.
   */
  | { type: 'localAddressAppeared'; handoffAt: number }
  /** This page's own path answers again after being down. */
  | { type: 'pathBack'; downAt: number }
  /**
   * The grace after the path came back is over; `healing`: ICE checks or bytes reach the link again;
   * `downAt`: when the last probe that failed was launched.
   */
  | { type: 'pathBackGraceOver'; healing: boolean; downAt: number }
  /** This side's own path check, launched at `since` for a silent link, answered. */
  | { type: 'ownPathChecked'; since: number; ok: boolean }
  /** A `reset` at the current generation from the answering side. */
  | { type: 'remoteReset'; reason: 'repair' | 'renew' | 'path-ok' }
  /** An offer arrived with no live peer to take it (answering side). */
  | { type: 'offerWithoutPeer' }
  /** An offer or a fresh peer from the offering side (an ICE restart or a renewal, or first contact). */
  | { type: 'remoteFreshPeer' }
  /** (Answering side) the offerer built a fresh peer under the newer generation `gen`. */
  | { type: 'remoteNewPeer'; gen: number }
  /** The offerer's repair outlived one fresh-peer budget without media flowing. */
  | { type: 'remoteRepairTimedOut' }
  /** The first message of a remote incarnation, at generation `gen`; `known`: the link served another. */
  | { type: 'remoteIncarnation'; gen: number; known: boolean }
  /** The remote participant re-joined under a new connection (same identity). */
  | { type: 'remoteReplaced' }
  /** No word came from the remote's new connection in time to tell its incarnation. */
  | { type: 'incarnationUnconfirmed' }
  /** The remote's new connection spoke as the same incarnation: the link is kept, re-bound to it. */
  | { type: 'incarnationConfirmed' }
  /** The transport's bytes were read (every stats interval). */
  | { type: 'transportSampled' }
  /** The remote stream was read: health `before` the reading, video frames received so far. */
  | { type: 'mediaSampled'; before: StreamHealth; framesReceived: number }
  /** The link's repair chose `step` for its next attempt. */
  | { type: 'repairStep'; step: RepairStep }
  /** The peer refused an ICE restart (e.g. a stopped transceiver). */
  | { type: 'iceRestartRefused' }
  /** This side's repair gave up after its last attempt; `bounded`: it had fewer than the full ladder. */
  | { type: 'repairGaveUp'; bounded: boolean };

/** The `type` of every observation. */
export type LinkObservationType = LinkObservation['type'];

/** What the link must do, as data, in order. Only the link carries actions out. */
export type LinkAction =
  /** Start a repair, or nudge the running one (`renew` skips an ICE restart; `maxAttempts` bounds a new one). */
  | { type: 'repair'; renew?: boolean; maxAttempts?: number }
  /** `restartIce()` and a new offer on the same peer (a fresh peer if the peer refuses). */
  | { type: 'restartIce' }
  /** Offerer: a fresh peer under generation `gen`, the answerer told first. */
  | { type: 'newPeer'; gen: number; why: string }
  /** Answerer: a fresh peer for the offerer's generation `gen`. */
  | { type: 'buildForRemote'; gen: number; why: string }
  /**
   * Answerer: move to the offerer's generation `gen` without a peer (the current one is closed), so that
   * this side's later requests reach the offerer at its generation.
   */
  | { type: 'skipToGeneration'; gen: number }
  /** Take the message as any other at this generation. */
  | { type: 'deliver' }
  /** Take the remote's next offer (or fresh peer) at any generation. */
  | { type: 'adoptNextOffer' }
  /**
   * Keep the peer and ask the remote's new connection which incarnation it is (`rebind`): the same page
   * keeps the link, re-bound to that connection; another page resets it (`incarnationUnconfirmed` follows
   * if no word comes).
   */
  | { type: 'confirmIncarnation' }
  /** Answerer: ask the offerer to repair the link. */
  | { type: 'askRemoteRepair' }
  /** Answerer: ask the offerer for a fresh peer. */
  | { type: 'askRemoteRenew' }
  /** Answerer: tell the offerer the link is silent while this side's path answers. */
  | { type: 'sendPathOk' }
  /** Watch the transport's bytes for a moment (`flowChecked` follows). */
  | { type: 'checkFlow'; why: string }
  /** Probe this page's own path from `since` on (`ownPathChecked` follows). */
  | { type: 'checkPath'; since: number }
  /** Give ICE a moment to heal by itself (`pathBackGraceOver` follows, with `downAt`). */
  | { type: 'watchPathBack'; downAt: number }
  /** Give the other side a moment: it may be leaving (`departureWaitOver` follows). */
  | { type: 'awaitDeparture' }
  /** Watch this page's own path (the link broke, or its media froze on a silent path). */
  | { type: 'suspect' }
  /** Pause video senders: nothing is encoded into a dead path. */
  | { type: 'pauseVideo' }
  /** Restart video senders with a key frame (pause, then resume). */
  | { type: 'refreshVideo' }
  /** Emit `MEDIA_FROZEN` for the remote stream. */
  | { type: 'reportFrozen' }
  /** (Answering side) show the offerer's repair as `recovering`. */
  | { type: 'showRemoteRepair' }
  /** (Answering side) the offerer's repair is over (media flows, or its budget ran out). */
  | { type: 'endRemoteRepair' };

/** What the link does after one observation. */
export interface LinkDecision {
  /** The remote stream's health to show (the frozen detector's reading: the policy never overrides it). */
  readonly health: StreamHealth;
  readonly actions: readonly LinkAction[];
  /** Memory to merge into the link's. */
  readonly remember?: Partial<LinkMemory>;
  /** Why the policy chose as it did, where that is worth a log line. */
  readonly note?: string;
}

/** The transport is down (not merely still connecting). */
export function isDown(state: TransportState): boolean {
  return state === 'disconnected' || state === 'failed' || state === 'closed';
}

/** The remote media is frozen or being repaired. */
export function isTroubled(facts: LinkFacts): boolean {
  return facts.health === 'frozen' || facts.health === 'recovering';
}

/** Media flows again: transport connected and, if media is expected, frames risen since `since`. */
export function flowsSince(facts: LinkFacts, since: number): boolean {
  // Frames counted from a reading taken before `since` may be the jitter buffer's, from before the fault.
  return facts.transport === 'connected' && (!facts.expectsMedia || facts.lastRiseFromAt >= since);
}

/** The link is broken, its media frozen, or it is silent: this page's own path is worth watching. */
export function watchesPath(facts: LinkFacts): boolean {
  return isDown(facts.transport) || isTroubled(facts) || facts.memory.silentSince !== null;
}
