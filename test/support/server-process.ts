import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type {
  ConnectionTokenResponse,
  CreateConnectionRequest,
  HealthResponse,
  SessionDescription,
} from '../../src/protocol';
import { isRunning, stopChild, trackChild, waitForExit } from './child-processes';
import { withTimeout } from './wait';

/** Repository root (where `src/server/cli.ts` lives). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Options of {@link ServerProcess.start}; each maps to a CLI flag of `holdfast-server`. */
export interface ServerProcessOptions {
  /** `--port`; 0 picks a free port. @default 0 */
  port?: number;
  /** `--host`: the address to listen on (also the one {@link ServerProcess.url} names). @default '127.0.0.1' */
  host?: string;
  /** `--secret` for the REST API. @default a random one */
  secret?: string;
  /** `--grace-ms`. @default the server's (12000) */
  graceMs?: number;
  /** `--ping-interval-ms`. @default the server's (1000) */
  pingIntervalMs?: number;
  /** `--ping-timeout-ms`. @default the server's (1500) */
  pingTimeoutMs?: number;
  /** `--ice-servers` (JSON). @default the server's */
  iceServers?: RTCIceServer[];
  /** `--ice-transport-policy`. @default the server's */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** `--rate-limit-per-sec`. @default the server's (100) */
  rateLimitPerSec?: number;
  /** `--rate-limit-burst`. @default the server's (200) */
  rateLimitBurst?: number;
  /** `--node-id`. @default the server's */
  nodeId?: string;
  /** `--log-level`. @default 'info' */
  logLevel?: string;
  /** `--webhook-url`. @default none */
  webhookUrl?: string;
  /** `--webhook-secret` (`whsec_…`). @default none */
  webhookSecret?: string;
  /** `--webhook-timeout-ms`. @default the server's (10000) */
  webhookTimeoutMs?: number;
  /** `--webhook-retry-delays-ms` (joined with commas). @default the server's */
  webhookRetryDelaysMs?: number[];
  /** `--redis-url`: run as a node of the cluster on this Redis. @default a single server */
  redisUrl?: string;
  /** `--public-url`. @default the server's (its listening URL) */
  publicUrl?: string;
  /** Node flags for the server process (before `--import tsx`), e.g. `--cpu-prof`. @default [] */
  nodeArgs?: string[];
  /** More CLI arguments, appended as given. */
  extraArgs?: string[];
  /** How long to wait for the `listening` line. @default 30000 */
  startTimeoutMs?: number;
}

/** One pino log line of the server, parsed. */
export type ServerLogLine = Record<string, unknown> & { msg?: string };

/**
 * The real holdfast server as a child process (`node --import tsx src/server/cli.ts`), so a test can
 * stop, freeze (SIGSTOP) or kill (SIGKILL) it and restart it on the same port with no state.
 *
 * @example
 * ```ts
 * const server = await ServerProcess.start({ graceMs: 12_000 });
 * const { sessionId } = await server.createSession();
 * const { token } = await server.createToken(sessionId);
 * await server.kill(); await server.restart();
 * ```
 */
export class ServerProcess {
  readonly options: ServerProcessOptions;
  readonly secret: string;
  /** Every log line of every run, bounded to the last 5000. */
  readonly logs: ServerLogLine[] = [];
  #child: ChildProcess | null = null;
  #port = 0;

  private constructor(options: ServerProcessOptions) {
    this.options = options;
    this.secret = options.secret ?? randomBytes(24).toString('hex');
  }

  /** Spawns the server and resolves once it printed its `listening` line. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const server = new ServerProcess(options);
    await server.#spawn(options.port ?? 0);
    return server;
  }

  /** The port the server listens on (kept across restarts). */
  get port(): number {
    return this.#port;
  }

  /** `http://<host>:<port>` (`host` defaults to 127.0.0.1). */
  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.#port}`;
  }

  /** The process id of the current run. */
  get pid(): number {
    const pid = this.#child?.pid;
    if (pid === undefined) throw new Error('server is not running');
    return pid;
  }

  /** True while the current run has not exited. */
  get running(): boolean {
    return this.#child !== null && isRunning(this.#child);
  }

  /** Log lines whose `msg` equals `msg`. */
  logsWith(msg: string): ServerLogLine[] {
    return this.logs.filter((line) => line.msg === msg);
  }

  /** `POST /api/sessions`. */
  async createSession(customSessionId?: string): Promise<SessionDescription> {
    const body = customSessionId === undefined ? {} : { customSessionId };
    return (await this.rest('POST', '/api/sessions', body)) as SessionDescription;
  }

  /** `POST /api/sessions/:id/connections`: a token for `sessionId`. */
  async createToken(
    sessionId: string,
    request: CreateConnectionRequest = {},
  ): Promise<ConnectionTokenResponse> {
    const path = `/api/sessions/${encodeURIComponent(sessionId)}/connections`;
    return (await this.rest('POST', path, request)) as ConnectionTokenResponse;
  }

  /** `GET /api/health`. */
  async health(): Promise<HealthResponse> {
    return (await this.rest('GET', '/api/health')) as HealthResponse;
  }

  /** Calls the REST API with the secret; rejects with the status and body unless 2xx. */
  async rest(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${this.secret}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(10_000),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(`${this.url}${path}`, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  }

  /**
   * Stops the server now: SIGINT by pid (SIGTERM would start a drain for a rotation), SIGKILL if it has
   * not exited within 5 s.
   */
  async stop(): Promise<void> {
    if (this.#child) await stopChild(this.#child, 5_000, 'SIGINT');
  }

  /** SIGTERM: a planned rotation (the node drains, then stops when empty or at the deadline). */
  rotate(): void {
    process.kill(this.pid, 'SIGTERM');
  }

  /** Waits for the current run to exit by itself; resolves with its code and signal. */
  async exited(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.#child) throw new Error('server was never started');
    if (!isRunning(this.#child)) {
      return { code: this.#child.exitCode, signal: this.#child.signalCode };
    }
    return waitForExit(this.#child, timeoutMs);
  }

  /** Sends `signal` (default SIGKILL: a crash, no cleanup) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || !isRunning(child)) return;
    process.kill(this.pid, signal);
    await waitForExit(child, 10_000);
  }

  /** Freezes the process (SIGSTOP): sockets stay open, nothing is answered. */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  /** Thaws a frozen process (SIGCONT). */
  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** Starts a new run on the same port, with no state; stops the current run first if it still runs. */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.#spawn(this.#port);
  }

  async #spawn(port: number): Promise<void> {
    const o = this.options;
    const args = [
      ...(o.nodeArgs ?? []),
      '--import',
      'tsx',
      'src/server/cli.ts',
      '--port',
      String(port),
      '--secret',
      this.secret,
    ];
    const flag = (name: string, value: unknown) => {
      if (value !== undefined)
        args.push(`--${name}`, typeof value === 'string' ? value : JSON.stringify(value));
    };
    flag('host', o.host);
    flag('grace-ms', o.graceMs);
    flag('ping-interval-ms', o.pingIntervalMs);
    flag('ping-timeout-ms', o.pingTimeoutMs);
    flag('ice-servers', o.iceServers);
    flag('ice-transport-policy', o.iceTransportPolicy);
    flag('rate-limit-per-sec', o.rateLimitPerSec);
    flag('rate-limit-burst', o.rateLimitBurst);
    flag('node-id', o.nodeId);
    flag('log-level', o.logLevel ?? 'info');
    flag('webhook-url', o.webhookUrl);
    flag('webhook-secret', o.webhookSecret);
    flag('webhook-timeout-ms', o.webhookTimeoutMs);
    flag('webhook-retry-delays-ms', o.webhookRetryDelaysMs?.join(','));
    flag('redis-url', o.redisUrl);
    flag('public-url', o.publicUrl);
    args.push(...(o.extraArgs ?? []));

    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    this.#child = child;
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.push(chunk.toString());
      if (stderr.length > 200) stderr.shift();
    });
    const listening = new Promise<number>((resolvePort, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`server exited before listening (${code ?? signal}):\n${stderr.join('')}`)),
      );
      // Keep reading stdout for the whole run: a full pipe would block the server.
      if (!child.stdout) throw new Error('server stdout is not piped');
      createInterface({ input: child.stdout }).on('line', (text) => {
        const line = parseLine(text);
        this.logs.push(line);
        if (this.logs.length > 5000) this.logs.shift();
        if (line.msg === 'listening' && typeof line.port === 'number') resolvePort(line.port);
      });
    });
    try {
      this.#port = await withTimeout(listening, o.startTimeoutMs ?? 30_000, 'the server to listen');
    } catch (error) {
      await stopChild(child);
      throw error;
    }
  }
}

function parseLine(text: string): ServerLogLine {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object') return value as ServerLogLine;
  } catch {
    // not JSON: keep it as a message
  }
  return { msg: text };
}
