import type { WebhookMessage } from './webhook-events';

/**
 * Where webhook messages wait until they are delivered: one FIFO queue per node. The node named
 * `nodeId` is the only one that reads and removes from its own queue (see `WebhookDispatcher`);
 * a message leaves the queue only once delivered or given up, so a node that dies with messages
 * queued (or one in flight) leaves them there for a survivor to {@link WebhookOutbox.claim}.
 *
 * Delivery is at least once: a message whose attempt was in flight when its node died is sent
 * again by the survivor, with the same `webhook-id`.
 */
export interface WebhookOutbox {
  /** Appends `message` to the tail of `nodeId`'s queue. */
  enqueue(nodeId: string, message: WebhookMessage): Promise<void>;
  /** The head of `nodeId`'s queue, left in place. */
  peek(nodeId: string): Promise<WebhookMessage | undefined>;
  /**
   * Removes the message `messageId` if it is (still) the head of `nodeId`'s queue; a no-op when it is
   * not (another node claimed the queue meanwhile).
   */
  remove(nodeId: string, messageId: string): Promise<void>;
  /**
   * Moves every message of `fromNodeId`'s queue, in order, to the tail of `toNodeId`'s queue, as one
   * atomic step: of several callers claiming the same queue at once, one gets every message and the
   * others none. Returns how many moved. Claiming one's own queue moves nothing.
   */
  claim(fromNodeId: string, toNodeId: string): Promise<number>;
  /** How many messages wait in `nodeId`'s queue. */
  size(nodeId: string): Promise<number>;
}
