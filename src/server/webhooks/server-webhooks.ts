import { randomUUID } from 'node:crypto';
import type { NotificationReason } from '../../protocol';
import type { ServerClock } from '../clock';
import { logEvent, type ServerLogger } from '../logger';
import { MemoryWebhookOutbox } from './memory-webhook-outbox';
import { WebhookDispatcher, type WebhookMetrics } from './webhook-dispatcher';
import type { WebhookEmitter, WebhookEvent, WebhookMessage } from './webhook-events';
import type { ResolvedWebhookOptions } from './webhook-options';
import { createWebhookSender } from './webhook-sender';

/**
 * A node's webhooks: what the server emits itself (sessions, participants) and the entry points the
 * cluster and drain code call. Every `emit…` enqueues and returns; delivery happens in the
 * background. Without webhook options, all of it does nothing.
 */
export interface ServerWebhooks extends WebhookEmitter {
  /** Whether a webhook URL is configured. */
  readonly enabled: boolean;
  /**
   * A node was declared crashed. The cluster calls this once per crash, on the survivor that won the
   * declaration, after {@link claimOrphaned} (so the dead node's own events go out first).
   */
  emitNodeCrashed(crash: { nodeId: string; bootId: string; sessionIds: string[] }): void;
  /**
   * A planned change was announced to this node's clients (drain): sends `sessionNotification` with
   * this node's id. `sessionIds` defaults to the sessions with members on this node.
   */
  emitSessionNotification(notice: {
    reason: NotificationReason;
    deadline: number;
    sessionIds?: string[];
  }): void;
  /**
   * Takes over the messages the node `deadNodeId` had queued and not delivered: they move, in order,
   * to this node's queue and are sent from here (each with its original `webhook-id`). Call it on the
   * survivor that declared `deadNodeId` crashed, once the dead node is fenced (it must not be serving
   * any more); calling it again, or from several nodes at once, is safe: each message moves once.
   * Returns how many moved.
   */
  claimOrphaned(deadNodeId: string): Promise<number>;
  /**
   * Stops delivering, after up to `flushMs` for what is queued to go out; undelivered messages stay
   * in the outbox.
   */
  close(flushMs?: number): Promise<void>;
}

/** What {@link createServerWebhooks} needs from the server. */
export interface ServerWebhooksDeps {
  nodeId: string;
  clock: ServerClock;
  logger: ServerLogger;
  metrics: WebhookMetrics;
  /** Sessions with members on this node. */
  liveSessionIds: () => string[];
  /** A new `webhook-id`. @default `msg_<uuid>` */
  newId?: () => string;
}

/** The webhooks of one node; a no-op set when `options` is undefined. */
export function createServerWebhooks(
  options: ResolvedWebhookOptions | undefined,
  deps: ServerWebhooksDeps,
): ServerWebhooks {
  if (!options) {
    return {
      enabled: false,
      emit: () => {},
      emitNodeCrashed: () => {},
      emitSessionNotification: () => {},
      claimOrphaned: async () => 0,
      close: async () => {},
    };
  }
  const { nodeId, clock, logger } = deps;
  const outbox = options.outbox ?? new MemoryWebhookOutbox();
  const newId = deps.newId ?? (() => `msg_${randomUUID()}`);
  const dispatcher = new WebhookDispatcher({
    nodeId,
    outbox,
    send: createWebhookSender({ ...options, now: () => clock.now() }),
    clock,
    random: options.random,
    retryDelaysMs: options.retryDelaysMs,
    jitter: options.jitter,
    logger,
    metrics: deps.metrics,
  });
  const emit = (event: WebhookEvent): void => {
    const message = {
      ...event,
      id: newId(),
      timestamp: new Date(clock.now()).toISOString(),
    } as WebhookMessage;
    outbox.enqueue(nodeId, message).then(
      () => dispatcher.kick(),
      (error: unknown) => logEvent(logger, 'error', 'webhook enqueue failed', { err: error, message }),
    );
  };
  // Messages this node queued in a previous run (same node id, durable outbox) go out now.
  dispatcher.kick();
  return {
    enabled: true,
    emit,
    emitNodeCrashed: (crash) => emit({ type: 'nodeCrashed', data: crash }),
    emitSessionNotification: ({ reason, deadline, sessionIds }) =>
      emit({
        type: 'sessionNotification',
        data: { nodeId, reason, deadline, sessionIds: sessionIds ?? deps.liveSessionIds() },
      }),
    claimOrphaned: async (deadNodeId) => {
      const moved = await outbox.claim(deadNodeId, nodeId);
      if (moved > 0) {
        logEvent(logger, 'info', 'webhooks claimed', { from: deadNodeId, moved });
        dispatcher.kick();
      }
      return moved;
    },
    close: (flushMs) => dispatcher.close(flushMs),
  };
}
