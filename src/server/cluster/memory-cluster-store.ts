import type { ServerClock } from '../clock';
import { systemClock } from '../clock';
import { MemorySessionRegistry } from '../registry/memory-session-registry';
import type { SessionRecord } from '../registry/session-registry';
import { MemoryClusterBus } from './cluster-bus';
import type {
  ClusterNodeInfo,
  ClusterStore,
  CrashDeclaration,
  LeaseAnswer,
  LeaseClaim,
} from './cluster-store';

interface NodeEntry extends Omit<ClusterNodeInfo, 'load'> {
  renewedAt: number;
  expiresAt: number;
}

/**
 * A {@link ClusterStore} in this process's memory, shared by several nodes of one process (the
 * embedded default and the playground). Each method runs in one synchronous block: atomic.
 */
export class MemoryClusterStore implements ClusterStore {
  /** Commands between the nodes sharing this store (REST calls on members another node hosts). */
  readonly bus = new MemoryClusterBus();
  readonly #clock: ServerClock;
  readonly #sessions = new MemorySessionRegistry();
  readonly #nodes = new Map<string, NodeEntry>();
  readonly #fences = new Map<string, number>();
  /** `nodeId/bootId` of every boot declared crashed. */
  readonly #tombstones = new Set<string>();
  /** Open sessions by placed node. */
  readonly #placed = new Map<string, Set<string>>();

  constructor(clock: ServerClock = systemClock) {
    this.#clock = clock;
  }

  async time() {
    return this.#clock.now();
  }

  async renew(claim: LeaseClaim): Promise<LeaseAnswer> {
    const now = this.#clock.now();
    if (this.#tombstones.has(`${claim.nodeId}/${claim.bootId}`)) return { kind: 'fenced' };
    const entry = this.#nodes.get(claim.nodeId);
    const live = entry !== undefined && entry.expiresAt > now;
    if (live && entry.bootId !== claim.bootId) return { kind: 'busy' };
    if (entry && !live && entry.bootId !== claim.bootId) return { kind: 'busy' }; // lapsed, not declared yet
    const fence = (this.#fences.get(claim.nodeId) ?? 0) + (live ? 0 : 1);
    this.#fences.set(claim.nodeId, fence);
    const { ttlMs, ...info } = claim;
    this.#nodes.set(claim.nodeId, { ...info, renewedAt: now, expiresAt: now + ttlMs });
    return { kind: 'held', fence };
  }

  async leave(nodeId: string, bootId: string) {
    if (this.#nodes.get(nodeId)?.bootId === bootId) this.#nodes.delete(nodeId);
  }

  async liveNodes() {
    const now = this.#clock.now();
    return [...this.#nodes.values()].filter((n) => n.expiresAt > now).map((n) => this.#info(n));
  }

  async lapsed(lapsedForMs: number) {
    const now = this.#clock.now();
    return [...this.#nodes.values()]
      .filter((n) => n.expiresAt <= now && now - n.renewedAt >= lapsedForMs)
      .map(({ nodeId, bootId }) => ({ nodeId, bootId }));
  }

  async declareCrashed(nodeId: string, bootId: string, lapsedForMs: number) {
    const now = this.#clock.now();
    const entry = this.#nodes.get(nodeId);
    if (!entry || entry.bootId !== bootId || entry.expiresAt > now || now - entry.renewedAt < lapsedForMs) {
      return undefined;
    }
    this.#tombstones.add(`${nodeId}/${bootId}`);
    this.#nodes.delete(nodeId);
    const sessions = [...(this.#placed.get(nodeId) ?? [])];
    this.#placed.delete(nodeId);
    for (const sessionId of sessions) this.#sessions.patch(sessionId, { nodeId: '', crashedOn: nodeId });
    const declaration: CrashDeclaration = { nodeId, bootId, sessions, at: now };
    return declaration;
  }

  async isCrashed(nodeId: string, bootId?: string) {
    if (bootId !== undefined) return this.#tombstones.has(`${nodeId}/${bootId}`);
    for (const key of this.#tombstones) if (key.startsWith(`${nodeId}/`)) return true;
    return false;
  }

  async place(sessionId: string) {
    const record = await this.#sessions.get(sessionId);
    if (!record || record.closedAt !== undefined) return undefined;
    const now = this.#clock.now();
    const usable = (n: NodeEntry | undefined): n is NodeEntry =>
      n !== undefined && n.expiresAt > now && !n.draining;
    const current = this.#nodes.get(record.nodeId);
    if (usable(current)) return this.#info(current);
    let best: NodeEntry | undefined;
    for (const n of this.#nodes.values()) {
      if (!usable(n) || this.#load(n.nodeId) >= n.capacity) continue;
      if (!best || this.#room(n) > this.#room(best)) best = n;
    }
    if (!best) return undefined;
    this.#placed.get(record.nodeId)?.delete(sessionId);
    this.#placedOn(best.nodeId).add(sessionId);
    this.#sessions.patch(sessionId, { nodeId: best.nodeId });
    return this.#info(best);
  }

  async create(sessionId: string, nodeId: string, now: number) {
    const result = await this.#sessions.create(sessionId, nodeId, now);
    if (result.created && nodeId !== '') this.#placedOn(nodeId).add(sessionId);
    return result;
  }

  get(sessionId: string) {
    return this.#sessions.get(sessionId);
  }

  async close(sessionId: string, now: number, onlyIfHostedBy?: string): Promise<SessionRecord | undefined> {
    const closed = await this.#sessions.close(sessionId, now, onlyIfHostedBy);
    if (closed) this.#placed.get(closed.nodeId)?.delete(sessionId);
    return closed;
  }

  async placedSessions(nodeId: string): Promise<string[]> {
    return [...(this.#placed.get(nodeId) ?? [])];
  }

  countOpen() {
    return this.#sessions.countOpen();
  }

  /** Nothing to release: the store lives as long as the nodes sharing it. */
  async dispose() {}

  #placedOn(nodeId: string): Set<string> {
    let set = this.#placed.get(nodeId);
    if (!set) {
      set = new Set();
      this.#placed.set(nodeId, set);
    }
    return set;
  }

  #load(nodeId: string): number {
    return this.#placed.get(nodeId)?.size ?? 0;
  }

  #room(n: NodeEntry): number {
    return (n.capacity - this.#load(n.nodeId)) / n.capacity;
  }

  #info(n: NodeEntry): ClusterNodeInfo {
    const { nodeId, bootId, url, draining, capacity } = n;
    return { nodeId, bootId, url, draining, capacity, load: this.#load(nodeId) };
  }
}
