/**
 * holdfast: React components and hooks that keep video calls alive.
 *
 * Wrap the call UI in `<SessionProvider>`; read the session with the hooks; show continuity with the
 * components (`import 'holdfast/styles.css'` for the default theme). This entry is the curated surface
 * of the React library: the provider, the hooks, the components, `createSession` and the types an app
 * writes, and the selectors `useSessionStore` is used with. The framework-agnostic core (clocks, the
 * error code list, environment and socket seams) is `holdfast/core`; the server is `holdfast/server`;
 * the wire schemas are `holdfast/protocol`. `api/holdfast.api.md` is the checked report of this surface.
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

// Components.
export type {
  ConnectionIndicatorProps,
  ConnectionLevel,
} from './components/ConnectionIndicator/ConnectionIndicator';
export { ConnectionIndicator } from './components/ConnectionIndicator/ConnectionIndicator';
export type {
  FrozenStreamOverlayProps,
  OverlayMessages,
  OverlayState,
} from './components/FrozenStreamOverlay/FrozenStreamOverlay';
export { FrozenStreamOverlay } from './components/FrozenStreamOverlay/FrozenStreamOverlay';
export type { MediaToggleProps } from './components/MediaToggle/MediaToggle';
export { MediaToggle } from './components/MediaToggle/MediaToggle';
export type { BannerMessages, BannerText } from './components/ReconnectingBanner/banner-messages';
export { defaultBannerMessages } from './components/ReconnectingBanner/banner-messages';
export type { ReconnectingBannerProps } from './components/ReconnectingBanner/ReconnectingBanner';
export { ReconnectingBanner } from './components/ReconnectingBanner/ReconnectingBanner';
export type { SessionNoticeProps } from './components/SessionNotice/SessionNotice';
export { SessionNotice } from './components/SessionNotice/SessionNotice';
export type { StreamViewProps } from './components/StreamView/StreamView';
export { StreamView } from './components/StreamView/StreamView';
export type { PlaybackState } from './components/StreamView/useAttachedMedia';
// The session (the core's entry point and the types an app writes against it).
export type { HoldfastErrorCode, HoldfastErrorData } from './core/errors';
export { HoldfastError } from './core/errors';
export type {
  LocalStream,
  Participant,
  PublishOptions,
  RemoteStream,
  StreamHealth,
} from './core/media/types';
export { createSession } from './core/session/create-session';
export type { ExceptionName, SessionEventMap, SessionEventName } from './core/session/events';
export type { GetToken, ReconnectPolicy, SessionOptions, TokenContext } from './core/session/options';
export type { Session, SignalOptions } from './core/session/session';
export type { JoinFailure, Recovery, RecoveryCause, SessionState, SessionStatus } from './core/session/state';
export type { DisconnectReason, NotificationReason, ProtocolError } from './protocol';
// The provider and the hooks.
export type {
  ExistingSessionProviderProps,
  OwnedSessionProviderProps,
  SessionProviderOptions,
  SessionProviderProps,
} from './react/SessionProvider';
export { SessionProvider } from './react/SessionProvider';
export { useSessionController } from './react/session-context';
export type { UseLocalMediaResult } from './react/useLocalMedia';
export { useLocalMedia } from './react/useLocalMedia';
export { useParticipants } from './react/useParticipants';
export { useReconnectState } from './react/useReconnectState';
export type { UseSessionResult } from './react/useSession';
export { useSession } from './react/useSession';
export { useSessionEvent } from './react/useSessionEvent';
export { useSessionNotification } from './react/useSessionNotification';
export { useSessionStore } from './react/useSessionStore';
export { useStream } from './react/useStream';
export { useStreamIds } from './react/useStreamIds';
export { useStreams } from './react/useStreams';
export { useWholeSeconds } from './react/useWholeSeconds';
// What the hooks return, and the selectors `useSessionStore` takes.
export type { ReconnectPhase, ReconnectReason, ReconnectState } from './store/reconnect-state';
export type { StreamFilter } from './store/selectors';
export {
  selectLastDisconnect,
  selectLastRecovery,
  selectReconnect,
  selectReconnectPhase,
  selectStatus,
  selectStreamHealth,
} from './store/selectors';
export type { SessionController } from './store/session-controller';
export type {
  LastDisconnect,
  LastRecovery,
  PendingNotification,
  SessionStoreState,
} from './store/session-store-state';
