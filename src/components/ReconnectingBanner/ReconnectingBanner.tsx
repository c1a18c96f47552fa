import type { CSSProperties } from 'react';
import { useReconnectState } from '../../react/useReconnectState';
import { useSession } from '../../react/useSession';
import { useWholeSeconds } from '../../react/useWholeSeconds';
import type { ReconnectPhase } from '../../store/reconnect-state';
import { type BannerMessages, defaultBannerMessages, REJOINABLE } from './banner-messages';

/** Props of {@link ReconnectingBanner}. */
export interface ReconnectingBannerProps {
  /** Shows a "Leave" action while in trouble or disconnected; called when it is pressed. */
  onLeave?: () => void;
  /** The words for each state (for another language, or other wording). @default English */
  messages?: BannerMessages;
  className?: string;
  style?: CSSProperties;
}

const TIMED: ReadonlySet<ReconnectPhase> = new Set([
  'reconnecting',
  'rejoining',
  'recoveringMedia',
  'migrating',
]);
const RETRYING: ReadonlySet<ReconnectPhase> = new Set(['reconnecting', 'rejoining']);

/**
 * Tells the user the truth about the call's continuity: reconnecting (attempt, time since the loss, a
 * "Retry now" action), reconnected (briefly), rejoining after a server crash, moving for a server
 * rotation, restoring frozen video, disconnected with its reason and "Rejoin"/"Leave", a first join
 * that failed with why and "Try again". The message is a polite live region (assertive once disconnected
 * or failed); the elapsed time is a `timer` (not announced each
 * second). State is on `data-holdfast-phase` / `data-holdfast-reason`; empty when all is well.
 *
 * @example
 * ```tsx
 * <ReconnectingBanner onLeave={() => navigate('/')} />
 * ```
 */
export function ReconnectingBanner({
  onLeave,
  messages = defaultBannerMessages,
  className,
  style,
}: ReconnectingBannerProps) {
  const reconnect = useReconnectState();
  const { join, reconnectNow } = useSession();
  const { phase, reason } = reconnect;
  const text = messages(reconnect);
  const elapsed = useWholeSeconds(TIMED.has(phase) ? reconnect.since : null, 'since');
  const canRejoin = phase === 'disconnected' && reason !== null && REJOINABLE.has(reason);
  const canTryAgain = phase === 'joinFailed';
  const ended = phase === 'disconnected' || phase === 'joinFailed';
  const canLeave = onLeave !== undefined && (ended || TIMED.has(phase));
  const joinAgain = () => void join().catch(() => {});
  return (
    <div
      className={className}
      style={style}
      data-holdfast-banner=""
      data-holdfast-phase={phase}
      data-holdfast-reason={reason ?? undefined}
      data-holdfast-attempt={reconnect.attempt || undefined}
    >
      <p
        role="status"
        aria-live={ended ? 'assertive' : 'polite'}
        aria-atomic="true"
        data-holdfast-banner-message=""
      >
        {text?.message}
        {text?.detail ? <span data-holdfast-banner-detail=""> {text.detail}</span> : null}
      </p>
      {text && elapsed !== null ? (
        <span role="timer" aria-label={`${elapsed} seconds`} data-holdfast-banner-elapsed="">
          {elapsed} s
        </span>
      ) : null}
      {text && (RETRYING.has(phase) || canRejoin || canTryAgain || canLeave) ? (
        <span data-holdfast-banner-actions="">
          {RETRYING.has(phase) ? (
            <button type="button" data-holdfast-action="retry" onClick={reconnectNow}>
              Retry now
            </button>
          ) : null}
          {canRejoin ? (
            <button type="button" data-holdfast-action="rejoin" onClick={joinAgain}>
              Rejoin
            </button>
          ) : null}
          {canTryAgain ? (
            <button type="button" data-holdfast-action="join" onClick={joinAgain}>
              Try again
            </button>
          ) : null}
          {canLeave ? (
            <button type="button" data-holdfast-action="leave" onClick={onLeave}>
              Leave
            </button>
          ) : null}
        </span>
      ) : null}
    </div>
  );
}
