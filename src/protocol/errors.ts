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
  'FORBIDDEN',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorCodeSchema = v.picklist(ERROR_CODES);

export const ProtocolErrorSchema = v.object({
  code: ErrorCodeSchema,
  message: v.string(),
});

/** An error as it travels on the wire. */
export type ProtocolError = v.InferOutput<typeof ProtocolErrorSchema>;
