import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long. @default 10000 */
  timeoutMs?: number;
  /** Time between two checks. @default 50 */
  intervalMs?: number;
  /** Said in the error when the condition never held. @default 'condition' */
  what?: string;
}

/**
 * Polls `check` until it returns a value other than `undefined`, `null` or `false`, and resolves with
 * that value. Rejects after `timeoutMs` with an error naming `what` (and the last error `check` threw).
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' }: WaitOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number): Promise<void> => sleep(ms).then(() => undefined);

/**
 * Races `promise` against a timeout; rejects with an error naming `what` when the time runs out.
 * The timer never keeps the process alive.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
