import { createServer, type HoldfastServer, type LogLevel, MemoryClusterStore } from '../../src/server';
import { type ChaosNode, MAX_FAULT_MS, type NodeLife, type NodeStatus } from './chaos-api';

/** How long after a rotation's deadline the drained node is replaced by a new boot. */
const REPLACE_AFTER_DEADLINE_MS = 1500;

interface Slot {
  id: string;
  port: number;
  url: string;
  server: HoldfastServer;
  life: NodeLife;
  /** Boots of this node since the playground started (1 at start; a crash or rotation adds one). */
  boots: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Options of {@link PlaygroundNodes.start}. */
export interface PlaygroundNodesOptions {
  /** One port per node (0 picks a free one; a node comes back on the port it got). */
  ports: number[];
  secret: string;
  /** @default 'info' */
  logLevel?: LogLevel;
}

/**
 * The playground's cluster: holdfast nodes in this process sharing one in-memory store (what
 * `createCluster` builds), kept by id so a node can be crashed, rotated and brought back as a new boot
 * on the same port.
 * - crash: the node's `crash()` (the in-process stand-in for SIGKILL): every socket and HTTP connection
 *   is cut with no goodbye, its lease is neither renewed nor given up, so after about 3.5 s the other
 *   node declares it crashed and its clients re-join there.
 * - rotate: `drain(ms)`: clients get `serverRotation` notice and move (migration) before the deadline;
 *   after it the drained node stops and a new boot takes its place.
 */
export class PlaygroundNodes {
  readonly #store = new MemoryClusterStore();
  readonly #slots: Slot[] = [];
  readonly #options: PlaygroundNodesOptions;
  #closed = false;

  private constructor(options: PlaygroundNodesOptions) {
    this.#options = options;
  }

  /** Starts every node listening on loopback. */
  static async start(options: PlaygroundNodesOptions): Promise<PlaygroundNodes> {
    const nodes = new PlaygroundNodes(options);
    for (const [index, port] of options.ports.entries()) {
      const id = `node-${index + 1}`;
      const server = nodes.#create(id, port);
      const { port: bound, url } = await server.listen();
      nodes.#slots.push({ id, port: bound, url, server, life: { state: 'serving' }, boots: 1, timer: null });
    }
    return nodes;
  }

  /** The nodes, in order. */
  get nodes(): ChaosNode[] {
    return this.#slots.map(({ id, url }) => ({ id, url }));
  }

  /** Every node's state and member count. */
  status(): NodeStatus[] {
    return this.#slots.map((slot) => ({
      id: slot.id,
      url: slot.url,
      ...slot.life,
      members:
        slot.life.state === 'crashed' || slot.life.state === 'restarting' ? 0 : slot.server.memberCount,
      boots: slot.boots,
    }));
  }

  /** Crashes a serving or draining node. Resolves with a sentence for the timeline. */
  async crash(id: string): Promise<string> {
    const slot = this.#slot(id);
    if (slot.life.state === 'crashed' || slot.life.state === 'restarting')
      throw new Error(`${id} is not running`);
    this.#clearTimer(slot);
    slot.life = { state: 'crashed', since: Date.now(), declared: false };
    await slot.server.crash();
    return `${id} crashed: sockets cut without goodbye, lease left to lapse`;
  }

  /** Starts a rotation of a serving node with a deadline `ms` from now. */
  rotate(id: string, ms: number): string {
    const slot = this.#slot(id);
    if (slot.life.state !== 'serving') throw new Error(`${id} is ${slot.life.state}, not serving`);
    const withinMs = Math.min(MAX_FAULT_MS, Math.max(1000, ms));
    const { deadline } = slot.server.drain(withinMs);
    slot.life = { state: 'draining', deadline };
    slot.timer = setTimeout(
      () => void this.#replace(slot, 'close'),
      deadline - Date.now() + REPLACE_AFTER_DEADLINE_MS,
    );
    return `${id} rotating: drain with a ${Math.round(withinMs / 1000)} s deadline`;
  }

  /** Brings a crashed node back as a new boot on its port. */
  async restart(id: string): Promise<string> {
    const slot = this.#slot(id);
    if (slot.life.state !== 'crashed') throw new Error(`${id} is ${slot.life.state}, not crashed`);
    await this.#replace(slot, 'none');
    return `${id} is back (boot ${slot.boots})`;
  }

  /** Stops every node. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const slot of this.#slots) this.#clearTimer(slot);
    await Promise.all(this.#slots.map((slot) => slot.server.close()));
  }

  #create(id: string, port: number): HoldfastServer {
    return createServer({
      nodeId: id,
      port,
      host: '127.0.0.1',
      secret: this.#options.secret,
      devTokens: true,
      logLevel: this.#options.logLevel ?? 'info',
      cluster: {
        store: this.#store,
        onNodeCrashed: (declaration) => {
          const crashed = this.#slots.find((s) => s.id === declaration.nodeId);
          if (crashed?.life.state === 'crashed') crashed.life = { ...crashed.life, declared: true };
        },
      },
    });
  }

  /** Stops the old boot (`close`: gracefully; `none`: it is already down) and starts a new one. */
  async #replace(slot: Slot, stop: 'close' | 'none'): Promise<void> {
    slot.timer = null;
    slot.life = { state: 'restarting' };
    if (stop === 'close') await slot.server.close();
    if (this.#closed) return;
    slot.server = this.#create(slot.id, slot.port);
    await slot.server.listen();
    slot.boots += 1;
    slot.life = { state: 'serving' };
  }

  #slot(id: string): Slot {
    const slot = this.#slots.find((s) => s.id === id);
    if (!slot) throw new Error(`no node ${id}`);
    return slot;
  }

  #clearTimer(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
  }
}
