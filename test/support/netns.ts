import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, FAKE_MEDIA_ARGS, findChromium } from './chromium';

/**
 * Network namespaces for browser tests: each participant's browser runs in a namespace of its own,
 * joined to the test's bridge by a veth pair, so a fault is a real network event the page can only
 * learn of from the network: a cut is the carrier going away, a handoff is the address changing.
 *
 * Layout (everything private to the test, nothing routed anywhere else):
 *
 * ```
 * root namespace:  bridge hf<id>br  10.77.N.1/24   ← holdfast server, page server, coturn listen here
 *                    ├─ veth hf<id>h0 ⇄ hf<id>n0  in netns hf-<id>-alice  10.77.N.10/24, default via .1
 *                    └─ veth hf<id>h1 ⇄ hf<id>n1  in netns hf-<id>-bob    10.77.N.11/24, default via .1
 * ```
 *
 * `N` is chosen at random among the /24s of 10.77.0.0/16 no interface of this machine (nor another live
 * Net) uses yet. IPv6 is off in the namespaces and on the bridge, so the only addresses a browser sees
 * are its own loopback and its 10.77.N.x address; forwarding is off on the bridge, so nothing the
 * namespaces send goes beyond the bridge address and each other. Needs root (`ip netns`); see
 * {@link netnsAvailable}.
 *
 * A browser joins a namespace through a generated wrapper script used as playwright-core's
 * `executablePath` (`exec ip netns exec <ns> /usr/lib/chromium/chromium "$@"`): playwright drives it over
 * the inherited `--remote-debugging-pipe` descriptors, so control needs no network. A page served from
 * the bridge address is not a secure origin (no `getUserMedia`), so every browser is started with
 * `--unsafely-treat-insecure-origin-as-secure=<origins>` for the page origins the test gives.
 *
 * Cleanup: {@link Net.dispose} (call it from `afterAll`; it never throws) closes the browsers it
 * launched, kills what is left inside its namespaces, and deletes every namespace, veth and the bridge
 * it made. A process `exit` hook does the same synchronously, and {@link Net.create} first removes what
 * earlier test processes that died without cleaning up left behind (their state files are in
 * `/tmp/hf-netns/`, with the owner's pid).
 *
 * @example
 * ```ts
 * const net = await Net.create();
 * const server = await ServerProcess.start({ host: net.bridgeIp, extraArgs: ['--dev'] });
 * const alice = await net.addParticipant('alice');
 * const browser = await alice.launchChromium({ secureOrigins: [pages.url] });
 * await alice.cut(); await alice.restore(); await alice.changeAddress();
 * await net.dispose();
 * ```
 */

/** Where each live {@link Net} records what it made (and its owner's pid), for stale cleanup. */
const STATE_DIR = '/tmp/hf-netns';
const SUBNET_PREFIX = '10.77';
const CHROMIUM_BINARY = '/usr/lib/chromium/chromium';

/** Runs `ip` (or another command) and resolves with its stdout; rejects with its stderr. */
function run(command: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

const ip = (...args: string[]) => run('ip', args);

/** Runs a command synchronously, ignoring any failure (cleanup paths). */
function runQuietSync(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // already gone, or never made
  }
}

/** True when this process may create network namespaces (root, `ip netns` present). */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** What a {@link Net} made, as written to its state file. */
interface NetState {
  pid: number;
  bridge: string;
  /** `10.77.N`. */
  prefix: string;
  namespaces: string[];
  veths: string[];
  dir: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Kills (SIGKILL, by pid) the processes still inside namespace `ns`: only ones a test started there. */
function killInsideSync(ns: string): void {
  let pids: string[] = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5_000 })
      .split('\n')
      .filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Deletes what a state describes; synchronous so it can run in an `exit` hook. */
function destroySync(state: NetState): void {
  for (const ns of state.namespaces) killInsideSync(ns);
  for (const veth of state.veths) runQuietSync('ip', ['link', 'del', veth]);
  for (const ns of state.namespaces) runQuietSync('ip', ['netns', 'del', ns]);
  runQuietSync('ip', ['link', 'del', state.bridge]);
  rmSync(state.dir, { recursive: true, force: true });
}

/** Removes what Nets of test processes that no longer run left behind. */
function sweepStale(): void {
  let files: string[] = [];
  try {
    files = readdirSync(STATE_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    return;
  }
  for (const file of files) {
    const path = join(STATE_DIR, file);
    try {
      const state = JSON.parse(readFileSync(path, 'utf8')) as NetState;
      if (isAlive(state.pid)) continue;
      destroySync(state);
    } catch {
      // unreadable: drop it
    }
    rmSync(path, { force: true });
  }
}

const liveNets = new Set<Net>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const net of liveNets) net.disposeSync();
  });
}

/** Options of {@link NetParticipant.launchChromium}. */
export interface NetLaunchOptions {
  /**
   * Origins (or page URLs: only their origin is kept) served over plain http from the bridge address that
   * the browser must treat as secure (for `getUserMedia`).
   */
  secureOrigins?: string[];
  /** Add the fake camera/microphone flags. @default true */
  fakeMedia?: boolean;
  /** More Chromium flags. */
  extraArgs?: string[];
}

/**
 * One participant's namespace: `hf-<id>-<name>`, with `lo` up, one veth into the bridge, one address
 * of the Net's /24 and a default route via the bridge address.
 */
export class NetParticipant {
  readonly name: string;
  /** The namespace name (`ip netns exec <ns> …`). */
  readonly ns: string;
  /** The veth end in the root namespace (a port of the bridge). */
  readonly hostVeth: string;
  /** The veth end inside the namespace. */
  readonly nsVeth: string;
  readonly #net: Net;
  readonly #browsers = new Set<Browser>();
  #address: string;
  #cut = false;

  /** @internal Made by {@link Net.addParticipant}. */
  constructor(net: Net, name: string, ns: string, hostVeth: string, nsVeth: string, address: string) {
    this.#net = net;
    this.name = name;
    this.ns = ns;
    this.hostVeth = hostVeth;
    this.nsVeth = nsVeth;
    this.#address = address;
  }

  /** The participant's current address (changes with {@link changeAddress}). */
  get address(): string {
    return this.#address;
  }

  /** True between {@link cut} and {@link restore}. */
  get isCut(): boolean {
    return this.#cut;
  }

  /**
   * Cuts the link: the bridge side of the veth goes down, so the namespace's interface loses its carrier
   * (`NO-CARRIER`); its address and routes stay (marked `linkdown`), nothing gets through either way.
   */
  async cut(): Promise<void> {
    await ip('link', 'set', this.hostVeth, 'down');
    this.#cut = true;
  }

  /** Brings the link back (same address, same routes): the same path returns. */
  async restore(): Promise<void> {
    await ip('link', 'set', this.hostVeth, 'up');
    // Routes survive a carrier loss; make sure of the default route anyway.
    await ip('-n', this.ns, 'route', 'replace', 'default', 'via', this.#net.bridgeIp);
    // A neighbour entry that failed during the cut (traffic sent meanwhile) answers EHOSTUNREACH for a
    // moment after the carrier is back (seen once in CI: the harness test's fetch right after restore);
    // as at a fresh carrier-up, the namespace resolves its neighbours anew.
    await ip('-n', this.ns, 'neigh', 'flush', 'dev', this.nsVeth).catch(() => {});
    this.#cut = false;
  }

  /**
   * Drops every UDP packet into and out of the namespace, TCP untouched: the media path (UDP to the relay)
   * is cut while signaling (a WebSocket over TCP) stays up. Until {@link unblockUdp}. On both ends of the
   * veth (leaving the namespace, and leaving the bridge towards it), UDP is classified into an HTB class
   * whose queue holds nothing (`pfifo limit 0`): this kernel has the u32 classifier but no drop action.
   */
  async blockUdp(): Promise<void> {
    for (const [tc, dev] of this.#veths()) {
      await tc('qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '20');
      for (const minor of ['10', '20'])
        await tc(
          'class',
          'add',
          'dev',
          dev,
          'parent',
          '1:',
          'classid',
          `1:${minor}`,
          'htb',
          'rate',
          '10gbit',
        );
      await tc('qdisc', 'add', 'dev', dev, 'parent', '1:10', 'handle', '10:', 'pfifo', 'limit', '0');
      await tc(
        'filter',
        'add',
        'dev',
        dev,
        'parent',
        '1:',
        'protocol',
        'ip',
        'prio',
        '1',
        'u32',
        'match',
        'ip',
        'protocol',
        '17',
        '0xff',
        'flowid',
        '1:10',
      );
    }
  }

  /** Lets UDP through again (same address: the same path returns). */
  async unblockUdp(): Promise<void> {
    for (const [tc, dev] of this.#veths()) await tc('qdisc', 'del', 'dev', dev, 'root').catch(() => {});
  }

  /** `tc` for each end of the veth: inside the namespace, and in the root namespace (the bridge's port). */
  #veths(): [tc: (...args: string[]) => Promise<string>, dev: string][] {
    return [
      [(...args) => run('ip', ['netns', 'exec', this.ns, 'tc', ...args]), this.nsVeth],
      [(...args) => run('tc', args), this.hostVeth],
    ];
  }

  /**
   * A handoff (Wi-Fi → cellular): deletes the participant's address and adds a new one of the same /24
   * (so every socket bound to the old one is dead, and the other side's packets to it go nowhere), then
   * puts the default route back (deleting the address removed it). Resolves with the new address.
   */
  async changeAddress(): Promise<string> {
    const next = this.#net.allocateAddress();
    await ip('-n', this.ns, 'addr', 'del', `${this.#address}/24`, 'dev', this.nsVeth);
    await ip('-n', this.ns, 'addr', 'add', `${next}/24`, 'dev', this.nsVeth);
    await ip('-n', this.ns, 'route', 'replace', 'default', 'via', this.#net.bridgeIp);
    this.#address = next;
    return next;
  }

  /**
   * Freezes every process in the namespace (SIGSTOP: its browser stops as a laptop lid closes, timers
   * and sockets included) until {@link wake}. Resolves with how many processes it stopped.
   */
  suspend(): number {
    return this.#signalAll('SIGSTOP');
  }

  /** Lets every process in the namespace run again (SIGCONT). */
  wake(): number {
    return this.#signalAll('SIGCONT');
  }

  #signalAll(signal: NodeJS.Signals): number {
    const pids = execFileSync('ip', ['netns', 'pids', this.ns], { encoding: 'utf8', timeout: 5_000 })
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    let signalled = 0;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
        signalled += 1;
      } catch {
        // Gone meanwhile.
      }
    }
    return signalled;
  }

  /** Runs a command inside the namespace; resolves with its stdout. */
  exec(command: string, args: string[], timeoutMs = 10_000): Promise<string> {
    return run('ip', ['netns', 'exec', this.ns, command, ...args], timeoutMs);
  }

  /**
   * Fetches `url` from inside the namespace (a `node` child there) and resolves with the status and body;
   * rejects when nothing answers within `timeoutMs`.
   */
  async fetch(url: string, timeoutMs = 3_000): Promise<{ status: number; body: string }> {
    const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(${timeoutMs}) })
      .then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))
      .catch((e) => { process.stderr.write(String(e?.cause?.code ?? e?.name ?? e)); process.exit(1); });`;
    const out = await this.exec(process.execPath, ['-e', script], timeoutMs + 5_000);
    return JSON.parse(out) as { status: number; body: string };
  }

  /**
   * Launches headless Debian Chromium inside the namespace (one browser per participant). Closed by
   * {@link dispose} / {@link Net.dispose} if the test does not close it.
   */
  async launchChromium({
    secureOrigins = [],
    fakeMedia = true,
    extraArgs = [],
  }: NetLaunchOptions = {}): Promise<Browser> {
    findChromium(); // throws with the install hint when Chromium is missing
    const wrapper = join(this.#net.dir, `chromium-${this.name}.sh`);
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${this.ns} ${CHROMIUM_BINARY} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const origins = [...new Set(secureOrigins.map((url) => new URL(url).origin))];
    const browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        ...(fakeMedia ? FAKE_MEDIA_ARGS : []),
        ...(origins.length > 0 ? [`--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`] : []),
        ...extraArgs,
        ...(process.env.HF_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? []),
      ],
      timeout: 60_000,
    });
    this.#browsers.add(browser);
    browser.once('disconnected', () => this.#browsers.delete(browser));
    return browser;
  }

  /** Closes this participant's browsers, then deletes its veth and namespace. Never throws. */
  async dispose(): Promise<void> {
    await Promise.all([...this.#browsers].map((browser) => browser.close().catch(() => {})));
    this.#browsers.clear();
    killInsideSync(this.ns);
    await ip('link', 'del', this.hostVeth).catch(() => {});
    await ip('netns', 'del', this.ns).catch(() => {});
    this.#net.forget(this);
  }
}

/** A private bridge with a /24 of its own, and the participants' namespaces on it. See the file comment. */
export class Net {
  /** Short random id in every name this Net makes. */
  readonly id: string;
  /** The bridge interface in the root namespace. */
  readonly bridge: string;
  /** `10.77.N`: the /24 without its last octet. */
  readonly prefix: string;
  /** The bridge's address (`10.77.N.1`): servers the browsers reach listen here. */
  readonly bridgeIp: string;
  /** A temporary directory of this Net (browser wrappers). */
  readonly dir: string;
  readonly #participants = new Map<string, NetParticipant>();
  #nextHost = 10;
  #nextIndex = 0;
  #disposed = false;

  private constructor(id: string, third: number) {
    this.id = id;
    this.bridge = `hf${id}br`;
    this.prefix = `${SUBNET_PREFIX}.${third}`;
    this.bridgeIp = `${this.prefix}.1`;
    this.dir = join(STATE_DIR, id);
  }

  /** Creates the bridge with a free /24 (after removing what dead test processes left behind). */
  static async create(): Promise<Net> {
    if (!netnsAvailable()) throw new Error('network namespaces need root and iproute2 (`ip netns`)');
    mkdirSync(STATE_DIR, { recursive: true });
    sweepStale();
    // Free: on no interface, and not taken by another live Net that has not added its address yet.
    const used = await ip('-4', '-o', 'addr', 'show');
    const taken = new Set(
      readdirSync(STATE_DIR)
        .filter((name) => name.endsWith('.json'))
        .map((name) => {
          try {
            return (JSON.parse(readFileSync(join(STATE_DIR, name), 'utf8')) as NetState).prefix;
          } catch {
            return '';
          }
        }),
    );
    const free: number[] = [];
    for (let third = 2; third < 254; third += 1)
      if (!used.includes(` ${SUBNET_PREFIX}.${third}.`) && !taken.has(`${SUBNET_PREFIX}.${third}`))
        free.push(third);
    const third = free[Math.floor(Math.random() * free.length)];
    if (third === undefined) throw new Error(`no free /24 left in ${SUBNET_PREFIX}.0.0/16`);
    const net = new Net(randomBytes(3).toString('hex'), third);
    mkdirSync(net.dir, { recursive: true });
    liveNets.add(net);
    hookExit();
    net.#save();
    try {
      await ip('link', 'add', net.bridge, 'type', 'bridge');
      await run('sysctl', ['-q', '-w', `net.ipv6.conf.${net.bridge}.disable_ipv6=1`]).catch(() => {});
      // Nothing received on the bridge is routed on (even where the host forwards): the namespaces
      // reach the bridge address and each other, never beyond.
      await run('sysctl', ['-q', '-w', `net.ipv4.conf.${net.bridge}.forwarding=0`]);
      await ip('addr', 'add', `${net.bridgeIp}/24`, 'dev', net.bridge);
      await ip('link', 'set', net.bridge, 'up');
    } catch (error) {
      await net.dispose();
      throw error;
    }
    return net;
  }

  /** The participants still present. */
  get participants(): readonly NetParticipant[] {
    return [...this.#participants.values()];
  }

  /**
   * Adds a namespace `hf-<id>-<name>` (`name`: letters, digits, `-`) with a veth into the bridge, the next
   * free address of the /24, `lo` up and a default route via {@link bridgeIp}.
   */
  async addParticipant(name: string): Promise<NetParticipant> {
    if (!/^[a-z0-9-]{1,20}$/i.test(name)) throw new Error(`bad participant name "${name}"`);
    if (this.#participants.has(name)) throw new Error(`participant "${name}" exists`);
    const index = this.#nextIndex++;
    const ns = `hf-${this.id}-${name}`;
    const participant = new NetParticipant(
      this,
      name,
      ns,
      `hf${this.id}h${index}`,
      `hf${this.id}n${index}`,
      this.allocateAddress(),
    );
    this.#participants.set(name, participant);
    this.#save();
    const { hostVeth, nsVeth } = participant;
    await ip('netns', 'add', ns);
    const inNs = (...args: string[]) => ip('-n', ns, ...args);
    await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
    await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
    await inNs('link', 'set', 'lo', 'up');
    await ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth, 'netns', ns);
    await run('sysctl', ['-q', '-w', `net.ipv6.conf.${hostVeth}.disable_ipv6=1`]).catch(() => {});
    await ip('link', 'set', hostVeth, 'master', this.bridge);
    await ip('link', 'set', hostVeth, 'up');
    await inNs('addr', 'add', `${participant.address}/24`, 'dev', nsVeth);
    await inNs('link', 'set', nsVeth, 'up');
    await inNs('route', 'add', 'default', 'via', this.bridgeIp);
    return participant;
  }

  /** @internal The next unused host address of the /24 (never reused within this Net). */
  allocateAddress(): string {
    if (this.#nextHost > 250) throw new Error('no addresses left in the /24');
    return `${this.prefix}.${this.#nextHost++}`;
  }

  /** @internal Called by {@link NetParticipant.dispose}. */
  forget(participant: NetParticipant): void {
    this.#participants.delete(participant.name);
    this.#save();
  }

  /**
   * Closes every browser of every participant, deletes every namespace and veth, then the bridge and
   * the temporary files. Idempotent; never throws. Call it from `afterAll`.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await Promise.all(this.participants.map((participant) => participant.dispose()));
    await ip('link', 'del', this.bridge).catch(() => {});
    this.#finish();
  }

  /** @internal The synchronous dispose of the `exit` hook (browsers are killed with their namespace). */
  disposeSync(): void {
    if (this.#disposed) return;
    destroySync(this.#state());
    this.#finish();
  }

  #finish(): void {
    this.#disposed = true;
    liveNets.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(join(STATE_DIR, `${this.id}.json`), { force: true });
  }

  #state(): NetState {
    return {
      pid: process.pid,
      bridge: this.bridge,
      prefix: this.prefix,
      namespaces: this.participants.map((p) => p.ns),
      veths: this.participants.map((p) => p.hostVeth),
      dir: this.dir,
    };
  }

  #save(): void {
    writeFileSync(join(STATE_DIR, `${this.id}.json`), JSON.stringify(this.#state()));
  }
}
