import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/protocol';
import { httpStatusOf } from '../../../src/server/rest/rest-errors';
import {
  anyJson,
  bigString,
  deepJson,
  fieldJson,
  fuzzParameters,
  fuzzTimeoutMs,
  isWellFormedError,
  objectJson,
  RELAXED_TIMING,
} from './fuzz-inputs';
import { SECRET, TestServer } from './harness';
import { healthyPair } from './healthy-pair';

/** One HTTP request on its own connection (no pool: a connection the server cut never serves the next). */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string } | 'cut'> {
  return new Promise((resolve) => {
    const request = httpRequest(url, { method, headers, agent: false, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
      response.on('error', () => resolve('cut'));
    });
    request.on('error', () => resolve('cut'));
    // Without a Content-Length, Node sends a GET or DELETE body bare, which the server reads as a new request.
    if (body !== undefined) request.setHeader('content-length', Buffer.byteLength(body));
    request.end(body);
  });
}

describe('fuzzing every REST route (fast-check)', () => {
  it(
    'random methods, paths, secrets and bodies: never a 5xx, every refusal a protocol error with its status, the healthy pair served in order',
    async () => {
      // The healthy pair signals once a run, faster than the default rate limit allows.
      const t = await TestServer.start({
        devTokens: true,
        rateLimitPerSec: 1e6,
        rateLimitBurst: 1e6,
        ...RELAXED_TIMING,
      });
      const pair = await healthyPair(t);

      const str = (a: fc.Arbitrary<string>) => a.map((s) => JSON.stringify(s));
      // Never `room` where a route ends sessions or members: the healthy pair lives there.
      const otherSession = fc.oneof(
        fc.constantFrom('fuzz-a', 'fuzz-b', 's_x'),
        fc.string({ maxLength: 140 }),
      );
      const anySession = fc.oneof(fc.constant('room'), otherSession);
      const segment = (a: fc.Arbitrary<string>) =>
        fc.oneof(
          { weight: 5, arbitrary: a.map(encodeURIComponent) },
          { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '..', '%00') },
        );
      const route = fc.oneof(
        fc.constant({ method: 'POST', path: '/api/sessions' }),
        segment(anySession).map((s) => ({ method: 'GET', path: `/api/sessions/${s}` })),
        segment(otherSession).map((s) => ({ method: 'DELETE', path: `/api/sessions/${s}` })),
        segment(anySession).map((s) => ({ method: 'POST', path: `/api/sessions/${s}/connections` })),
        fc
          .tuple(segment(otherSession), segment(fc.string({ maxLength: 140 })))
          .map(([s, c]) => ({ method: 'DELETE', path: `/api/sessions/${s}/connections/${c}` })),
        segment(anySession).map((s) => ({ method: 'POST', path: `/api/sessions/${s}/signal` })),
        fc.constant({ method: 'GET', path: '/api/health' }),
        fc.constant({ method: 'POST', path: '/dev/token' }),
        fc
          .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.webPath())
          .map(([method, path]) => ({ method, path: path.startsWith('/') ? path : `/${path}` })),
      );
      const body = fc.oneof(
        fc.constant(undefined),
        objectJson({ customSessionId: fieldJson(str(anySession)) }),
        objectJson({
          data: fieldJson(str(fc.string({ maxLength: 5000 }))),
          role: fieldJson(str(fc.constantFrom('publisher', 'subscriber', 'moderator', 'king'))),
          ttlSeconds: fieldJson(fc.integer({ min: -5, max: 800_000 }).map(String)),
          sessionId: fieldJson(str(anySession)),
        }),
        objectJson({
          type: fieldJson(str(fc.string({ maxLength: 140 }))),
          data: fieldJson(anyJson),
          to: fieldJson(fc.array(str(fc.string()), { maxLength: 3 }).map((a) => `[${a.join(',')}]`)),
        }),
        deepJson,
        bigString,
        fc.string({ maxLength: 50 }),
      );
      const auth = fc.constantFrom(`Bearer ${SECRET}`, `Bearer ${SECRET}x`, 'Basic abc', undefined);

      await fc.assert(
        fc.asyncProperty(route, body, auth, fc.boolean(), async (r, b, authorization, json) => {
          const headers: Record<string, string> = {};
          if (authorization) headers.authorization = authorization;
          if (json) headers['content-type'] = 'application/json';
          const response = await send(
            `${t.url}${r.path}`,
            r.method,
            headers,
            r.method === 'GET' ? undefined : b,
          );
          if (response === 'cut') {
            // A body over the limit is answered 413 from its Content-Length at once, and the server then
            // closes the connection, which may cut the client while it is still sending.
            expect(Buffer.byteLength(b ?? '')).toBeGreaterThan(LIMITS.maxMessageBytes);
            return;
          }
          const { status, text } = response;
          expect(status).toBeLessThan(500);
          if (status >= 400) {
            const answer = JSON.parse(text || 'null') as { error?: { code: string } } | null;
            expect(answer, `${r.method} ${r.path} → ${status} ${text}`).not.toBeNull();
            expect(isWellFormedError(answer?.error), text).toBe(true);
            expect(status).toBe(httpStatusOf(answer?.error?.code as never));
          }

          await pair.ping();
          pair.trim();
        }),
        fuzzParameters(),
      );

      await pair.expectAllDelivered();
    },
    fuzzTimeoutMs(),
  );
});
