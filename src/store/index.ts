/**
 * The session store: a zustand vanilla store fed only by core events, and its named selectors.
 * No React here.
 * @packageDocumentation
 */
export type { ApplyContext, SessionEventRecord, SessionSnapshotSource } from './apply-session-event';
export { applySessionEvent, refreshReconnect, syncFromSession } from './apply-session-event';
export type { BindSessionOptions } from './bind-session-to-store';
export { bindSessionToStore, readSessionIntoState } from './bind-session-to-store';
export type { SessionStore } from './create-session-store';
export { createSessionStore } from './create-session-store';
export type { ReconnectInputs } from './derive-reconnect-state';
export { deriveReconnectState, isTroubled } from './derive-reconnect-state';
export type { ReconnectPhase, ReconnectReason, ReconnectState } from './reconnect-state';
export { IDLE_RECONNECT_STATE } from './reconnect-state';
export * from './selectors';
export { SESSION_EVENT_NAMES } from './session-event-names';
export type {
  LastDisconnect,
  LastRecovery,
  PendingNotification,
  SessionStoreState,
} from './session-store-state';
export { initialSessionStoreState } from './session-store-state';
