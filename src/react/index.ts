/**
 * holdfast's React binding: the provider, its context helpers and one hook per file.
 * @packageDocumentation
 */

export type {
  ExistingSessionProviderProps,
  OwnedSessionProviderProps,
  SessionProviderOptions,
  SessionProviderProps,
} from './SessionProvider';
export { SessionProvider } from './SessionProvider';
export { SessionContext, useSessionController } from './session-context';
export type { SessionControllerOptions } from './session-controller';
export { SessionController } from './session-controller';
export type { UseLocalMediaResult } from './useLocalMedia';
export { useLocalMedia } from './useLocalMedia';
export { useParticipants } from './useParticipants';
export { useReconnectState } from './useReconnectState';
export type { UseSessionResult } from './useSession';
export { useSession } from './useSession';
export { useSessionEvent } from './useSessionEvent';
export { useSessionNotification } from './useSessionNotification';
export { useSessionStore } from './useSessionStore';
export { useStream } from './useStream';
export { useStreamIds } from './useStreamIds';
export { useStreams } from './useStreams';
export { useWholeSeconds } from './useWholeSeconds';
