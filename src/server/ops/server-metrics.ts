import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Where the gauges read their values at scrape time. */
export interface MetricSources {
  /** Open socket.io sockets. */
  sockets: () => number;
  /** Members on this node (live or in grace). */
  members: () => number;
  /** Open sessions in the registry. */
  sessions: () => Promise<number>;
  /** Largest event-loop lag (ms) since the last scrape. */
  maxLagMs: () => number;
}

/** Why a member was evicted (see `EvictionCause`). */
type Cause = 'graceExpired' | 'replayOverflow';

/** Upper bounds (seconds) of the relay latency buckets: 0.1 ms to 1 s. */
const RELAY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The server's Prometheus metrics (prom-client), in a registry of its own so several servers in one
 * process never share series. Served as text at `GET /metrics`. Names: `holdfast_*`, plus the
 * process and Node.js defaults (`process_*`, `nodejs_*`).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #joins: Counter;
  readonly #resumes: Counter;
  readonly #evictions: Counter<'cause'>;
  readonly #refusals: Counter<'code'>;
  readonly #abandoned: Counter;
  readonly #relay: Histogram;
  readonly #webhooks: Counter<'outcome'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'holdfast_sockets',
      help: 'Open signaling sockets.',
      registers,
      collect() {
        this.set(sources.sockets());
      },
    });
    new Gauge({
      name: 'holdfast_connections',
      help: 'Members on this node (connections live or in their eviction grace).',
      registers,
      collect() {
        this.set(sources.members());
      },
    });
    new Gauge({
      name: 'holdfast_sessions',
      help: 'Open sessions.',
      registers,
      async collect() {
        this.set(await sources.sessions());
      },
    });
    new Gauge({
      name: 'holdfast_event_loop_lag_seconds',
      help: 'Largest event-loop lag since the previous scrape (timer drift).',
      registers,
      collect() {
        this.set(sources.maxLagMs() / 1000);
      },
    });
    this.#joins = new Counter({ name: 'holdfast_joins_total', help: 'Joins accepted.', registers });
    this.#resumes = new Counter({ name: 'holdfast_resumes_total', help: 'Resumes accepted.', registers });
    this.#evictions = new Counter({
      name: 'holdfast_evictions_total',
      help: 'Members evicted, by cause.',
      labelNames: ['cause'],
      registers,
    });
    this.#refusals = new Counter({
      name: 'holdfast_refusals_total',
      help: 'Requests and messages refused, by protocol error code.',
      labelNames: ['code'],
      registers,
    });
    this.#abandoned = new Counter({
      name: 'holdfast_handshakes_abandoned_total',
      help: 'Websocket handshakes dropped before the upgrade because their client had already closed (it gave up while the connection waited in the accept queue).',
      registers,
    });
    this.#relay = new Histogram({
      name: 'holdfast_relay_latency_seconds',
      help: "Time from a client message's arrival to its relay onto the recipients' sockets.",
      buckets: RELAY_BUCKETS,
      registers,
    });
    this.#webhooks = new Counter({
      name: 'holdfast_webhooks_total',
      help: 'Webhook outcomes: delivered, failed (given up after the last attempt), retried (an attempt failed, another follows).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['delivered', 'failed', 'retried']) this.#webhooks.inc({ outcome }, 0);
    // Series that exist from the start, so a scrape shows zeros rather than nothing.
    for (const cause of ['graceExpired', 'replayOverflow'] satisfies Cause[])
      this.#evictions.inc({ cause }, 0);
  }

  joined(): void {
    this.#joins.inc();
  }

  resumed(): void {
    this.#resumes.inc();
  }

  evicted(cause: Cause): void {
    this.#evictions.inc({ cause });
  }

  refused(code: string): void {
    this.#refusals.inc({ code });
  }

  /** A handshake dropped before the upgrade: its client had already gone. */
  abandoned(): void {
    this.#abandoned.inc();
  }

  /** One relayed message that took `seconds` from arrival to the recipients' sockets. */
  relayed(seconds: number): void {
    this.#relay.observe(seconds);
  }

  /** Webhook counters, for the dispatcher. */
  readonly webhooks = {
    delivered: () => this.#webhooks.inc({ outcome: 'delivered' }),
    failed: () => this.#webhooks.inc({ outcome: 'failed' }),
    retried: () => this.#webhooks.inc({ outcome: 'retried' }),
  };

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
