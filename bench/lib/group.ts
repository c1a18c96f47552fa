import type { MetricResult } from './results';

/** Options every bench group receives. */
export interface GroupOptions {
  /** Trials per measured case. @default 10 */
  trials: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** A group of related metrics, measured together in one environment (one module in bench/groups). */
export interface BenchGroup {
  name: string;
  /** What the group measures, for `bench/run.ts --help`. */
  description: string;
  run(options: GroupOptions): Promise<MetricResult[]>;
}
