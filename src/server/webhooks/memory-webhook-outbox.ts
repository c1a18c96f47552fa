import type { WebhookMessage } from './webhook-events';
import type { WebhookOutbox } from './webhook-outbox';

/**
 * A {@link WebhookOutbox} in this process's memory: durable across the nodes of one process (the
 * in-memory cluster) but not across a process crash. The default of a server without Redis.
 */
export class MemoryWebhookOutbox implements WebhookOutbox {
  readonly #queues = new Map<string, WebhookMessage[]>();

  async enqueue(nodeId: string, message: WebhookMessage): Promise<void> {
    this.#queue(nodeId).push(message);
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
