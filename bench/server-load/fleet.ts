import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { trackChild } from '../../test/support/child-processes';
import type { LoadTarget, Recovery } from './load-client';
import type { WorkerAnswer, WorkerCommand } from './load-worker';
import type { RelayRttOptions } from './relay-rtt';

/** How long any one fleet command may take before the bench gives up on it. */
const COMMAND_BOUND_MS = 240_000;

/**
 * Protocol clients spread over worker processes (`load-worker.ts`), two per session. Every command
 * goes to every worker at once and resolves with all their answers; each is bounded in time.
 */
export class Fleet {
  readonly #workers: ChildProcess[];

  private constructor(workers: ChildProcess[]) {
    this.#workers = workers;
  }

  /** The worker processes' pids. */
  get pids(): number[] {
    return this.#workers.flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }

  static start(workers: number): Fleet {
    const children = Array.from({ length: workers }, () => {
      const child = fork(join(import.meta.dirname, 'load-worker.ts'), [], {
        execArgv: ['--import', 'tsx', '--max-old-space-size=2048'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      trackChild(child);
      return child;
    });
    return new Fleet(children);
  }

  /**
   * Joins `count` clients (sessions of two, ids prefixed with `tag`), spread over the workers and
   * started at `perSec` joins per second in all.
   */
  async join(target: LoadTarget, count: number, tag: string, perSec: number): Promise<Recovery[]> {
    const shares = this.#workers.map(() => [] as [string, string][]);
    for (let i = 0; i < count; i += 1) {
      shares[i % shares.length]?.push([`${tag}-${Math.floor(i / 2)}`, `${tag}-p${i}`]);
    }
    const share = perSec / this.#workers.length;
    return (await this.#all((w) => ({
      cmd: 'join',
      target,
      clients: shares[w] ?? [],
      perSec: share,
    }))) as Recovery[];
  }

  /** Every client cuts its transport at once and recovers. */
  async drop(): Promise<Recovery[]> {
    return (await this.#all(() => ({ cmd: 'drop' }))) as Recovery[];
  }

  /** Every client waits (up to `boundMs`) to lose its socket by itself, then recovers. */
  watch(boundMs: number): Promise<(Recovery | null)[]> {
    return this.#all(() => ({ cmd: 'watch', boundMs }));
  }

  /** Relay round trips measured in the first worker. */
  async rtt(target: LoadTarget, options: RelayRttOptions): Promise<(number | null)[]> {
    const answer = await this.#ask(this.#workers[0] as ChildProcess, { cmd: 'rtt', target, options });
    if (answer.cmd !== 'rtt') throw new Error(`rtt: unexpected answer ${answer.cmd}`);
    return answer.samples;
  }

  /** Closes every client (workers stay up). */
  async closeClients(): Promise<void> {
    await Promise.all(this.#workers.map((w) => this.#ask(w, { cmd: 'close' })));
  }

  /** Stops every worker by its pid. */
  stop(): void {
    for (const worker of this.#workers)
      if (worker.pid !== undefined && worker.exitCode === null) worker.kill('SIGKILL');
  }

  async #all(command: (worker: number) => WorkerCommand): Promise<(Recovery | null)[]> {
    const answers = await Promise.all(this.#workers.map((w, i) => this.#ask(w, command(i))));
    return answers.flatMap((answer) => {
      if (answer.cmd === 'error') throw new Error(`load worker: ${answer.message}`);
      return 'results' in answer ? answer.results : [];
    });
  }

  #ask(worker: ChildProcess, command: WorkerCommand): Promise<WorkerAnswer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        reject(new Error(`load worker did not answer ${command.cmd} within ${COMMAND_BOUND_MS} ms`));
      }, COMMAND_BOUND_MS);
      const onMessage = (answer: WorkerAnswer) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        if (answer.cmd === 'error') reject(new Error(`load worker: ${answer.message}`));
        else resolve(answer);
      };
      worker.on('message', onMessage);
      worker.send(command);
    });
  }
}
