import type { WebhookMessage } from './webhook-events';
import type { WebhookOutbox } from './webhook-outbox';

/**
 * A {@link WebhookOutbox} in this process's memory: durable across the nodes of one process (the
 * in-memory cluster) but not across a process crash. The default of a server without Redis.
 */
export class MemoryWebhookOutbox implements WebhookOutbox {
  readonly #queues = new Map<string, WebhookMessage[]>();
  readonly #maxPerNode: number;

  /**
   * @param options.maxPerNode Messages one node's queue may hold; beyond, `enqueue` rejects (the
   *   event is logged and dropped) so an endpoint that is down for long cannot exhaust memory.
   *   @default 100000
   */
  constructor(options: { maxPerNode?: number } = {}) {
    this.#maxPerNode = options.maxPerNode ?? 100_000;
  }

  async enqueue(nodeId: string, message: WebhookMessage): Promise<void> {
    const queue = this.#queue(nodeId);
    if (queue.length >= this.#maxPerNode) {
      throw new Error(`webhook outbox of "${nodeId}" is full (${this.#maxPerNode} messages)`);
    }
    queue.push(message);
  }

  async peek(nodeId: string): Promise<WebhookMessage | undefined> {
    return this.#queues.get(nodeId)?.[0];
  }

  async remove(nodeId: string, messageId: string): Promise<void> {
    const queue = this.#queues.get(nodeId);
    if (queue?.[0]?.id !== messageId) return;
    queue.shift();
    if (queue.length === 0) this.#queues.delete(nodeId);
  }

  async claim(fromNodeId: string, toNodeId: string): Promise<number> {
    if (fromNodeId === toNodeId) return 0;
    const moved = this.#queues.get(fromNodeId) ?? [];
    this.#queues.delete(fromNodeId);
    if (moved.length > 0) this.#queue(toNodeId).push(...moved);
    return moved.length;
  }

  async size(nodeId: string): Promise<number> {
    return this.#queues.get(nodeId)?.length ?? 0;
  }

  #queue(nodeId: string): WebhookMessage[] {
    let queue = this.#queues.get(nodeId);
    if (!queue) {
      queue = [];
      this.#queues.set(nodeId, queue);
    }
    return queue;
  }
}
