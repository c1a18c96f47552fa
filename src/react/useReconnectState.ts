import type { ReconnectState } from '../store/reconnect-state';
import { selectReconnect } from '../store/selectors';
import { useSessionStore } from './useSessionStore';

/**
 * What the call is going through: `{ phase, attempt, since, nextRetryAt, reason, … }`. Re-renders only
 * when that changes.
 *
 * @example
 * ```tsx
 * const { phase, attempt } = useReconnectState();
 * if (phase === 'reconnecting') return <p>Reconnecting (attempt {attempt})…</p>;
 * ```
 */
export function useReconnectState(): ReconnectState {
  return useSessionStore(selectReconnect, 'useReconnectState');
}
