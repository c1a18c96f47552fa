import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialSessionStoreState, type SessionStoreState } from './session-store-state';

/** A zustand vanilla store of one session's UI state; written only by {@link bindSessionToStore}. */
export type SessionStore = StoreApi<SessionStoreState>;

/**
 * Creates an empty session store (status `idle`). Pure: no subscription, no timer, safe during a
 * server render. Bind it to a session with {@link bindSessionToStore}.
 *
 * @example
 * ```ts
 * const store = createSessionStore();
 * const unbind = bindSessionToStore(session, store);
 * store.subscribe((state) => console.log(state.reconnect.phase));
 * ```
 */
export function createSessionStore(): SessionStore {
  return createStore<SessionStoreState>()(() => initialSessionStoreState());
}
