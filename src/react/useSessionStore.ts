import { useSyncExternalStore } from 'react';
import type { SessionStoreState } from '../store/session-store-state';
import { useSessionController } from './session-context';

/**
 * Reads the session store with a selector through `useSyncExternalStore`: the component re-renders only
 * when the selected value changes (by `Object.is`). Selectors must return primitives or stable
 * references (see the named selectors of `holdfast`'s store).
 *
 * @param hook - the calling hook's name, shown in the error thrown outside a provider.
 *
 * @example
 * ```tsx
 * const phase = useSessionStore((state) => state.reconnect.phase);
 * ```
 */
export function useSessionStore<T>(selector: (state: SessionStoreState) => T, hook = 'useSessionStore'): T {
  const { store } = useSessionController(hook);
  const read = () => selector(store.getState());
  return useSyncExternalStore(store.subscribe, read, read);
}
