import type { ServerClock, ServerTimer } from '../clock';
import { type LogContext, logEvent, type ServerLogger } from '../logger';

/** Options of a {@link RefusalLog}. */
export interface RefusalLogOptions {
  logger: ServerLogger;
  clock: ServerClock;
  /** Lines logged per code and interval before the rest are only counted. @default 5 */
  perCode?: number;
  /** Length of an interval (ms). @default 10000 */
  intervalMs?: number;
}

interface Tally {
  event: string;
  code: string;
  logged: number;
  suppressed: number;
  level: 'warn' | 'debug';
}

/**
 * Logs refusals sampled, so whoever sends bad input cannot drive the log volume: per error code and
 * per interval (and per kind of refusal), the first `perCode` get their own line; the rest are
 * counted, and one `refusals suppressed` line per code gives the count when the interval ends.
 */
export class RefusalLog {
  readonly #log: ServerLogger;
  readonly #clock: ServerClock;
  readonly #perCode: number;
  readonly #intervalMs: number;
  readonly #tallies = new Map<string, Tally>();
  #timer: ServerTimer | null = null;

  constructor(options: RefusalLogOptions) {
    this.#log = options.logger;
    this.#clock = options.clock;
    this.#perCode = options.perCode ?? 5;
    this.#intervalMs = options.intervalMs ?? 10_000;
  }

  /** One refusal of `code`, logged as `event` at `level` unless this interval's sample is full. */
  refused(level: 'warn' | 'debug', event: string, code: string, context: LogContext): void {
    const key = `${event}\u0000${code}`;
    let tally = this.#tallies.get(key);
    if (!tally) {
      tally = { event, code, logged: 0, suppressed: 0, level };
      this.#tallies.set(key, tally);
    }
    if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => this.flush(), this.#intervalMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    if (tally.logged < this.#perCode) {
      tally.logged += 1;
      logEvent(this.#log, level, event, { code, ...context });
      return;
    }
    tally.suppressed += 1;
  }

  /** Ends the interval: a summary line per code with suppressed refusals, then counting starts over. */
  flush(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    for (const tally of this.#tallies.values()) {
      if (tally.suppressed > 0) {
        logEvent(this.#log, tally.level, 'refusals suppressed', {
          refusal: tally.event,
          code: tally.code,
          suppressed: tally.suppressed,
          logged: tally.logged,
          intervalMs: this.#intervalMs,
        });
      }
    }
    this.#tallies.clear();
  }

  /** Flushes and stops (server shutdown). */
  dispose(): void {
    this.flush();
  }
}
