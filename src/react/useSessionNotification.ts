import { selectNotification } from '../store/selectors';
import type { PendingNotification } from '../store/session-store-state';
import { useSessionStore } from './useSessionStore';

/**
 * The server's pending advance notice (e.g. a `serverRotation` with its deadline), until it plays out.
 *
 * @example
 * ```tsx
 * const notice = useSessionNotification();
 * if (notice) return <p>Maintenance soon; you will be moved automatically.</p>;
 * ```
 */
export function useSessionNotification(): PendingNotification | null {
  return useSessionStore(selectNotification, 'useSessionNotification');
}
