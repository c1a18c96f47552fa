import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Summary } from './stats';

/** A metric's target: the statistic that must stay at or under `max`. */
export interface Target {
  stat: 'p50' | 'p95' | 'p99' | 'value';
  max: number;
}

/** One subject's figures for a metric: a trial summary, or a single measured value (e.g. bytes). */
export type SubjectResult = Summary | { value: number };

/** Everything measured for one metric in one run of its group. */
export interface MetricResult {
  metric: string;
  /** The bench group that measured it (see bench/groups). */
  group: string;
  unit: 'ms' | 'bytes' | 'peer connections' | 'MB' | '% of a core' | 'clients';
  description: string;
  target?: Target;
  /** Figures by subject: `holdfast` first, then baselines. */
  subjects: Record<string, SubjectResult>;
  /** How it was measured, said once under the table. */
  method: string;
  measuredAt: string;
}

/** The content of bench/results.json. */
export interface ResultsFile {
  updatedAt: string;
  machine: { node: string; cpus: number; cpuModel: string; platform: string };
  metrics: Record<string, MetricResult>;
}

/** Directory of results.json and results.md. */
export const BENCH_DIR = join(import.meta.dirname, '..');

function statOf(result: SubjectResult, stat: Target['stat']): number | 'never' | undefined {
  if ('value' in result) return stat === 'value' ? result.value : undefined;
  return stat === 'value' ? undefined : result[stat];
}

/** True / false when the subject's figure meets / misses the target; null without a target. */
export function meetsTarget(result: SubjectResult, target: Target | undefined): boolean | null {
  if (!target) return null;
  const value = statOf(result, target.stat);
  if (value === undefined) return null;
  return value !== 'never' && value <= target.max;
}

/** Reads results.json, replaces the metrics measured now (keeping every other group's), writes both files. */
export function mergeResults(measured: MetricResult[], dir = BENCH_DIR): ResultsFile {
  const jsonPath = join(dir, 'results.json');
  const previous: Partial<ResultsFile> = existsSync(jsonPath)
    ? JSON.parse(readFileSync(jsonPath, 'utf8'))
    : {};
  const file: ResultsFile = {
    updatedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      platform: `${process.platform} ${process.arch}`,
    },
    metrics: { ...(previous.metrics ?? {}) },
  };
  for (const result of measured) file.metrics[result.metric] = result;
  writeFileSync(jsonPath, `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(join(dir, 'results.md'), renderMarkdown(file));
  return file;
}

const cell = (value: number | 'never' | null | undefined, unit: string) =>
  value === undefined || value === null ? '–' : value === 'never' ? 'never' : `${value} ${unit}`;

/** The markdown table of every metric in `file`, with each metric's method below it. */
export function renderMarkdown(file: ResultsFile): string {
  const lines = [
    '# holdfast benchmark',
    '',
    `Updated ${file.updatedAt} · Node ${file.machine.node} · ${file.machine.cpus} × ${file.machine.cpuModel} · ${file.machine.platform}`,
    '',
    '| metric | subject | p50 | p95 | p99 | value | trials (never) | target | meets |',
    '|---|---|---:|---:|---:|---:|---:|---|:---:|',
  ];
  const metrics = Object.values(file.metrics).sort((a, b) => a.group.localeCompare(b.group));
  for (const m of metrics) {
    const target = m.target ? `${m.target.stat} ≤ ${m.target.max} ${m.unit}` : '';
    for (const [subject, r] of Object.entries(m.subjects)) {
      const met = meetsTarget(r, m.target);
      const mark = met === null || subject !== 'holdfast' ? '' : met ? 'yes' : 'NO';
      lines.push(
        'value' in r
          ? `| ${m.metric} | ${subject} | | | | ${cell(r.value, m.unit)} | | ${target} | ${mark} |`
          : `| ${m.metric} | ${subject} | ${cell(r.p50, m.unit)} | ${cell(r.p95, m.unit)} | ${cell(r.p99, m.unit)} | | ${r.trials} (${r.never}) | ${target} | ${mark} |`,
      );
    }
  }
  lines.push('', '## How each metric is measured', '');
  for (const m of metrics) lines.push(`- **${m.metric}** (${m.measuredAt}): ${m.description} ${m.method}`);
  return `${lines.join('\n')}\n`;
}
