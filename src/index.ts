/**
 * holdfast: React components and hooks that keep video calls alive.
 *
 * Wrap the call UI in `<SessionProvider>`; read the session with the hooks; show continuity with the
 * components (`import 'holdfast/styles.css'` for the default theme). The framework-agnostic core is
 * re-exported here too (`createSession` and its types); the server lives under `holdfast/server`.
 *
 * @example
 * ```tsx
 * import { ReconnectingBanner, SessionProvider, StreamView, useStreamIds } from 'holdfast';
 * import 'holdfast/styles.css';
 *
 * function Grid() {
 *   const ids = useStreamIds();
 *   return ids.map((id) => <StreamView key={id} streamId={id} />);
 * }
 *
 * export const Call = () => (
 *   <SessionProvider serverUrl="http://localhost:4000" sessionId="standup" getToken={fetchToken} publish>
 *     <ReconnectingBanner />
 *     <StreamView local />
 *     <Grid />
 *   </SessionProvider>
 * );
 * ```
 * @packageDocumentation
 */

export * from './components';
export type { Clock, Random, TimerHandle } from './core/clock';
export { systemClock, systemRandom } from './core/clock';
export type { Disposer } from './core/emitter';
export type { ClientErrorCode, HoldfastErrorCode, HoldfastErrorData } from './core/errors';
export { CLIENT_ERROR_CODES, HoldfastError, isClientErrorCode } from './core/errors';
export type {
  LocalStream,
  Participant,
  PublishOptions,
  RemoteStream,
  StreamHealth,
} from './core/media/types';
export type { ExceptionName, SessionEventMap, SessionEventName } from './core/session/events';
export type { GetToken, ReconnectPolicy, SessionOptions, TokenContext } from './core/session/options';
export type { Session, SignalOptions } from './core/session/session';
export { createSession } from './core/session/session';
export type { RecoveryCause, SessionState, SessionStatus } from './core/session/state';
export type { DisconnectReason, NotificationReason, ProtocolError } from './protocol';
export * from './react';
export * from './store';
