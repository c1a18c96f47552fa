import type { ClusterPeer } from '../../protocol';
import type { ServerClock, ServerTimer } from '../clock';
import { logEvent, type ServerLogger } from '../logger';
import { ProtocolFailure } from '../protocol-failure';
import type { SessionRecord } from '../registry/session-registry';
import type { ClusterNodeInfo, ClusterStore, CrashDeclaration } from './cluster-store';

/** Lease and watch timings of a cluster node (see docs/decisions/0019-cluster-leases-fencing.md). */
export interface ClusterTimings {
  /** A lease lives this long unless renewed. @default 3000 */
  leaseTtlMs: number;
  /** Renewal period. @default 1000 */
  renewEveryMs: number;
  /** How often every node looks for lapsed leases. @default 500 */
  watchEveryMs: number;
  /** A node is declared crashed once this long passed since its last renewal (store clock). @default 3500 */
  crashAfterMs: number;
}

export const DEFAULT_CLUSTER_TIMINGS: ClusterTimings = {
  leaseTtlMs: 3000,
  renewEveryMs: 1000,
  watchEveryMs: 500,
  crashAfterMs: 3500,
};

/** What a {@link ClusterNode} is built from. */
export interface ClusterNodeDeps {
  store: ClusterStore;
  nodeId: string;
  bootId: string;
  /** This node's public URL (known once listening). */
  url: () => string;
  /** Sessions this node may host. */
  capacity: number;
  draining: () => boolean;
  clock: ServerClock;
  logger: ServerLogger;
  timings: ClusterTimings;
  /** Called once per declaration this node won. */
  onNodeCrashed: (declaration: CrashDeclaration) => void;
  /** Called once when this node learns it was declared crashed: stop serving. */
  onFenced: () => void;
  /** The other healthy, non-draining nodes changed (a node joined, left, or began draining). */
  onPeersChanged?: (peers: ClusterPeer[]) => void;
  /**
   * Every {@link PLACED_EVERY_MS}, the open sessions placed on this node (placed by whichever node
   * answered the token request): the node arms the empty-session expiry of those without members here.
   */
  onPlacedSessions?: (sessionIds: string[]) => void;
}

/** How often a node lists the sessions placed on it (see {@link ClusterNodeDeps.onPlacedSessions}). */
export const PLACED_EVERY_MS = 10_000;

/**
 * This node's side of the cluster: renews its lease, watches everyone's, declares lapsed nodes
 * crashed (the store makes exactly one node win), keeps the list of healthy peers, and says whether
 * this node may serve. A node serves while its lease was held within a lease period, or while the
 * store is unreachable (nobody can declare it then); it never serves again once fenced.
 */
export class ClusterNode {
  readonly #deps: ClusterNodeDeps;
  #peers: ClusterPeer[] = [];
  #fenced = false;
  #stopped = false;
  #heldAt = Number.NEGATIVE_INFINITY;
  #storeFailedAt = Number.NEGATIVE_INFINITY;
  /** Judging others starts a full lease period after start and after every store failure. */
  #judgeFrom: number;
  #renewTimer: ServerTimer | null = null;
  #watchTimer: ServerTimer | null = null;
  #placedListedAt = Number.NEGATIVE_INFINITY;

  constructor(deps: ClusterNodeDeps) {
    this.#deps = deps;
    this.#judgeFrom = deps.clock.now() + deps.timings.leaseTtlMs;
  }

  /** Takes the lease (first renewal) and starts the renewal and watch loops. */
  async start(): Promise<void> {
    await this.#renew();
    this.#loop('renew', this.#deps.timings.renewEveryMs, () => this.#renew());
    this.#loop('watch', this.#deps.timings.watchEveryMs, () => this.#watch());
  }

  /** Stops the loops and gives the lease up (graceful stop: no crash is declared). */
  async stop(leave = true): Promise<void> {
    this.#stopped = true;
    for (const timer of [this.#renewTimer, this.#watchTimer])
      if (timer !== null) this.#deps.clock.clearTimeout(timer);
    if (leave && !this.#fenced)
      await this.#deps.store.leave(this.#deps.nodeId, this.#deps.bootId).catch(() => {});
  }

  /** Renews the lease now (e.g. so the store learns at once that this node drains). */
  renewNow(): Promise<void> {
    return this.#renew();
  }

  /** True once this boot was declared crashed. */
  get fenced(): boolean {
    return this.#fenced;
  }

  /** Whether this node may serve right now. */
  serving(): boolean {
    if (this.#fenced || this.#stopped) return false;
    const now = this.#deps.clock.now();
    return now - this.#heldAt <= this.#deps.timings.leaseTtlMs || this.#storeFailedAt > this.#heldAt;
  }

  /** The refusal for anything asked of a node that may not serve, if any. */
  refusal(): ProtocolFailure | undefined {
    if (this.#fenced)
      return new ProtocolFailure('NODE_FENCED', 'this node was declared crashed and serves nothing');
    if (!this.serving()) return notOwner('this node holds no cluster lease right now', 500);
    return undefined;
  }

  /** The other healthy nodes, as of the last watch. */
  peers(): ClusterPeer[] {
    return this.#peers;
  }

  /** Places `sessionId` (keeps its node when healthy); OVERLOADED when no node has room. */
  async place(sessionId: string): Promise<ClusterNodeInfo> {
    const placed = await this.#deps.store.place(sessionId);
    if (!placed) throw new ProtocolFailure('OVERLOADED', 'no cluster node has room for this session');
    return placed;
  }

  /** Throws `NOT_OWNER` unless `record`'s session is (or can now be) placed on this node. */
  async checkHost(record: SessionRecord): Promise<void> {
    if (record.nodeId === this.#deps.nodeId) return;
    const placed = await this.place(record.sessionId);
    if (placed.nodeId !== this.#deps.nodeId)
      throw notOwner(`session is hosted by node "${placed.nodeId}"`, 0);
  }

  /**
   * Why a resume for a connection this node does not know is refused: `NOT_OWNER` while the node
   * hosting the session is alive (or not declared yet), `NODE_CRASHED` once it was declared crashed.
   * Undefined when the session is this node's and never moved (the caller's own refusal stands).
   */
  async resumeRefusal(sessionId: string): Promise<ProtocolFailure | undefined> {
    const record = await this.#deps.store.get(sessionId);
    if (!record || record.closedAt !== undefined) return undefined;
    const owner = record.nodeId;
    // A declared node's sessions are unplaced at once: a named owner is alive or not declared yet.
    if (owner !== '' && owner !== this.#deps.nodeId)
      return notOwner(`connection is hosted by node "${owner}"`, 1000);
    if (record.crashedOn !== undefined) return nodeCrashed(record.crashedOn);
    return undefined;
  }

  async #renew(): Promise<void> {
    const d = this.#deps;
    let answer: Awaited<ReturnType<ClusterStore['renew']>>;
    try {
      answer = await d.store.renew({
        nodeId: d.nodeId,
        bootId: d.bootId,
        url: d.url(),
        draining: d.draining(),
        capacity: d.capacity,
        ttlMs: d.timings.leaseTtlMs,
      });
    } catch (error) {
      this.#storeFailed(error);
      return;
    }
    if (answer.kind === 'held') this.#heldAt = d.clock.now();
    else if (answer.kind === 'fenced' && !this.#fenced) {
      this.#fenced = true;
      logEvent(d.logger, 'error', 'node fenced', { bootId: d.bootId });
      d.onFenced();
    } else if (answer.kind === 'busy') logEvent(d.logger, 'warn', 'lease busy', { bootId: d.bootId });
  }

  async #watch(): Promise<void> {
    const d = this.#deps;
    try {
      const live = await d.store.liveNodes();
      const peers = live
        .filter((n) => n.nodeId !== d.nodeId && !n.draining)
        .map(({ nodeId, url }) => ({ nodeId, url }))
        .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
      const changed = peers.map((p) => p.url).join(' ') !== this.#peers.map((p) => p.url).join(' ');
      this.#peers = peers;
      if (changed) d.onPeersChanged?.(peers);
      if (d.onPlacedSessions && !this.#fenced && d.clock.now() - this.#placedListedAt >= PLACED_EVERY_MS) {
        this.#placedListedAt = d.clock.now();
        d.onPlacedSessions(await d.store.placedSessions(d.nodeId));
      }
      // Judged on the store's clock, so even a node just back from a pause (or a new boot still
      // waiting for its previous boot's lease) may declare: only the store's view counts.
      if (this.#fenced || d.clock.now() < this.#judgeFrom) return;
      for (const lapsed of await d.store.lapsed(d.timings.crashAfterMs)) {
        if (lapsed.nodeId === d.nodeId && lapsed.bootId === d.bootId) continue;
        const declaration = await d.store.declareCrashed(
          lapsed.nodeId,
          lapsed.bootId,
          d.timings.crashAfterMs,
        );
        if (!declaration) continue;
        logEvent(d.logger, 'warn', 'node crashed', {
          crashedNodeId: declaration.nodeId,
          crashedBootId: declaration.bootId,
          sessions: declaration.sessions.length,
        });
        d.onNodeCrashed(declaration);
      }
    } catch (error) {
      this.#storeFailed(error);
    }
  }

  #storeFailed(error: unknown): void {
    const now = this.#deps.clock.now();
    if (this.#storeFailedAt <= this.#heldAt) {
      logEvent(this.#deps.logger, 'warn', 'cluster store unreachable', { err: error });
    }
    this.#storeFailedAt = now;
    this.#judgeFrom = now + this.#deps.timings.leaseTtlMs;
  }

  #loop(name: string, everyMs: number, step: () => Promise<void>): void {
    const run = () => {
      if (this.#stopped || this.#fenced) return;
      step()
        .catch((error: unknown) =>
          logEvent(this.#deps.logger, 'error', 'cluster loop fault', { loop: name, err: error }),
        )
        .finally(() => {
          if (this.#stopped || this.#fenced) return;
          const timer = this.#deps.clock.setTimeout(run, everyMs);
          if (name === 'renew') this.#renewTimer = timer;
          else this.#watchTimer = timer;
        });
    };
    const timer = this.#deps.clock.setTimeout(run, everyMs);
    if (name === 'renew') this.#renewTimer = timer;
    else this.#watchTimer = timer;
  }
}

function notOwner(message: string, retryAfterMs: number): ProtocolFailure {
  return new ProtocolFailure('NOT_OWNER', message, retryAfterMs);
}

function nodeCrashed(nodeId: string): ProtocolFailure {
  return new ProtocolFailure(
    'NODE_CRASHED',
    `node "${nodeId}" that hosted this connection was declared crashed`,
  );
}
