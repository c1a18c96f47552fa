/** Opaque handle of a scheduled timer. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/**
 * Every timer and every reading of time in the core goes through a clock, so reconnection and
 * detection policies run on fake time in tests.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock (wall time and the platform's timers). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/**
 * Cancels `handle` on `clock` when a timer is set, and returns null for the caller to store back:
 * `this.#timer = clearTimer(clock, this.#timer)`.
 */
export function clearTimer(clock: Clock, handle: TimerHandle | null): null {
  if (handle !== null) clock.clearTimeout(handle);
  return null;
}

/** Source of randomness in [0, 1); injected so jitter is reproducible in tests. */
export type Random = () => number;

export const systemRandom: Random = () => Math.random();

/** `length` characters from 0-9 and a-z, drawn from `random` (ids such as identities and stream ids). */
export function randomBase36(random: Random, length: number): string {
  let text = '';
  // `% 36` keeps one character per draw even from an injected random that returns 1.
  for (let i = 0; i < length; i += 1) text += (Math.floor(random() * 36) % 36).toString(36);
  return text;
}
