import type { SessionInternals } from './internals';
import type { SessionOptions } from './options';
import { resolveSessionOptions } from './resolve-options';
import type { Session } from './session';
import { SessionRuntime } from './session-runtime';

/**
 * Creates a session. Nothing connects until `join()`.
 *
 * @param options - see {@link SessionOptions}.
 * @param internals - INTERNAL seams for tests (socket factory, media plane factory, environment); not
 *   part of the public API.
 */
export function createSession(options: SessionOptions, internals?: SessionInternals): Session {
  return new SessionRuntime(resolveSessionOptions(options), internals);
}
