import { createContext, useContext } from 'react';
import type { SessionController } from '../store/session-controller';

/** The context a `SessionProvider` fills. Prefer the hooks; this is for advanced integrations. */
export const SessionContext = createContext<SessionController | null>(null);
SessionContext.displayName = 'HoldfastSessionContext';

/**
 * The controller of the nearest `SessionProvider`. Throws a clear error outside one.
 *
 * @param hook - the caller's name, for the error message.
 */
export function useSessionController(hook = 'useSessionController'): SessionController {
  const controller = useContext(SessionContext);
  if (!controller) {
    throw new Error(
      `holdfast: ${hook}() must be used inside <SessionProvider>. Wrap your call UI in ` +
        '<SessionProvider serverUrl=… sessionId=… getToken=…> (or pass an existing session).',
    );
  }
  return controller;
}
