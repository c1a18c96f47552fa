import { useMemo, useSyncExternalStore } from 'react';
import type { LocalStream, PublishOptions } from '../core/media/types';
import type { Session, SignalOptions } from '../core/session/session';
import type { SessionState, SessionStatus } from '../core/session/state';
import { selectConnectionId, selectIdentity, selectSessionState } from '../store/selectors';
import { useSessionController } from './session-context';
import { useSessionStore } from './useSessionStore';

/** What {@link useSession} returns. Actions are stable functions; they reject before the session exists. */
export interface UseSessionResult {
  /** The session, or null before the provider mounted (and in a server render). */
  session: Session | null;
  /** The core's lifecycle state. */
  state: SessionState;
  status: SessionStatus;
  connectionId: string | null;
  identity: string | null;
  join(): Promise<void>;
  leave(): Promise<void>;
  /** Publishes (with these settings, else the provider's `publish` settings, else camera + mic). */
  publish(options?: PublishOptions): Promise<LocalStream>;
  unpublish(): Promise<void>;
  /** Skips the wait before the next signaling retry ("retry now"). */
  reconnectNow(): void;
  signal(options: SignalOptions): Promise<void>;
}

/**
 * The session of the nearest `SessionProvider`: its state and its actions.
 *
 * @example
 * ```tsx
 * const { status, leave } = useSession();
 * return <button onClick={leave} disabled={status !== 'connected'}>Leave</button>;
 * ```
 */
export function useSession(): UseSessionResult {
  const controller = useSessionController('useSession');
  const session = useSyncExternalStore(
    controller.subscribeSession,
    controller.getSession,
    controller.getSession,
  );
  const state = useSessionStore(selectSessionState);
  const connectionId = useSessionStore(selectConnectionId);
  const identity = useSessionStore(selectIdentity);
  return useMemo(
    () => ({
      session,
      state,
      status: state.status,
      connectionId,
      identity,
      join: controller.join,
      leave: controller.leave,
      publish: controller.publish,
      unpublish: controller.unpublish,
      reconnectNow: controller.reconnectNow,
      signal: controller.signal,
    }),
    [controller, session, state, connectionId, identity],
  );
}
