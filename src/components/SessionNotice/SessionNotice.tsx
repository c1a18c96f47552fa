import type { CSSProperties } from 'react';
import { useSessionNotification } from '../../react/useSessionNotification';
import { useWholeSeconds } from '../../react/useWholeSeconds';
import type { PendingNotification } from '../../store/session-store-state';

/** Props of {@link SessionNotice}. */
export interface SessionNoticeProps {
  /** The words for a notification. @default English, with the server's own message when it sent one */
  message?: (notification: PendingNotification) => string;
  className?: string;
  style?: CSSProperties;
}

const defaultMessage = (notification: PendingNotification) =>
  notification.message ??
  'Scheduled server maintenance: your call will move to another server without hanging up.';

/**
 * Announces a pending server notice (a planned rotation) with a countdown to its deadline, until it
 * plays out. The message is a polite live region; the countdown a `timer`. Empty when nothing is
 * pending. State on `data-holdfast-notice`.
 *
 * @example
 * ```tsx
 * <SessionNotice />
 * ```
 */
export function SessionNotice({ message = defaultMessage, className, style }: SessionNoticeProps) {
  const notification = useSessionNotification();
  const left = useWholeSeconds(notification?.deadline ?? null, 'until');
  return (
    <div
      className={className}
      style={style}
      data-holdfast-notice={notification ? notification.reason : 'none'}
    >
      <p role="status" aria-live="polite" data-holdfast-notice-message="">
        {notification ? message(notification) : null}
      </p>
      {notification && left !== null ? (
        <span role="timer" aria-label={`${left} seconds left`} data-holdfast-notice-countdown="">
          {left} s
        </span>
      ) : null}
    </div>
  );
}
