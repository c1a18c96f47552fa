import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { isRunning, stopChild, trackChild, waitForExit } from './child-processes';
import { freeTcpPort } from './free-port';
import { waitFor } from './wait';

/** Debian's redis-server (installed by scripts/ensure-system-deps.mjs). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A real `redis-server` on a free loopback port, nothing persisted (`--save '' --appendonly no`), so
 * a kill and a start on the same port is a Redis restart that comes back empty.
 *
 * @example
 * ```ts
 * const redis = await RedisProcess.start();
 * // … redis.url …
 * await redis.kill(); await redis.start();
 * await redis.stop();
 * ```
 */
export class RedisProcess {
  readonly port: number;
  #child: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  /** Starts redis-server on a free port and waits until it accepts connections. */
  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freeTcpPort());
    await redis.start();
    return redis;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port, empty. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    trackChild(child);
    this.#child = child;
    await waitFor(() => (isRunning(child) ? accepts(this.port) : Promise.reject(new Error('redis exited'))), {
      timeoutMs: 10_000,
      what: 'redis-server to accept connections',
    });
  }

  /** SIGKILL by pid, then waits for the exit. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !isRunning(child) || child.pid === undefined) return;
    process.kill(child.pid, 'SIGKILL');
    await waitForExit(child, 10_000);
  }

  /** Graceful stop by pid. */
  async stop(): Promise<void> {
    if (this.#child) await stopChild(this.#child);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
