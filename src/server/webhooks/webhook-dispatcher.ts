import type { ServerClock, ServerTimer } from '../clock';
import { logEvent, type ServerLogger } from '../logger';
import type { WebhookMessage } from './webhook-events';
import type { WebhookOutbox } from './webhook-outbox';
import type { WebhookSend } from './webhook-sender';

/** What the dispatcher counts (the server's Prometheus counters). */
export interface WebhookMetrics {
  delivered(): void;
  /** A message given up after its last attempt. */
  failed(): void;
  /** A failed attempt that will be tried again. */
  retried(): void;
}

/** What a {@link WebhookDispatcher} is built from. */
export interface WebhookDispatcherDeps {
  /** The queue this dispatcher pumps: this node's. */
  nodeId: string;
  outbox: WebhookOutbox;
  send: WebhookSend;
  clock: ServerClock;
  /** A number in [0, 1), for the jitter. */
  random: () => number;
  /** Delay before each retry; a message gets `retryDelaysMs.length + 1` attempts in all. */
  retryDelaysMs: readonly number[];
  /** Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
  logger: ServerLogger;
  metrics: WebhookMetrics;
}

/** How long to wait before reading the outbox again after it failed (Redis unreachable). */
const OUTBOX_RETRY_MS = 1000;

/**
 * Pumps one node's outbox queue: one message at a time, in order (the head waits for its retries,
 * so a receiver sees events in the order they happened), each attempted until delivered or out of
 * attempts, then removed. Runs in the background: {@link kick} returns at once.
 */
export class WebhookDispatcher {
  readonly #deps: WebhookDispatcherDeps;
  readonly #abort = new AbortController();
  #pumping: Promise<void> | null = null;
  #again = false;
  #sleeping: { timer: ServerTimer; wake: () => void } | null = null;

  constructor(deps: WebhookDispatcherDeps) {
    this.#deps = deps;
  }

  /** Something was enqueued (or claimed): start pumping unless already at it. */
  kick(): void {
    if (this.#abort.signal.aborted) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = null;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /**
   * Stops, after letting the queue empty for up to `flushMs` (a graceful shutdown sends what it can):
   * then the attempt in flight is aborted and nothing more is sent. Messages not yet delivered stay in
   * the outbox (in Redis, for a survivor or the next run of this node).
   */
  async close(flushMs = 0): Promise<void> {
    if (flushMs > 0 && this.#pumping && !this.#abort.signal.aborted) {
      let timer: NodeJS.Timeout | undefined;
      const flushed = (async () => {
        while (this.#pumping) await this.#pumping;
      })();
      await Promise.race([flushed, new Promise((resolve) => (timer = setTimeout(resolve, flushMs)))]);
      clearTimeout(timer);
    }
    this.#abort.abort();
    this.#wake();
    await this.#pumping;
  }

  async #pump(): Promise<void> {
    const { outbox, nodeId, logger } = this.#deps;
    while (!this.#abort.signal.aborted) {
      let message: WebhookMessage | undefined;
      try {
        message = await outbox.peek(nodeId);
        if (!message) return;
        await this.#deliver(message);
      } catch (error) {
        logEvent(logger, 'warn', 'webhook outbox unavailable', { err: error, messageId: message?.id });
        await this.#sleep(OUTBOX_RETRY_MS);
      }
    }
  }

  async #deliver(message: WebhookMessage): Promise<void> {
    const { send, outbox, nodeId, retryDelaysMs, logger, metrics } = this.#deps;
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await send(message, signal);
      if (signal.aborted) return;
      const context = { messageId: message.id, type: message.type, attempt };
      if (outcome.ok) {
        await outbox.remove(nodeId, message.id);
        metrics.delivered();
        logEvent(logger, 'debug', 'webhook delivered', { ...context, status: outcome.status });
        return;
      }
      const failure = { ...context, status: outcome.status, error: outcome.error };
      const delay = retryDelaysMs[attempt - 1];
      if (delay === undefined) {
        await outbox.remove(nodeId, message.id);
        metrics.failed();
        logEvent(logger, 'error', 'webhook given up', failure);
        return;
      }
      metrics.retried();
      const waitMs = this.#jittered(delay);
      logEvent(logger, 'warn', 'webhook attempt failed', { ...failure, retryInMs: waitMs });
      await this.#sleep(waitMs);
      if (signal.aborted) return;
    }
  }

  #jittered(delayMs: number): number {
    const { jitter, random } = this.#deps;
    return Math.max(0, Math.round(delayMs * (1 - jitter + 2 * jitter * random())));
  }

  #sleep(ms: number): Promise<void> {
    if (this.#abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleeping = null;
        resolve();
      };
      this.#sleeping = { timer: this.#deps.clock.setTimeout(wake, ms), wake };
    });
  }

  #wake(): void {
    const sleeping = this.#sleeping;
    if (!sleeping) return;
    this.#deps.clock.clearTimeout(sleeping.timer);
    sleeping.wake();
  }
}
