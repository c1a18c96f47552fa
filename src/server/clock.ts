/** Opaque handle of a scheduled timer. */
export type ServerTimer = unknown;

/**
 * Every timer and every reading of time in the server's session logic goes through a clock, so grace,
 * eviction, retention and rate limiting can be driven by fake time in tests. (The server never imports
 * client code, so this mirrors the core's `Clock` instead of importing it.)
 */
export interface ServerClock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): ServerTimer;
  clearTimeout(handle: ServerTimer): void;
}

/** Wall time and Node's timers. */
export const systemClock: ServerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeJS.Timeout),
};
