import * as v from 'valibot';

/**
 * Every error the server can answer with. Each has one meaning; the `message` beside it is for humans.
 */
export const ERROR_CODES = [
  'PROTOCOL_VERSION_UNSUPPORTED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_SESSION_MISMATCH',
  'TOKEN_IDENTITY_MISMATCH',
  'TOKEN_USED',
  'SESSION_NOT_FOUND',
  'SESSION_CLOSED',
  'SESSION_FULL',
  'CONNECTION_NOT_FOUND',
  'CONNECTION_EVICTED',
  'RESUME_SECRET_INVALID',
  'NOT_JOINED',
  'ALREADY_JOINED',
  'MESSAGE_MALFORMED',
  'MESSAGE_TOO_LARGE',
  'MESSAGE_UNKNOWN',
  'TARGET_NOT_IN_SESSION',
  'RATE_LIMITED',
  'OVERLOADED',
  'NODE_DRAINING',
  'NOT_OWNER',
  'NODE_CRASHED',
  'NODE_FENCED',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorCodeSchema = v.picklist(ERROR_CODES);

/** Longest retry delay a server may ask for (10 minutes). */
export const MAX_RETRY_AFTER_MS = 600_000;

export const ProtocolErrorSchema = v.object({
  code: ErrorCodeSchema,
  message: v.string(),
  /**
   * Set on a refusal the client should retry, and not before this many milliseconds (`OVERLOADED`: the
   * server admits joins and resumes at a pace it can serve and gives each refused one its own slot;
   * `NOT_OWNER`: another node hosts the session or connection, ask it or come back).
   */
  retryAfterMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_RETRY_AFTER_MS))),
});

/** An error as it travels on the wire. */
export type ProtocolError = v.InferOutput<typeof ProtocolErrorSchema>;
