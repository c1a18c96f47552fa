import type { ChildProcess } from 'node:child_process';
import { withTimeout } from './wait';

const live = new Set<ChildProcess>();
let hooked = false;

/**
 * Remembers a child process so it is SIGKILLed if the test process exits without stopping it
 * (a failed test must not leave a server or a TURN relay running).
 */
export function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) {
        if (c.pid !== undefined) {
          try {
            process.kill(c.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    });
  }
}

/** True while the child has neither exited nor been killed by a signal. */
export const isRunning = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null;

/** Resolves with the exit code (or signal) once the child has exited; rejects after `timeoutMs`. */
export async function waitForExit(
  child: ChildProcess,
  timeoutMs = 10_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!isRunning(child)) return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return withTimeout(exited, timeoutMs, `process ${child.pid} to exit`);
}

/**
 * Stops a child by its pid: SIGCONT (a stopped process cannot handle `signal`), `signal` (SIGTERM by
 * default), then SIGKILL if it has not exited after `graceMs`.
 */
export async function stopChild(
  child: ChildProcess,
  graceMs = 5_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!isRunning(child) || child.pid === undefined) return;
  const pid = child.pid;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };
  send('SIGCONT');
  send(signal);
  try {
    await waitForExit(child, graceMs);
  } catch {
    send('SIGKILL');
    await waitForExit(child, 5_000);
  }
}
