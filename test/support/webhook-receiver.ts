import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** How the receiver answered it. */
  answer: WebhookAnswer;
}

/** How to answer a request: a status code, or `hang` (never answer; the sender's timeout fires). */
export type WebhookAnswer = number | 'hang';

/**
 * A local HTTP endpoint on 127.0.0.1 that records every webhook request and answers as `answer`
 * says (by default 204). Stop it with {@link WebhookReceiver.close}.
 *
 * @example
 * ```ts
 * const receiver = await WebhookReceiver.start((request, n) => (n === 0 ? 500 : 204));
 * // … point the server at receiver.url …
 * expect(receiver.verified(secret).map((m) => m.type)).toEqual(['sessionCreated']);
 * ```
 */
export class WebhookReceiver {
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: ReceivedWebhook[] = [];
  readonly #server: Server;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Starts listening; `answer` gets the request and how many requests came before it. */
  static async start(
    answer: (request: { headers: IncomingHttpHeaders; body: string }, index: number) => WebhookAnswer = () =>
      204,
  ): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        const requests = receiver?.requests ?? [];
        const chosen = answer(request, requests.length);
        requests.push({ ...request, answer: chosen });
        if (chosen === 'hang') return;
        res.writeHead(chosen).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks`);
    return receiver;
  }

  /** Requests answered 2xx. */
  accepted(): ReceivedWebhook[] {
    return this.requests.filter((r) => typeof r.answer === 'number' && r.answer >= 200 && r.answer < 300);
  }

  /**
   * The accepted requests' payloads, each checked with `new Webhook(secret).verify(body, headers)`
   * (throws on a bad signature), with their `webhook-id`.
   */
  verified(
    secret: string,
  ): Array<{ id: string; type: string; timestamp: string; data: Record<string, unknown> }> {
    const webhook = new Webhook(secret);
    return this.accepted().map(({ headers, body }) => {
      const payload = webhook.verify(body, headers as Record<string, string>) as {
        type: string;
        timestamp: string;
        data: Record<string, unknown>;
      };
      return { id: String(headers['webhook-id']), ...payload };
    });
  }

  /** Stops listening and drops every open connection (hung requests too). */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
