/**
 * The session store: a zustand vanilla store fed only by the core (state changes, snapshots and the
 * server's notices), its named selectors, and the controller a provider holds. No React here.
 *
 * INTERNAL barrel (tests import the whole store through it): not a package entry. The root entry
 * (`src/index.ts`) picks what apps use from the files themselves.
 */
export type { ApplyContext, SessionEventRecord, SessionSnapshotSource } from './apply-session-event';
export {
  applySessionEvent,
  refreshReconnect,
  showSessionState,
  syncFromSession,
} from './apply-session-event';
export type { BindSessionOptions } from './bind-session-to-store';
export { bindSessionToStore, readSessionIntoState } from './bind-session-to-store';
export type { SessionStore } from './create-session-store';
export { createSessionStore } from './create-session-store';
export type { ReconnectInputs } from './derive-reconnect-state';
export { deriveReconnectState, isTroubled } from './derive-reconnect-state';
export type { ReconnectPhase, ReconnectReason, ReconnectState } from './reconnect-state';
export { IDLE_RECONNECT_STATE } from './reconnect-state';
export * from './selectors';
export type { SessionControllerOptions } from './session-controller';
export { SessionController } from './session-controller';
export type {
  LastDisconnect,
  LastRecovery,
  PendingNotification,
  SessionStoreState,
} from './session-store-state';
export { initialSessionStoreState } from './session-store-state';
