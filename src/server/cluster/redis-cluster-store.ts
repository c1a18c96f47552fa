import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { SessionRecord } from '../registry/session-registry';
import type {
  ClusterNodeInfo,
  ClusterStore,
  CrashDeclaration,
  LeaseAnswer,
  LeaseClaim,
} from './cluster-store';
import { CLOSE, CREATE, DECLARE, LAPSED, LEAVE, LIVE_NODES, PLACE, RENEW } from './redis-scripts';

/** Options of {@link RedisClusterStore}. */
export interface RedisClusterStoreOptions {
  /** `redis://host:port`. */
  url: string;
  /** Prefix of every key. @default 'hf:' */
  prefix?: string;
  /** How long tombstones of crashed boots are kept (their nodes stay fenced). @default 86400000 (a day) */
  tombstoneTtlMs?: number;
  /** How long closed sessions are remembered (`SESSION_CLOSED`). @default 86400000 (a day) */
  closedTtlMs?: number;
  /** Told of connection errors (node-redis retries by itself). */
  onError?: (error: unknown) => void;
}

type Client = ReturnType<typeof createClient>;

/**
 * A {@link ClusterStore} on Redis (node-redis): every step is one Lua script, on Redis's clock.
 * Commands fail fast while Redis is unreachable (no offline queue), so a node never acts on a stale
 * view; the client reconnects by itself.
 */
export class RedisClusterStore implements ClusterStore {
  /** The node-redis client (the socket.io adapter shares it). */
  readonly client: Client;
  readonly #p: string;
  readonly #tombstoneTtlMs: number;
  readonly #closedTtlMs: number;
  #connecting: Promise<unknown> | null = null;
  #adapterClient: Client | null = null;

  constructor(options: RedisClusterStoreOptions) {
    this.#p = options.prefix ?? 'hf:';
    this.#tombstoneTtlMs = options.tombstoneTtlMs ?? 86_400_000;
    this.#closedTtlMs = options.closedTtlMs ?? 86_400_000;
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
    });
    this.client.on('error', (error: unknown) => options.onError?.(error));
  }

  /** Connects (once); resolves when the first connection is up. */
  connect(): Promise<unknown> {
    this.#connecting ??= this.client.connect();
    return this.#connecting;
  }

  /**
   * A second client for the socket.io adapter, with the offline queue on: the adapter reads its
   * stream in a loop that retries at once on a failed command, which would spin while Redis is down
   * if commands failed fast. Queued, they wait for the reconnection instead.
   */
  async adapterClient(): Promise<Client> {
    if (!this.#adapterClient) {
      const client = this.client.duplicate({ disableOfflineQueue: false });
      client.on('error', () => {});
      this.#adapterClient = client;
      await client.connect();
    }
    return this.#adapterClient;
  }

  /** True while the client is connected and ready. */
  get ready(): boolean {
    return this.client.isReady;
  }

  async time() {
    const [seconds, micros] = (await this.client.sendCommand(['TIME'])) as [string, string];
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async renew(claim: LeaseClaim): Promise<LeaseAnswer> {
    const { nodeId, bootId, url, draining, capacity, ttlMs } = claim;
    const answer = (await this.#run(RENEW, [nodeId, bootId, url, draining ? '1' : '0', capacity, ttlMs])) as [
      string,
      number?,
    ];
    if (answer[0] === 'held') return { kind: 'held', fence: Number(answer[1]) };
    return { kind: answer[0] === 'busy' ? 'busy' : 'fenced' };
  }

  async leave(nodeId: string, bootId: string) {
    await this.#run(LEAVE, [nodeId, bootId]);
  }

  async liveNodes() {
    const rows = (await this.#run(LIVE_NODES, [])) as string[][];
    return rows.map(nodeInfo);
  }

  async lapsed(lapsedForMs: number) {
    const rows = (await this.#run(LAPSED, [lapsedForMs])) as string[][];
    return rows.map(([nodeId, bootId]) => ({ nodeId: String(nodeId), bootId: String(bootId) }));
  }

  async declareCrashed(nodeId: string, bootId: string, lapsedForMs: number) {
    const out = (await this.#run(DECLARE, [nodeId, bootId, lapsedForMs, this.#tombstoneTtlMs])) as
      | string[]
      | null;
    if (!out) return undefined;
    const [at, ...sessions] = out;
    const declaration: CrashDeclaration = { nodeId, bootId, sessions: sessions.map(String), at: Number(at) };
    return declaration;
  }

  async isCrashed(nodeId: string, bootId?: string) {
    const key = bootId === undefined ? `${this.#p}crashed:${nodeId}` : `${this.#p}tomb:${nodeId}:${bootId}`;
    return (await this.client.exists(key)) === 1;
  }

  async place(sessionId: string) {
    const row = (await this.#run(PLACE, [sessionId])) as string[] | null;
    return row ? nodeInfo(row) : undefined;
  }

  async create(sessionId: string, nodeId: string, now: number) {
    const [created, fields] = (await this.#run(CREATE, [sessionId, nodeId, now, randomUUID()])) as [
      number,
      string[],
    ];
    return { record: toRecord(fields), created: created === 1 };
  }

  async get(sessionId: string) {
    const fields = await this.client.hGetAll(`${this.#p}sess:${sessionId}`);
    return fields.sessionId === undefined ? undefined : toRecord(Object.entries(fields).flat());
  }

  async close(sessionId: string, now: number, onlyIfHostedBy?: string) {
    const args = [sessionId, now, this.#closedTtlMs, onlyIfHostedBy ?? ''];
    const fields = (await this.#run(CLOSE, args)) as string[] | null;
    return fields ? toRecord(fields) : undefined;
  }

  async placedSessions(nodeId: string) {
    return this.client.sMembers(`${this.#p}placed:${nodeId}`);
  }

  async countOpen() {
    return this.client.sCard(`${this.#p}open`);
  }

  async dispose() {
    if (this.client.isOpen) this.client.destroy();
    if (this.#adapterClient?.isOpen) this.#adapterClient.destroy();
  }

  #run(script: string, args: Array<string | number>): Promise<unknown> {
    return this.client.eval(script, { keys: [], arguments: [this.#p, ...args.map(String)] });
  }
}

function nodeInfo(row: string[]): ClusterNodeInfo {
  const [nodeId = '', bootId = '', url = '', draining, capacity, load] = row.map(String);
  return { nodeId, bootId, url, draining: draining === '1', capacity: Number(capacity), load: Number(load) };
}

function toRecord(flat: string[]): SessionRecord {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[String(flat[i])] = String(flat[i + 1]);
  const record: SessionRecord = {
    sessionId: f.sessionId ?? '',
    createdAt: Number(f.createdAt),
    incarnation: f.incarnation ?? '',
    nodeId: f.nodeId ?? '',
  };
  if (f.crashedOn) record.crashedOn = f.crashedOn;
  if (f.closedAt !== undefined) record.closedAt = Number(f.closedAt);
  return record;
}
