import type { ErrorCode, ProtocolError } from '../protocol';

/**
 * Error codes the client raises by itself (the server's codes are {@link ErrorCode}).
 * - `SIGNALING_UNREACHABLE`: the first join found no server before `giveUpAfterMs`.
 * - `JOIN_ABORTED`: `leave()` or `destroy()` was called while the first join was in flight.
 * - `SESSION_ENDED`: a pending message was dropped because the membership ended.
 * - `CONNECTION_REPLACED`: a pending message belonged to a connection a re-join replaced.
 * - `TOKEN_FETCH_FAILED`: the app's `getToken` threw or returned no token.
 * - `PROTOCOL_ERROR`: the server sent something that does not match the protocol.
 * - `SESSION_DESTROYED`: the session was destroyed.
 */
export const CLIENT_ERROR_CODES = [
  'SIGNALING_UNREACHABLE',
  'JOIN_ABORTED',
  'SESSION_ENDED',
  'CONNECTION_REPLACED',
  'TOKEN_FETCH_FAILED',
  'PROTOCOL_ERROR',
  'SESSION_DESTROYED',
] as const;

/** An error code raised by the client itself. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** Any code a {@link HoldfastError} can carry: the server's protocol codes and the client's own. */
export type HoldfastErrorCode = ErrorCode | ClientErrorCode;

/** The message of anything thrown (an `Error`'s message, anything else as a string). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error as plain data (what state and effects carry). */
export interface HoldfastErrorData {
  code: HoldfastErrorCode;
  message: string;
}

/**
 * The error every holdfast promise rejects with. `code` says what happened; a server refusal keeps
 * the wire error in `protocolError`.
 *
 * @example
 * ```ts
 * try {
 *   await session.join();
 * } catch (error) {
 *   if (error instanceof HoldfastError && error.code === 'TOKEN_EXPIRED') refreshLogin();
 * }
 * ```
 */
export class HoldfastError extends Error {
  override readonly name = 'HoldfastError';
  readonly code: HoldfastErrorCode;
  /** The server's error, when the server refused. */
  readonly protocolError: ProtocolError | null;

  constructor(code: HoldfastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.protocolError = isClientErrorCode(code) ? null : { code, message };
  }

  /** Builds the error from a server refusal. */
  static fromProtocol(error: ProtocolError): HoldfastError {
    return new HoldfastError(error.code, error.message);
  }

  /** Builds the error from its data form. */
  static fromData(data: HoldfastErrorData): HoldfastError {
    return new HoldfastError(data.code, data.message);
  }
}

/** True when `code` is one of the client's own codes (not the server's). */
export function isClientErrorCode(code: string): code is ClientErrorCode {
  return (CLIENT_ERROR_CODES as readonly string[]).includes(code);
}
