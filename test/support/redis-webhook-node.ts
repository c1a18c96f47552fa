/**
 * A holdfast server whose webhooks wait in a Redis outbox, as a child process a test can SIGKILL:
 * `node --import tsx test/support/redis-webhook-node.ts` with `REDIS_URL`, `WEBHOOK_URL`,
 * `WEBHOOK_SECRET`, `NODE_ID` and `SECRET` in the environment. Prints `{"msg":"listening","url":…}`.
 * Retries are a minute apart, so a refused first attempt leaves its message queued.
 * @packageDocumentation
 */
import { createClient } from 'redis';
import { createServer, RedisWebhookOutbox } from '../../src/server';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const client = createClient({ url: env('REDIS_URL') });
await client.connect();
const server = createServer({
  secret: env('SECRET'),
  port: 0,
  nodeId: env('NODE_ID'),
  logLevel: 'warn',
  webhooks: {
    url: env('WEBHOOK_URL'),
    secret: env('WEBHOOK_SECRET'),
    retryDelaysMs: [60_000],
    outbox: new RedisWebhookOutbox({ client }),
  },
});
const { url } = await server.listen();
process.stdout.write(`${JSON.stringify({ msg: 'listening', url })}\n`);
