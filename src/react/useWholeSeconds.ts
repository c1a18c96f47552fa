import { useCallback, useSyncExternalStore } from 'react';
import { clearTimer, type TimerHandle } from '../core/clock';
import { useSessionController } from './session-context';

/**
 * Whole seconds since (or until) `reference` (epoch ms) on the provider's clock, re-rendering once per
 * second only while `reference` is set; null when it is not. Timers go through the injected clock, so
 * fake time drives it in tests.
 *
 * @example
 * ```tsx
 * const elapsed = useWholeSeconds(reconnect.since, 'since');
 * ```
 */
export function useWholeSeconds(reference: number | null, direction: 'since' | 'until'): number | null {
  const { clock } = useSessionController('useWholeSeconds');
  const subscribe = useCallback(
    (notify: () => void) => {
      if (reference === null) return () => {};
      let handle: TimerHandle | null = null;
      const schedule = () => {
        if (direction === 'until' && clock.now() >= reference) return;
        const offset = Math.abs(clock.now() - reference) % 1000;
        const wait = direction === 'since' ? 1000 - offset : offset || 1000;
        handle = clock.setTimeout(() => {
          notify();
          schedule();
        }, wait);
      };
      schedule();
      return () => {
        clearTimer(clock, handle);
      };
    },
    [clock, reference, direction],
  );
  const read = () => {
    if (reference === null) return null;
    // Whole seconds elapsed, rounded down; the seconds left are their negation (rounded up).
    const elapsed = Math.floor((clock.now() - reference) / 1000);
    return Math.max(0, direction === 'since' ? elapsed : -elapsed);
  };
  return useSyncExternalStore(subscribe, read, read);
}
