import { type Clock, clearTimer, type TimerHandle } from '../clock';
import {
  type RepairContext,
  type RepairPolicy,
  type RepairStep,
  repairStep,
  retryDelay,
  stepBudget,
} from './repair-policy';

/** What a {@link LinkRepairer} needs from its link. */
export interface RepairHooks {
  /** What the link can do now (offerer or not, peer alive), for choosing a step. */
  context(renew: boolean): RepairContext;
  /** Resolves when signaling is up (every step needs it); rejects when the session ends. */
  whenSignalingUp(signal: AbortSignal): Promise<void>;
  /**
   * Why the next step must wait (null: it may run); `renew`: it would be a renewal. Asked again on every
   * {@link LinkRepairer.check} and at least every {@link HOLD_RECHECK_MS}.
   */
  hold(renew: boolean): string | null;
  /** The repair holds for `reason` (once per hold). */
  onHold?(reason: string): void;
  /** Starts one step (returns at once; its outcome shows through {@link isHealthy}). */
  runStep(step: RepairStep, attempt: number): void;
  /** True when media flows again: transport connected and, if media is expected, progress since `since`. */
  isHealthy(since: number): boolean;
  /** The link started or stopped repairing (drives `recovering`). */
  onRepairingChanged(repairing: boolean): void;
  /**
   * The repair ended: healthy again, given up after `maxAttempts`, or cancelled. `bounded`: it was
   * started with fewer than {@link MAX_REPAIR_ATTEMPTS} attempts (a stall's repair).
   */
  onFinished?(outcome: 'healthy' | 'gaveUp' | 'cancelled', attempts: number, bounded: boolean): void;
}

/** Attempts of one repair before it gives up (a later trigger starts a new one). */
export const MAX_REPAIR_ATTEMPTS = 40;
/** While a repair holds, how often it asks again whether it may go on (besides every `check()`). */
export const HOLD_RECHECK_MS = 1_000;

/**
 * Runs the repairs of one link, one at a time: escalates step by step, each with its budget, waits
 * for signaling before a step, and stops as soon as media flows again. A request while a repair runs
 * does not start a second one: it nudges the running one (skips its pause, or ends a step that has run
 * for a while), which is how the other side says "I am back".
 */
export class LinkRepairer {
  readonly #clock: Clock;
  readonly #policy: RepairPolicy;
  readonly #hooks: RepairHooks;
  #abort: AbortController | null = null;
  #wake: (() => void) | null = null;
  #nudged = false;
  #renewNext = false;

  constructor(clock: Clock, policy: RepairPolicy, hooks: RepairHooks) {
    this.#clock = clock;
    this.#policy = policy;
    this.#hooks = hooks;
  }

  /** True while a repair runs. */
  get running(): boolean {
    return this.#abort !== null;
  }

  /**
   * Starts a repair, or nudges the running one. `renew` skips the ICE restart; `maxAttempts` bounds a new
   * repair (a stall on a working path: if an ICE restart and a fresh peer bring no frames, more will not).
   */
  request({
    renew = false,
    maxAttempts = MAX_REPAIR_ATTEMPTS,
  }: {
    renew?: boolean;
    maxAttempts?: number;
  } = {}): void {
    if (this.#abort) {
      if (renew) this.#renewNext = true;
      this.#nudged = true;
      this.#wakeUp();
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    this.#hooks.onRepairingChanged(true);
    void this.#run(abort, renew, maxAttempts).then((outcome) => {
      if (this.#abort !== abort) return;
      this.#abort = null;
      this.#hooks.onRepairingChanged(false);
      this.#hooks.onFinished?.(outcome.result, outcome.attempts, maxAttempts < MAX_REPAIR_ATTEMPTS);
    });
  }

  /** Health may have changed: re-check now. */
  check(): void {
    this.#wakeUp();
  }

  /** Stops the running repair, if any. */
  cancel(): void {
    const abort = this.#abort;
    if (!abort) return;
    this.#abort = null;
    abort.abort();
    this.#wakeUp();
    this.#hooks.onRepairingChanged(false);
    this.#hooks.onFinished?.('cancelled', 0, false);
  }

  async #run(
    abort: AbortController,
    renew: boolean,
    maxAttempts: number,
  ): Promise<{ result: 'healthy' | 'gaveUp' | 'cancelled'; attempts: number }> {
    let renewNow = renew;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const delay = this.#nudged ? 0 : retryDelay(attempt, this.#policy);
      this.#nudged = false;
      if (delay > 0) await this.#sleepUntil(this.#clock.now() + delay, abort.signal, () => this.#nudged);
      if (abort.signal.aborted) return { result: 'cancelled', attempts: attempt };
      try {
        await this.#hooks.whenSignalingUp(abort.signal);
        const held = await this.#holdWhile(abort.signal, renewNow);
        if (held === 'healthy') return { result: 'healthy', attempts: attempt };
        // Signaling may have dropped during the hold.
        if (held === 'held') await this.#hooks.whenSignalingUp(abort.signal);
      } catch {
        return { result: 'cancelled', attempts: attempt };
      }
      if (abort.signal.aborted) return { result: 'cancelled', attempts: attempt };
      renewNow = renewNow || this.#renewNext;
      this.#renewNext = false;
      const step = repairStep(attempt, this.#hooks.context(renewNow));
      renewNow = false;
      const startedAt = this.#clock.now();
      this.#nudged = false;
      this.#hooks.runStep(step, attempt);
      const deadline = startedAt + stepBudget(step, this.#policy);
      const nudgeFrom = startedAt + this.#policy.nudgeAfterMs;
      await this.#sleepUntil(deadline, abort.signal, () => {
        // A renewal skips what is left of an ICE restart (or of a request for one) at once.
        if (this.#renewNext)
          return step === 'iceRestart' || step === 'requestRepair' || this.#clock.now() >= nudgeFrom;
        if (this.#hooks.isHealthy(startedAt)) return true;
        // An ICE restart is short and a second one would only queue behind it: let it run out.
        return this.#nudged && step !== 'iceRestart' && this.#clock.now() >= nudgeFrom;
      });
      if (abort.signal.aborted) return { result: 'cancelled', attempts: attempt + 1 };
      // A renewal asked for meanwhile still has to happen, healthy or not.
      if (this.#hooks.isHealthy(startedAt) && !this.#renewNext)
        return { result: 'healthy', attempts: attempt + 1 };
    }
    return { result: 'gaveUp', attempts: maxAttempts };
  }

  /**
   * Waits while the link asks to hold its next step: 'go' when it did not, 'held' once the hold ended,
   * 'healthy' when media flows again meanwhile (the link healed by itself).
   */
  async #holdWhile(signal: AbortSignal, renew: boolean): Promise<'go' | 'held' | 'healthy'> {
    const reasonNow = () => this.#hooks.hold(renew || this.#renewNext);
    let reason = reasonNow();
    if (reason === null) return 'go';
    const since = this.#clock.now();
    let told: string | null = null;
    while (reason !== null && !signal.aborted) {
      if (reason !== told) this.#hooks.onHold?.(reason);
      told = reason;
      await this.#sleepUntil(
        this.#clock.now() + HOLD_RECHECK_MS,
        signal,
        () => reasonNow() === null || this.#hooks.isHealthy(since),
      );
      if (this.#hooks.isHealthy(since)) return 'healthy';
      reason = reasonNow();
    }
    return 'held';
  }

  /** Sleeps until `deadline`, waking early when `done()` holds on a wake-up or on abort. */
  async #sleepUntil(deadline: number, signal: AbortSignal, done: () => boolean): Promise<void> {
    while (!signal.aborted && !done()) {
      const left = deadline - this.#clock.now();
      if (left <= 0) return;
      let timer: TimerHandle | null = null;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = this.#clock.setTimeout(resolve, left);
      });
      clearTimer(this.#clock, timer);
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
