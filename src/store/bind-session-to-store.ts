import { type Clock, clearTimer, systemClock, type TimerHandle } from '../core/clock';
import type { Disposer } from '../core/emitter';
import type { Session } from '../core/session/session';
import { SESSION_EVENT_NAMES } from '../core/session/session-event-names';
import {
  type ApplyContext,
  applySessionEvent,
  refreshReconnect,
  type SessionEventRecord,
  showSessionState,
  syncFromSession,
} from './apply-session-event';
import type { SessionStore } from './create-session-store';
import type { SessionStoreState } from './session-store-state';

/** Options of {@link bindSessionToStore}. */
export interface BindSessionOptions {
  /** Time source for `since` stamps and the `recovered` display timer. @default the system clock */
  clock?: Clock;
  /** How long the reconnect phase stays `recovered` after an outage ends. @default 3000 */
  recoveredVisibleMs?: number;
}

/**
 * The store state that shows `session` as it is now (its state and current snapshots), keeping every
 * unchanged reference of `state`. Pure: lets a store show an app-owned session before it is bound.
 */
export function readSessionIntoState(
  state: SessionStoreState,
  session: Session,
  context: ApplyContext,
): SessionStoreState {
  const known =
    state.sessionId === session.sessionId && state.identity === session.identity
      ? state
      : { ...state, sessionId: session.sessionId, identity: session.identity };
  const base = showSessionState(known, session.state);
  return refreshReconnect(syncFromSession(base, session), context);
}

/**
 * Makes `store` follow `session`: reads the session's current snapshots once, then applies every core
 * event. The only writer of the store. Returns the disposer that stops listening and clears its timer.
 *
 * @example
 * ```ts
 * const store = createSessionStore();
 * const unbind = bindSessionToStore(session, store, { recoveredVisibleMs: 2000 });
 * // later
 * unbind();
 * ```
 */
export function bindSessionToStore(
  session: Session,
  store: SessionStore,
  { clock = systemClock, recoveredVisibleMs = 3000 }: BindSessionOptions = {},
): Disposer {
  let timer: TimerHandle | null = null;
  let disposed = false;
  const context = (): ApplyContext => ({ now: clock.now(), recoveredVisibleMs });

  const write = (next: SessionStoreState) => {
    if (next !== store.getState()) store.setState(next, true);
    scheduleRecoveredEnd(next);
  };

  // `recovered` is a timed phase: re-derive when its display time runs out.
  const scheduleRecoveredEnd = (state: SessionStoreState) => {
    timer = clearTimer(clock, timer);
    const recovery = state.lastRecovery;
    if (disposed || state.reconnect.phase !== 'recovered' || !recovery) return;
    const wait = Math.max(0, recovery.at + recoveredVisibleMs - clock.now());
    timer = clock.setTimeout(() => {
      timer = null;
      write(refreshReconnect(store.getState(), context()));
    }, wait);
  };

  const apply = (event: SessionEventRecord) => {
    if (disposed) return;
    // The reducer re-reads the session's snapshots first: some of their changes have no event of their own.
    write(applySessionEvent(store.getState(), session, event, context()));
  };

  write(readSessionIntoState(store.getState(), session, context()));

  const disposers = SESSION_EVENT_NAMES.map((name) =>
    session.on(name, (payload) => apply({ name, payload } as SessionEventRecord)),
  );
  return () => {
    if (disposed) return;
    disposed = true;
    for (const dispose of disposers) dispose();
    timer = clearTimer(clock, timer);
  };
}
