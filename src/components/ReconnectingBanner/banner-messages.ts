import type { HoldfastErrorData } from '../../core/errors';
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

/** Why a first join failed, in words (the detail beside "Could not join the call."). */
function joinFailureDetail(error: HoldfastErrorData | null): string {
  switch (error?.code) {
    case 'SIGNALING_UNREACHABLE':
      return 'The server could not be reached.';
    case 'TOKEN_FETCH_FAILED':
      return 'Could not get permission to join.';
    case 'SESSION_FULL':
      return 'The call is full.';
    case 'SESSION_CLOSED':
    case 'SESSION_NOT_FOUND':
      return 'This call has ended or does not exist.';
    case 'TOKEN_INVALID':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_USED':
    case 'TOKEN_SESSION_MISMATCH':
    case 'TOKEN_IDENTITY_MISMATCH':
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return 'Access to this call was refused.';
    default:
      return error ? `The server said: ${error.message}` : '';
  }
}

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
    case 'joinFailed':
      return { message: 'Could not join the call.', detail: joinFailureDetail(state.joinError) };
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
