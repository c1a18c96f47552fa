/** A trial's figure, or `null` when the awaited outcome never happened within the bound. */
export type Sample = number | null;

/** Percentiles over trials where "never" counts as slower than anything. */
export interface Summary {
  trials: number;
  /** Trials whose outcome never happened within the bound. */
  never: number;
  /** Nearest-rank percentiles (rounded to 0.1 ms); `'never'` when the rank falls on a never. */
  p50: number | 'never';
  p95: number | 'never';
  /** Nearest-rank p99 (with fewer than 100 trials, the slowest but one or the slowest). */
  p99?: number | 'never';
  min: number | null;
  max: number | 'never' | null;
  samples: Sample[];
}

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`; Infinity stands for "never". */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no samples');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

const round = (n: number) => Math.round(n * 10) / 10;
const orNever = (n: number) => (Number.isFinite(n) ? round(n) : ('never' as const));

/** Summarizes trial samples: p50, p95, p99, min, max, count of nevers. */
export function summarize(samples: readonly Sample[]): Summary {
  const sorted = samples.map((s) => s ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const finite = sorted.filter(Number.isFinite);
  return {
    trials: samples.length,
    never: samples.length - finite.length,
    p50: orNever(percentile(sorted, 50)),
    p95: orNever(percentile(sorted, 95)),
    p99: orNever(percentile(sorted, 99)),
    min: finite.length ? round(finite[0] as number) : null,
    max: sorted.length ? orNever(sorted[sorted.length - 1] as number) : null,
    samples: [...samples],
  };
}
