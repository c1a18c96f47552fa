import * as v from 'valibot';
import { ConnectionInfoSchema, IdSchema, RoleSchema, SessionIdSchema, StreamInfoSchema } from './entities';
import { ProtocolErrorSchema } from './errors';
import { LIMITS } from './version';

/**
 * REST API for app backends. Every route under `/api` needs `Authorization: Bearer <server secret>`.
 *
 * | method | path | body | answer |
 * |---|---|---|---|
 * | POST | /api/sessions | `CreateSessionRequest` | `SessionDescription` (200; idempotent on `customSessionId`) |
 * | GET | /api/sessions/:sessionId | | `SessionDescription` |
 * | DELETE | /api/sessions/:sessionId | | 204; members get `sessionDisconnected` `sessionClosedByServer` |
 * | POST | /api/sessions/:sessionId/connections | `CreateConnectionRequest` | `ConnectionTokenResponse` |
 * | DELETE | /api/sessions/:sessionId/connections/:connectionId | | 204; `forceDisconnectByServer` |
 * | POST | /api/sessions/:sessionId/signal | `RestSignalRequest` | 204 |
 * | GET | /api/health | (no secret) | `HealthResponse` |
 *
 * Errors answer `{ error: { code, message } }` with a fitting HTTP status.
 */
export const CreateSessionRequestSchema = v.object({
  customSessionId: v.optional(SessionIdSchema),
});
export type CreateSessionRequest = v.InferOutput<typeof CreateSessionRequestSchema>;

export const SessionDescriptionSchema = v.object({
  sessionId: SessionIdSchema,
  createdAt: v.number(),
  connections: v.array(ConnectionInfoSchema),
  streams: v.array(StreamInfoSchema),
});
export type SessionDescription = v.InferOutput<typeof SessionDescriptionSchema>;

/** Most joins one token may admit (`maxUses`). */
export const MAX_TOKEN_USES = 1000;

export const CreateConnectionRequestSchema = v.object({
  /**
   * The participant's identity, bound into the token: a join must present exactly this identity. Pass
   * the one the page uses (holdfast hands it to `getToken` as `{ identity }`). @default a new one
   * the server assigns (read it from the answer and give it to the page)
   */
  identity: v.optional(IdSchema),
  /** Opaque app data every participant sees on this connection. */
  data: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.maxConnectionDataChars))),
  /** @default 'publisher' */
  role: v.optional(RoleSchema),
  /** Token lifetime in seconds. @default 3600 */
  ttlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 24 * 3600))),
  /** How many joins the token admits (a resume never uses one). @default 1 */
  maxUses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TOKEN_USES))),
});
export type CreateConnectionRequest = v.InferOutput<typeof CreateConnectionRequestSchema>;

export const ConnectionTokenResponseSchema = v.object({
  sessionId: SessionIdSchema,
  token: v.string(),
  /** The identity the token is bound to. */
  identity: IdSchema,
  role: RoleSchema,
  data: v.string(),
  expiresAt: v.number(),
  maxUses: v.number(),
  /** In a cluster: the public URL of the node the session is placed on (also the token's `url` claim). */
  url: v.optional(v.string()),
});
export type ConnectionTokenResponse = v.InferOutput<typeof ConnectionTokenResponseSchema>;

export const RestSignalRequestSchema = v.object({
  type: v.pipe(v.string(), v.maxLength(LIMITS.maxSignalTypeChars)),
  data: v.unknown(),
  to: v.optional(v.array(v.string())),
});
export type RestSignalRequest = v.InferOutput<typeof RestSignalRequestSchema>;

/** Longest rotation deadline a drain may give (1 hour). */
export const MAX_DRAIN_MS = 3_600_000;

/**
 * `POST /api/drain`: starts a planned rotation of the node that answers (R1). Members get
 * `sessionNotification` `serverRotation` with the deadline and end with `serverRotation` at it.
 */
export const DrainRequestSchema = v.object({
  /** How long members have to move. @default the server's `drainMs` */
  withinMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_DRAIN_MS))),
});
export type DrainRequest = v.InferOutput<typeof DrainRequestSchema>;

/** Answer to `POST /api/drain`. */
export const DrainResponseSchema = v.object({
  nodeId: v.string(),
  /** Epoch milliseconds; the first deadline when the node was already draining. */
  deadline: v.number(),
});
export type DrainResponse = v.InferOutput<typeof DrainResponseSchema>;

export const HealthResponseSchema = v.object({
  ok: v.boolean(),
  nodeId: v.string(),
  bootId: v.string(),
  sessions: v.number(),
  connections: v.number(),
});
export type HealthResponse = v.InferOutput<typeof HealthResponseSchema>;

/**
 * `POST /dev/token` (dev mode only, no secret, CORS open): a token for `sessionId`, creating the
 * session when it does not exist. Answered by `ConnectionTokenResponse`.
 */
export const DevTokenRequestSchema = v.object({
  sessionId: SessionIdSchema,
  ...CreateConnectionRequestSchema.entries,
});
export type DevTokenRequest = v.InferOutput<typeof DevTokenRequestSchema>;

/** Body of every REST error answer. */
export const RestErrorResponseSchema = v.object({ error: ProtocolErrorSchema });
export type RestErrorResponse = v.InferOutput<typeof RestErrorResponseSchema>;
