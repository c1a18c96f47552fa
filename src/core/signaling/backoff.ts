/** A fully resolved retry policy (every field set). */
export interface BackoffPolicy {
  initialDelayMs: number;
  multiplier: number;
  maxDelayInGraceMs: number;
  maxDelayMs: number;
  jitter: number;
}

/**
 * How long to wait after the `failures`-th failed attempt in a row before the next one: capped
 * exponential growth (`initialDelayMs × multiplier^(failures-1)`), capped by `maxDelayInGraceMs` while
 * the server still keeps our place (resuming is cheap, retry often) and by `maxDelayMs` after, then
 * jittered down by up to `jitter` of itself so many clients do not retry in step.
 *
 * Pure: the random draw is a parameter. The result lies in `[capped × (1 − jitter), capped]`.
 *
 * @param failures - failed attempts so far in this outage, from 1.
 * @param inGrace - true while the server's eviction grace has not run out.
 * @param random - a draw in [0, 1).
 */
export function retryDelay(
  failures: number,
  inGrace: boolean,
  policy: BackoffPolicy,
  random: number,
): number {
  const cap = Math.max(
    0,
    inGrace ? Math.min(policy.maxDelayInGraceMs, policy.maxDelayMs) : policy.maxDelayMs,
  );
  const exponent = Math.max(0, Math.floor(failures) - 1);
  const grown = policy.initialDelayMs * Math.max(1, policy.multiplier) ** exponent;
  const capped = Math.min(cap, Math.max(0, Number.isFinite(grown) ? grown : cap));
  const jitter = clamp01(policy.jitter);
  return Math.round(capped * (1 - jitter * clamp01(random)));
}

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
