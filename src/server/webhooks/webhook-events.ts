import type { DisconnectReason, NotificationReason } from '../../protocol';

/** Why a session ended, as its `sessionDestroyed` webhook says. */
export type SessionEndReason =
  /** The app backend closed it (`DELETE /api/sessions/:id`). */
  | 'sessionClosedByServer'
  /** It had no member for `emptySessionTtlMs`. */
  | 'emptySessionExpired'
  /** The node hosting it died (sent by the survivor that declared the crash). */
  | 'nodeCrashed'
  /** The node hosting it was drained for a rotation. */
  | 'serverRotation';

/** The `data` of each webhook event, by `type`. */
export interface WebhookEventMap {
  /** A session was created (REST, or a dev token for a new session). */
  sessionCreated: { sessionId: string; nodeId: string };
  /** A session ended; its members' `participantLeft` events come before. */
  sessionDestroyed: { sessionId: string; nodeId: string; reason: SessionEndReason };
  /** A member joined; `replaces` names the connection of the same identity it replaced. */
  participantJoined: {
    sessionId: string;
    nodeId: string;
    connectionId: string;
    identity: string;
    role: string;
    data: string;
    replaces?: string;
  };
  /** A member's membership ended, with the reason its peers were given. */
  participantLeft: {
    sessionId: string;
    nodeId: string;
    connectionId: string;
    identity: string;
    reason: DisconnectReason;
  };
  /** A node was declared dead; `sessionIds` are the sessions it hosted. */
  nodeCrashed: { nodeId: string; bootId: string; sessionIds: string[] };
  /** A planned change was announced to the clients of `sessionIds` on `nodeId`. */
  sessionNotification: {
    nodeId: string;
    reason: NotificationReason;
    /** Epoch milliseconds by which the change happens. */
    deadline: number;
    sessionIds: string[];
  };
}

/** The name of a webhook event. */
export type WebhookEventType = keyof WebhookEventMap;

/** Every webhook event type, in documentation order. */
export const WEBHOOK_EVENT_TYPES = [
  'sessionCreated',
  'sessionDestroyed',
  'participantJoined',
  'participantLeft',
  'nodeCrashed',
  'sessionNotification',
] as const satisfies readonly WebhookEventType[];

/** One event to send, before it gets an id and a timestamp. */
export type WebhookEvent = {
  [K in WebhookEventType]: { type: K; data: WebhookEventMap[K] };
}[WebhookEventType];

/**
 * An event with its `webhook-id` and its time, as kept in the outbox and POSTed as
 * `{ type, timestamp, data }` (the Standard Webhooks payload shape). The id and the body stay the
 * same across every attempt, so a receiver drops a retry it already processed by its `webhook-id`.
 */
export type WebhookMessage = WebhookEvent & {
  /** The `webhook-id` header: `msg_<uuid>`. */
  id: string;
  /** When the event happened, ISO 8601 (UTC). */
  timestamp: string;
};

/** Where the server's code sends events; it enqueues and returns, never waits for delivery. */
export interface WebhookEmitter {
  emit(event: WebhookEvent): void;
}

/** An emitter that drops everything (a server without webhooks). */
export const noWebhooks: WebhookEmitter = { emit: () => {} };

/** The request body of `message`: exactly these bytes are signed and sent. */
export const webhookBody = (message: WebhookMessage): string =>
  JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
