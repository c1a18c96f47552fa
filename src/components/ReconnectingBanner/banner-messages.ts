import type { DisconnectReason } from '../../protocol';
import type { ReconnectState } from '../../store/reconnect-state';

/** What the banner says for one reconnect state. */
export interface BannerText {
  /** Announced to screen readers (polite; assertive when disconnected). */
  message: string;
  /** Shown beside it, e.g. "Attempt 3". Announced with the message. */
  detail?: string;
}

/** Turns a reconnect state into the banner's words; return null to show nothing. */
export type BannerMessages = (state: ReconnectState) => BannerText | null;

const DISCONNECTED: Record<DisconnectReason, string> = {
  disconnect: 'You left the call.',
  forceDisconnectByUser: 'A moderator removed you from the call.',
  forceDisconnectByServer: 'You were removed from the call.',
  sessionClosedByServer: 'The call has ended.',
  networkDisconnect: 'Connection lost. You are no longer in the call.',
  nodeCrashed: 'The server went down and the call could not be resumed.',
  serverRotation: 'The server was replaced and the call could not be resumed.',
  duplicateIdentity: 'You joined this call from another tab or device.',
};

const attemptDetail = (attempt: number) => (attempt > 1 ? { detail: `Attempt ${attempt}` } : {});
const seconds = (ms: number | null) =>
  ms === null ? {} : { detail: `after ${Math.max(1, Math.round(ms / 1000))} s` };

/** The default (English) banner text of each state. */
export const defaultBannerMessages: BannerMessages = (state) => {
  switch (state.phase) {
    case 'idle':
    case 'stable':
      return null;
    case 'connecting':
      return { message: 'Joining the call…', ...attemptDetail(state.attempt) };
    case 'reconnecting':
      return { message: 'Connection lost. Reconnecting…', detail: `Attempt ${Math.max(1, state.attempt)}` };
    case 'recoveringMedia':
      return {
        message:
          state.affectedStreams === 1
            ? 'Restoring a frozen video…'
            : `Restoring ${state.affectedStreams} frozen videos…`,
      };
    case 'rejoining':
      if (state.reason === 'nodeCrashed')
        return { message: 'The server went down. Rejoining the call…', ...attemptDetail(state.attempt) };
      if (state.reason === 'serverRotation')
        return { message: 'Moving you to another server…', ...attemptDetail(state.attempt) };
      return { message: 'Rejoining the call…', ...attemptDetail(state.attempt) };
    case 'migrating':
      return { message: 'Moving you to another server…', detail: 'Your call stays up meanwhile.' };
    case 'recovered':
      if (state.reason === 'mediaFailure') return { message: 'Video restored', ...seconds(state.downtimeMs) };
      if (state.reason === 'nodeCrashed')
        return { message: 'Back in the call', ...seconds(state.downtimeMs) };
      if (state.reason === 'serverRotation') return { message: 'Moved to another server' };
      return { message: 'Reconnected', ...seconds(state.downtimeMs) };
    case 'disconnected':
      return { message: DISCONNECTED[(state.reason ?? 'networkDisconnect') as DisconnectReason] };
  }
};

/** Disconnect reasons after which joining again can work (the session still exists). */
export const REJOINABLE: ReadonlySet<string> = new Set<DisconnectReason>([
  'disconnect',
  'networkDisconnect',
  'nodeCrashed',
  'serverRotation',
  'duplicateIdentity',
]);
