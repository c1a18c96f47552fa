import { useEffect, useRef } from 'react';
import type { SessionEventMap, SessionEventName } from '../core/session/events';
import { useSessionController } from './session-context';

/**
 * Calls `handler` for every `name` event of the provider's session. The latest `handler` is always the
 * one called (no need to memoize it); the subscription is made once and disposed on unmount.
 *
 * @example
 * ```tsx
 * useSessionEvent('signal', ({ type, data }) => {
 *   if (type === 'chat') addMessage(data);
 * });
 * ```
 */
export function useSessionEvent<K extends SessionEventName>(
  name: K,
  handler: (payload: SessionEventMap[K]) => void,
): void {
  const controller = useSessionController('useSessionEvent');
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => controller.on(name, (payload) => latest.current(payload)), [controller, name]);
}
