import type { ErrorCode, RestErrorResponse } from '../../protocol';

const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  CONNECTION_NOT_FOUND: 404,
  SESSION_CLOSED: 410,
  MESSAGE_MALFORMED: 400,
  MESSAGE_UNKNOWN: 400,
  TARGET_NOT_IN_SESSION: 400,
  MESSAGE_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  NODE_DRAINING: 503,
  NOT_OWNER: 409,
  NODE_CRASHED: 410,
  NODE_FENCED: 503,
  INTERNAL: 500,
};

/** HTTP status of a REST answer refused with `code`. */
export const httpStatusOf = (code: ErrorCode): number => STATUS[code] ?? 400;

/** A REST error answer: `{ error: { code, message } }` with the fitting status. */
export function errorResponse(code: ErrorCode, message: string, retryAfterMs?: number): Response {
  const body: RestErrorResponse = { error: { code, message } };
  if (retryAfterMs !== undefined) body.error.retryAfterMs = retryAfterMs;
  return Response.json(body, { status: httpStatusOf(code) });
}
