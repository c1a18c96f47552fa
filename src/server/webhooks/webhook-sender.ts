import { Webhook } from 'standardwebhooks';
import { type WebhookMessage, webhookBody } from './webhook-events';

/** How one delivery attempt ended. */
export type DeliveryOutcome = { ok: true; status: number } | { ok: false; status?: number; error?: string };

/** Sends one attempt of a message; never throws. */
export type WebhookSend = (message: WebhookMessage, signal: AbortSignal) => Promise<DeliveryOutcome>;

/** What {@link createWebhookSender} needs. */
export interface WebhookSenderOptions {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  /** An attempt that has not answered after this long fails (and is retried). */
  timeoutMs: number;
  /** Epoch milliseconds, for `webhook-timestamp`. */
  now: () => number;
}

/**
 * One attempt = one signed `POST`: body `{ type, timestamp, data }`; headers `webhook-id` (the
 * message id, the same on every attempt), `webhook-timestamp` (this attempt, in seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, by `standardwebhooks`).
 * Any 2xx answer is a delivery; any other answer, a network error or the timeout is a failure.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSend {
  const signer = new Webhook(options.secret);
  return async (message, signal) => {
    const body = webhookBody(message);
    const at = new Date(options.now());
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'holdfast-webhooks',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(message.id, at, body),
    };
    // The attempt's own controller, held here until the attempt ends, and a plain timer. Not
    // `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 fetch loses such a signal's abort
    // once a garbage collection ran (nodejs/node#55428), and a receiver that never answers would then
    // hold the queue forever (test/unit/server/webhook-delivery.test.ts runs a GC mid-attempt).
    const attempt = new AbortController();
    const abort = () => attempt.abort(signal.reason);
    const timer = setTimeout(
      () => attempt.abort(new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError')),
      options.timeoutMs,
    );
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: attempt.signal,
      });
      // Read the answer to the end so the connection goes back to the pool.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    }
  };
}
