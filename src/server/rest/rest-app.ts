import { type Context, Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import * as v from 'valibot';
import {
  CreateConnectionRequestSchema,
  CreateSessionRequestSchema,
  DevTokenRequestSchema,
  DrainRequestSchema,
  jsonShapeProblem,
  LIMITS,
  RestSignalRequestSchema,
} from '../../protocol';
import { IMPORT_PATH } from '../cluster/cluster-migration-target';
import type { SessionAdmin } from '../hub/session-admin';
import { logEvent, type ServerLogger } from '../logger';
import type { SessionSnapshot } from '../migration/migration-target';
import { ProtocolFailure } from '../protocol-failure';
import { limitBody, readBodyText } from './request-body';
import { errorResponse } from './rest-errors';
import { secretCheck } from './secret-check';

/** What the REST app is built from. */
export interface RestAppDeps {
  admin: SessionAdmin;
  /** The REST secret (`Authorization: Bearer <secret>`). */
  secret: string;
  /** Serve `POST /dev/token`. */
  devTokens: boolean;
  logger: ServerLogger;
  /** In a cluster: the refusal of every `/api` and `/dev` call while this node may not serve. */
  refusal?: () => ProtocolFailure | undefined;
  /** Imports a session another node of the cluster hands over (migration). */
  importSession?: (snapshot: SessionSnapshot) => void;
}

/** Largest migrating session a node takes (members' replay buffers included). */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * The REST API for app backends (see `src/protocol/rest.ts` and docs/protocol.md): sessions, tokens,
 * forced endings and server signals under `/api` (secret required, except `GET /api/health`), and in
 * dev mode `POST /dev/token` (no secret, CORS open).
 */
export function createRestApp(deps: RestAppDeps): Hono {
  const { admin } = deps;
  const app = new Hono();
  const unauthorized = () => errorResponse('UNAUTHORIZED', 'missing or wrong bearer secret');
  const secretMatches = secretCheck(deps.secret);

  const protocolLimit = limitBody(LIMITS.maxMessageBytes);
  const importLimit = limitBody(MAX_IMPORT_BYTES);
  // Every body is held to the protocol's limit but a migrating session's (secret required).
  app.use('*', (c, next) => (c.req.path === IMPORT_PATH ? importLimit(c, next) : protocolLimit(c, next)));
  app.get('/api/health', async (c) => c.json(await admin.health()));
  const refusal = deps.refusal;
  if (refusal) {
    app.use('*', async (c, next) => {
      const refused =
        c.req.path.startsWith('/api/') || c.req.path.startsWith('/dev/') ? refusal() : undefined;
      if (refused) throw refused;
      await next();
    });
  }
  app.use(
    '/api/*',
    bearerAuth({
      verifyToken: (presented) => secretMatches(presented),
      noAuthenticationHeader: { message: unauthorized },
      invalidAuthenticationHeader: { message: unauthorized },
      invalidToken: { message: unauthorized },
    }),
  );

  const importSession = deps.importSession;
  if (importSession) {
    app.post(IMPORT_PATH, async (c) => {
      let snapshot: SessionSnapshot;
      try {
        snapshot = JSON.parse(await readBodyText(c, MAX_IMPORT_BYTES)) as SessionSnapshot;
      } catch {
        throw new ProtocolFailure('MESSAGE_MALFORMED', 'body is not JSON');
      }
      if (typeof snapshot?.sessionId !== 'string' || !Array.isArray(snapshot.members)) {
        throw new ProtocolFailure('MESSAGE_MALFORMED', 'body is not a session snapshot');
      }
      importSession(snapshot);
      return c.body(null, 204);
    });
  }

  app.post('/api/sessions', async (c) => {
    const body = await readBody(c, CreateSessionRequestSchema, true);
    return c.json(await admin.createSession(body.customSessionId));
  });
  app.get('/api/sessions/:sessionId', async (c) => c.json(await admin.describe(c.req.param('sessionId'))));
  app.delete('/api/sessions/:sessionId', async (c) => {
    await admin.close(c.req.param('sessionId'));
    return c.body(null, 204);
  });
  app.post('/api/sessions/:sessionId/connections', async (c) => {
    const body = await readBody(c, CreateConnectionRequestSchema, true);
    return c.json(await admin.issueToken(c.req.param('sessionId'), body));
  });
  app.delete('/api/sessions/:sessionId/connections/:connectionId', async (c) => {
    await admin.forceDisconnect(c.req.param('sessionId'), c.req.param('connectionId'));
    return c.body(null, 204);
  });
  app.post('/api/sessions/:sessionId/signal', async (c) => {
    await admin.signal(c.req.param('sessionId'), await readBody(c, RestSignalRequestSchema, false));
    return c.body(null, 204);
  });

  app.post('/api/drain', async (c) => {
    const body = await readBody(c, DrainRequestSchema, true);
    return c.json(admin.drain(body.withinMs), 202);
  });

  if (deps.devTokens) {
    app.use('/dev/*', cors());
    app.post('/dev/token', async (c) =>
      c.json(await admin.devToken(await readBody(c, DevTokenRequestSchema, false))),
    );
  }

  app.notFound(() => errorResponse('NOT_FOUND', 'no such route'));
  app.onError((error) => {
    if (error instanceof ProtocolFailure) return errorResponse(error.code, error.message, error.retryAfterMs);
    if (error instanceof HTTPException) return error.getResponse();
    logEvent(deps.logger, 'error', 'rest error', { err: error });
    return errorResponse('INTERNAL', 'internal server error');
  });
  return app;
}

/** Reads a JSON body and validates it; an empty body counts as `{}` when `emptyIsObject`. */
async function readBody<TSchema extends v.GenericSchema>(
  c: Context,
  schema: TSchema,
  emptyIsObject: boolean,
): Promise<v.InferOutput<TSchema>> {
  const text = await readBodyText(c, LIMITS.maxMessageBytes);
  let json: unknown;
  try {
    json = text.trim() === '' && emptyIsObject ? {} : JSON.parse(text);
  } catch {
    throw new ProtocolFailure('MESSAGE_MALFORMED', 'body is not JSON');
  }
  const problem = jsonShapeProblem(json);
  if (problem) throw new ProtocolFailure('MESSAGE_MALFORMED', `body holds ${problem}`);
  const parsed = v.safeParse(schema, json);
  if (!parsed.success)
    throw new ProtocolFailure('MESSAGE_MALFORMED', `invalid body: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}
