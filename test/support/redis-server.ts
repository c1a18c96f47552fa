import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stopChild, trackChild } from './child-processes';
import { freeTcpPort } from './free-port';
import { withTimeout } from './wait';

/**
 * A throwaway `redis-server` on a free loopback port, nothing persisted
 * (`--save '' --appendonly no`); stopped by its pid.
 *
 * @example
 * ```ts
 * const redis = await RedisServer.start();
 * const client = createClient({ url: redis.url });
 * await redis.stop();
 * ```
 */
export class RedisServer {
  readonly port: number;
  readonly #child: ChildProcess;

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.#child = child;
  }

  /** Spawns redis-server and resolves once it accepts connections. */
  static async start(): Promise<RedisServer> {
    const port = await freeTcpPort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    const ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
      if (!child.stdout) throw new Error('redis-server stdout is not piped');
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('Ready to accept connections')) resolve();
      });
    });
    try {
      await withTimeout(ready, 10_000, 'redis-server to accept connections');
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return new RedisServer(port, child);
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The process id. */
  get pid(): number {
    if (this.#child.pid === undefined) throw new Error('redis-server has no pid');
    return this.#child.pid;
  }

  /** SIGTERM by pid (SIGKILL after 5 s). */
  async stop(): Promise<void> {
    await stopChild(this.#child);
  }
}
