import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { Clock } from '../core/clock';
import type { PublishOptions } from '../core/media/types';
import { createSession as createCoreSession } from '../core/session/create-session';
import type { GetToken, SessionOptions } from '../core/session/options';
import type { Session } from '../core/session/session';
import { SessionController } from '../store/session-controller';
import { SessionContext } from './session-context';

/** Core options the provider passes to `createSession` (everything but what it takes as props). */
export type SessionProviderOptions = Omit<SessionOptions, 'serverUrl' | 'sessionId' | 'getToken'>;

interface CommonProps {
  children?: ReactNode;
  /**
   * Join on mount (and leave when it turns false). Ignored with an app-owned `session`, whose
   * lifecycle stays the app's. @default true
   */
  connect?: boolean;
  /**
   * Publish camera/microphone (or these settings) on every join; the camera opens while the join is in
   * flight, so the stream rides the first offers. @default false
   */
  publish?: boolean | PublishOptions;
  /** How long the reconnect phase stays `recovered` after an outage. @default 3000 */
  recoveredVisibleMs?: number;
  /** Errors of the joins and publishes the provider starts by itself. @default console.error */
  onError?: (error: unknown) => void;
}

/** Props of a provider that creates and owns its session. */
export interface OwnedSessionProviderProps extends CommonProps {
  /** Base URL of the holdfast server, e.g. `http://localhost:4000`. */
  serverUrl: string;
  /** The session to join. */
  sessionId: string;
  /**
   * Fetches a token for `sessionId`, bound to `{ identity }`, from your backend; called on the first
   * join and on every re-join.
   */
  getToken: GetToken;
  /** More core options (identity, reconnect policy, ICE, …), read when the session is created. */
  options?: SessionProviderOptions;
  session?: undefined;
}

/** Props of a provider around a session the app created (and destroys) itself. */
export interface ExistingSessionProviderProps extends CommonProps {
  session: Session;
  /** Time source of the store, when the session uses a custom one. @default the system clock */
  clock?: Clock;
}

/** Props of {@link SessionProvider}. */
export type SessionProviderProps = OwnedSessionProviderProps | ExistingSessionProviderProps;

const sessionKeys = new WeakMap<Session, number>();
let nextSessionKey = 1;
function keyOf(props: SessionProviderProps): string {
  if (props.session) {
    let key = sessionKeys.get(props.session);
    if (key === undefined) {
      key = nextSessionKey++;
      sessionKeys.set(props.session, key);
    }
    return `session:${key}`;
  }
  return `owned:${props.serverUrl}\n${props.sessionId}`;
}

function ControllerScope(props: SessionProviderProps) {
  const latestGetToken = useRef(props.session ? null : props.getToken);
  const latestOnError = useRef(props.onError);
  const connect = props.connect ?? true;
  const publish = props.publish === true ? {} : props.publish || null;
  // Created once per scope; pure (no session, no subscription) so a discarded StrictMode render leaks nothing.
  const [controller] = useState(
    () =>
      new SessionController({
        publish,
        ...(props.session
          ? { session: props.session, clock: props.clock }
          : {
              clock: props.options?.clock,
              createSession: () =>
                createCoreSession({
                  ...props.options,
                  serverUrl: props.serverUrl,
                  sessionId: props.sessionId,
                  getToken: (sessionId, context) => {
                    const getToken = latestGetToken.current;
                    if (!getToken) return Promise.reject(new Error('holdfast: no getToken'));
                    return getToken(sessionId, context);
                  },
                }),
            }),
        recoveredVisibleMs: props.recoveredVisibleMs,
        onError: (error) =>
          (latestOnError.current ?? ((e: unknown) => console.error('[holdfast]', e)))(error),
      }),
  );
  const publishKey = JSON.stringify(publish, (key, value: unknown) =>
    key === 'mediaStream' ? 'stream' : value,
  );

  useEffect(() => {
    latestGetToken.current = props.session ? null : props.getToken;
    latestOnError.current = props.onError;
  });

  useEffect(() => {
    controller.mount();
    return () => controller.unmount();
  }, [controller]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `publishKey` stands for `publish`'s content.
  useEffect(() => {
    controller.setConnect(connect, publish);
  }, [controller, connect, publishKey]);

  return <SessionContext.Provider value={controller}>{props.children}</SessionContext.Provider>;
}

/**
 * Gives its subtree one holdfast session and its store. Creates the session once (on mount, in the
 * browser), joins it (unless `connect` is false) and destroys it on unmount. StrictMode's double mount
 * makes one connection; a server render (`renderToString`) shows the idle state without touching
 * `window`. A new `serverUrl`, `sessionId` or `session` starts over with a new session.
 *
 * @example
 * ```tsx
 * <SessionProvider serverUrl="http://localhost:4000" sessionId="standup" getToken={fetchToken} publish>
 *   <ReconnectingBanner />
 *   <Grid />
 * </SessionProvider>
 * ```
 */
export function SessionProvider(props: SessionProviderProps) {
  return <ControllerScope key={keyOf(props)} {...props} />;
}
