import { readFileSync } from 'node:fs';
import type { ServerProcess } from '../../test/support/server-process';

/** Clock ticks per second of /proc times (Linux `USER_HZ`). */
const TICKS_PER_SEC = 100;

/** Resident memory of `pid` in MB (from /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 102.4) / 10;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesized command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU use of `pid` over `ms`, in % of one core. */
export async function cpuPercent(pid: number, ms: number): Promise<number> {
  const before = cpuTicks(pid);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const seconds = (performance.now() - start) / 1000;
  return Math.round(((cpuTicks(pid) - before) / TICKS_PER_SEC / seconds) * 1000) / 10;
}

/** A counter from the server's `/metrics`, summed over its labels. */
export async function scrapeCounter(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
