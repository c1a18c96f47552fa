import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, stopChild, trackChild } from './child-processes';
import { freePortRange } from './free-port';
import { delay } from './wait';

/** Path of Debian's coturn binary. */
export const TURNSERVER_PATH = '/usr/bin/turnserver';

/** Options of {@link TurnServer.start}. */
export interface TurnOptions {
  /** @default 'u' */
  username?: string;
  /** @default 'p' */
  credential?: string;
  /**
   * How many relay ports to reserve. @default 200. Every cut restored on a new path leaves the
   * allocations made from the old source port behind until they expire (coturn cannot hear their
   * release from the new port), so one call with many such cuts needs far more ports than it has links.
   */
  relayPorts?: number;
  /**
   * The address coturn listens on (and {@link TurnServer.iceServer} names). @default '127.0.0.1'.
   * Another address (e.g. a netns bridge, see netns.ts) needs no loopback peers.
   */
  listeningIp?: string;
  /** The address coturn allocates relays on. @default the listening address */
  relayIp?: string;
}

/**
 * Debian's coturn on loopback, with a free listening port and a free relay port range, so parallel
 * runs do not collide. Long-term credentials, UDP only (no TLS/DTLS).
 *
 * @example
 * ```ts
 * const turn = await TurnServer.start();
 * const path = await UdpProxy.start({ port: turn.port });
 * const iceServers = [turn.iceServer(path.port)];
 * ```
 */
export class TurnServer {
  readonly port: number;
  readonly relayRange: { min: number; max: number };
  readonly username: string;
  readonly credential: string;
  /** The address coturn listens on. */
  readonly listeningIp: string;
  /** The address relays are allocated on. */
  readonly relayIp: string;
  readonly #dir: string;
  #child: ChildProcess;
  /** The last lines coturn printed, for diagnostics. */
  readonly log: string[] = [];

  private constructor(
    opts: Required<Omit<TurnOptions, 'relayIp'>> & { relayIp?: string },
    range: { min: number; max: number },
  ) {
    this.port = range.min;
    this.listeningIp = opts.listeningIp;
    this.relayIp = opts.relayIp ?? opts.listeningIp;
    this.relayRange = { min: range.min + 2, max: range.max };
    this.username = opts.username;
    this.credential = opts.credential;
    this.#dir = mkdtempSync(join(tmpdir(), 'hf-turn-'));
    this.#child = this.#spawn();
  }

  /** Starts coturn and resolves once it answers a STUN binding request. */
  static async start(options: TurnOptions = {}): Promise<TurnServer> {
    const opts = { username: 'u', credential: 'p', relayPorts: 200, listeningIp: '127.0.0.1', ...options };
    // The listening port, the RFC 5780 alternate port beside it, then the relay ports.
    const range = await freePortRange(opts.relayPorts + 2);
    const turn = new TurnServer(opts, range);
    await turn.#waitReady();
    return turn;
  }

  /** The coturn process id. */
  get pid(): number {
    if (this.#child.pid === undefined) throw new Error('turnserver has no pid');
    return this.#child.pid;
  }

  /** An `RTCIceServer` reaching this relay at `port` (a {@link UdpProxy} port, or {@link port} itself). */
  iceServer(port: number = this.port): RTCIceServer {
    return {
      urls: `turn:${this.listeningIp}:${port}?transport=udp`,
      username: this.username,
      credential: this.credential,
    };
  }

  /**
   * Stops coturn and starts it again on the same ports: every allocation is lost. `kill: true` SIGKILLs
   * it (a crash) instead of the graceful SIGTERM.
   */
  async restart({ kill = false }: { kill?: boolean } = {}): Promise<void> {
    if (kill && isRunning(this.#child) && this.#child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
      process.kill(this.#child.pid, 'SIGKILL');
      await exited;
    }
    await stopChild(this.#child);
    this.#child = this.#spawn();
    await this.#waitReady();
  }

  /** Stops coturn (by pid) and removes its temporary files. */
  async stop(): Promise<void> {
    await stopChild(this.#child);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #spawn(): ChildProcess {
    const args = [
      '-n',
      `--listening-ip=${this.listeningIp}`,
      `--relay-ip=${this.relayIp}`,
      `--listening-port=${this.port}`,
      `--min-port=${this.relayRange.min}`,
      `--max-port=${this.relayRange.max}`,
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-tcp',
      '--lt-cred-mech',
      `--user=${this.username}:${this.credential}`,
      '--realm=holdfast',
      '--fingerprint',
      '--no-cli',
      '--simple-log',
      '--log-file=stdout',
      `--pidfile=${join(this.#dir, 'turnserver.pid')}`,
      `--userdb=${join(this.#dir, 'turndb')}`,
    ];
    const child = spawn(TURNSERVER_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) this.log.push(line);
      if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  /** Polls with STUN binding requests until coturn answers (at most 10 s). */
  async #waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!isRunning(this.#child)) {
        throw new Error(`turnserver exited early:\n${this.log.slice(-20).join('\n')}`);
      }
      if (await stunBindingAnswered(this.port, 200, this.listeningIp)) return;
      await delay(50);
    }
    throw new Error(`turnserver did not answer STUN within 10 s:\n${this.log.slice(-20).join('\n')}`);
  }
}

/**
 * Sends one STUN binding request to `host`:`port` (127.0.0.1) and resolves true if a binding success
 * answer with the same transaction id arrives within `timeoutMs`.
 */
export async function stunBindingAnswered(
  port: number,
  timeoutMs: number,
  host = '127.0.0.1',
): Promise<boolean> {
  const socket = createSocket('udp4');
  const transactionId = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request
  request.writeUInt16BE(0, 2); // no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  transactionId.copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.on('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      socket.on('message', (msg) => {
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(transactionId)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.send(request, port, host);
    });
  } finally {
    socket.close();
  }
}
