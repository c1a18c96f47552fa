import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ProtocolFailure } from '../protocol-failure';
import { errorResponse } from './rest-errors';

/** The Node request behind a hono context, when served by `@hono/node-server` (absent in `app.request`). */
function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

const tooLarge = (maxBytes: number) =>
  new ProtocolFailure('MESSAGE_TOO_LARGE', `body over ${maxBytes} bytes`);

/**
 * Refuses a body over `maxBytes` (`MESSAGE_TOO_LARGE`, 413) from its `Content-Length` before anything
 * reads it; a body without one is counted as it is read ({@link readBodyText}). Under
 * `@hono/node-server` it reads only the header: hono's `bodyLimit` asks for `request.body`, which makes
 * the adapter build a web `Request` and a `ReadableStream` for every request, most of the REST API's
 * CPU in a join storm (docs/decisions/0020-storms-admission.md). Elsewhere (tests calling
 * `app.request`) it is hono's `bodyLimit`.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const fallback = bodyLimit({
    maxSize: maxBytes,
    onError: () => errorResponse('MESSAGE_TOO_LARGE', `body over ${maxBytes} bytes`),
  });
  return async (c, next) => {
    const incoming = incomingOf(c);
    if (!incoming) return fallback(c, next);
    const declared = Number(incoming.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes)
      return errorResponse('MESSAGE_TOO_LARGE', `body over ${maxBytes} bytes`);
    await next();
  };
}

/** The request body as UTF-8 text, at most `maxBytes` (`MESSAGE_TOO_LARGE` beyond). */
export function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.raw.text();
  if (incoming.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onFail);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      done();
      // Let the rest drain unread; the answer goes out now.
      incoming.resume();
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onFail = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => onFail(new Error('request closed before its body ended'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onFail);
    incoming.on('close', onClose);
  });
}
