/** One step of a link repair. */
export type RepairStep =
  /** `restartIce()` and a new offer on the same peer connection (media keeps its senders). */
  | 'iceRestart'
  /** A fresh peer with the same configuration, under a new link generation. */
  | 'newPeer'
  /** (Answering side) ask the offering side to repair the link. */
  | 'requestRepair'
  /** (Answering side) ask the offering side for a fresh peer. */
  | 'requestNewPeer';

/** Budgets and pacing of link repairs. All times in milliseconds. */
export interface RepairPolicy {
  /** How long an ICE restart may take to bring media back before escalating. @default 2500 */
  iceRestartBudgetMs: number;
  /** How long a fresh peer may take to bring media back before trying again. @default 5000 */
  newPeerBudgetMs: number;
  /** How long the answering side waits on a request before asking again. @default 3000 */
  requestBudgetMs: number;
  /** Pause before the third and later attempts (doubles, capped). @default 500 */
  retryDelayMs: number;
  /** Cap of that pause. @default 4000 */
  maxRetryDelayMs: number;
  /** A step that ran at least this long may be cut short by a nudge (e.g. the other side is back). @default 1500 */
  nudgeAfterMs: number;
}

/** The budgets holdfast uses. */
export const DEFAULT_REPAIR_POLICY: RepairPolicy = {
  iceRestartBudgetMs: 2500,
  newPeerBudgetMs: 5000,
  requestBudgetMs: 3000,
  retryDelayMs: 500,
  maxRetryDelayMs: 4000,
  nudgeAfterMs: 1500,
};

/** What the link can do right now, for choosing a step. */
export interface RepairContext {
  /** This side offers (simple-peer initiator) and so performs repairs itself. */
  offerer: boolean;
  /** The current peer connection is still usable (not closed or destroyed). */
  peerAlive: boolean;
  /** Skip the ICE restart: rebuild at once (forced renewal). */
  renew: boolean;
}

/**
 * The escalation ladder: an ICE restart where the peer allows it, then fresh peers. The answering side
 * only asks, first for a repair, then (peer gone or asks unanswered) for a fresh peer.
 */
export function repairStep(attempt: number, context: RepairContext): RepairStep {
  const rebuild = context.renew || !context.peerAlive || attempt > 0;
  if (context.offerer) return rebuild ? 'newPeer' : 'iceRestart';
  return rebuild && (context.renew || !context.peerAlive || attempt > 1) ? 'requestNewPeer' : 'requestRepair';
}

/** How long a step may take before the next attempt. */
export function stepBudget(step: RepairStep, policy: RepairPolicy): number {
  switch (step) {
    case 'iceRestart':
      return policy.iceRestartBudgetMs;
    case 'newPeer':
      return policy.newPeerBudgetMs;
    default:
      return policy.requestBudgetMs;
  }
}

/** Pause before attempt `attempt` (0-based): none for the first two, then doubling up to the cap. */
export function retryDelay(attempt: number, policy: RepairPolicy): number {
  if (attempt < 2) return 0;
  return Math.min(policy.retryDelayMs * 2 ** (attempt - 2), policy.maxRetryDelayMs);
}
