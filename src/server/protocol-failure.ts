import type { ErrorCode, ProtocolError } from '../protocol';

/**
 * A refusal with a protocol error code, thrown inside the server and turned into the wire answer
 * (`{ ok: false, error }`, `hf:error`, or a REST error body) at the edge.
 */
export class ProtocolFailure extends Error {
  readonly code: ErrorCode;
  /** When set, the client may retry after this many milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'ProtocolFailure';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  /** The error as it travels on the wire. */
  toWire(): ProtocolError {
    const error: ProtocolError = { code: this.code, message: this.message };
    if (this.retryAfterMs !== undefined) error.retryAfterMs = this.retryAfterMs;
    return error;
  }
}

/** Builds a wire error. */
export const protocolError = (code: ErrorCode, message: string): ProtocolError => ({ code, message });

/** The wire error for anything thrown: a {@link ProtocolFailure} as is, anything else as `INTERNAL`. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolFailure) return error.toWire();
  return { code: 'INTERNAL', message: 'internal server error' };
}
