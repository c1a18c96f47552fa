import type { Clock, Random } from '../clock';

/** Retry policy for signaling. All times in milliseconds. */
export interface ReconnectPolicy {
  /**
   * Delay before the second attempt. The first attempt starts as soon as signaling is found lost; each
   * delay runs from the start of the attempt that failed, so an attempt that hung until
   * `attemptTimeoutMs` is followed at once. @default 250
   */
  initialDelayMs?: number;
  /** Growth factor between retries. @default 2 */
  multiplier?: number;
  /**
   * Delay cap of a first join, and of a resume while still inside the server's eviction grace (retry
   * often: resuming is cheap). A re-join uses `maxDelayMs`. @default 1000
   */
  maxDelayInGraceMs?: number;
  /** Delay cap once the grace has run out. @default 5000 */
  maxDelayMs?: number;
  /** Share of each delay that is randomized (0 = none, 1 = full jitter). @default 0.5 */
  jitter?: number;
  /** How long one connect attempt may take before it is abandoned. @default 3000 */
  attemptTimeoutMs?: number;
  /**
   * Give up and end with `sessionDisconnected` (`networkDisconnect`) when signaling has not come back
   * after this long. @default the server's grace plus 10 000 ms; for a resume, as long as the server
   * said it may hold the place when that is longer (`timing.holdMs`: 42 000 ms against a holdfast server
   * on its defaults)
   */
  giveUpAfterMs?: number;
}

/** What `getToken` is told besides the session id. */
export interface TokenContext {
  /**
   * The identity this page joins with (the `identity` option, or the random one drawn for the page).
   * The server refuses a token bound to any other identity (`TOKEN_IDENTITY_MISMATCH`): the backend
   * creates the token with this identity, or the app passes the identity the backend chose as the
   * `identity` option.
   */
  identity: string;
}

/**
 * Fetches a fresh token for `sessionId` from the app backend, bound to `context.identity`; called
 * on the first join and on every re-join (a token admits one join).
 */
export type GetToken = (sessionId: string, context: TokenContext) => Promise<string>;

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** Base URL of the holdfast server, e.g. `http://localhost:4000`. */
  serverUrl: string;
  /** The session to join. */
  sessionId: string;
  /** Fetches a fresh token for `sessionId` and the page's identity; see {@link GetToken}. */
  getToken: GetToken;
  /**
   * This participant's stable identity for the life of the page. A re-join with the same identity
   * replaces the old connection instead of adding a ghost. The server admits it only with a token
   * bound to it (see {@link TokenContext}). @default a random id
   */
  identity?: string;
  /** Socket.io path of the server. @default '/holdfast' */
  path?: string;
  /** Signaling retry policy. */
  reconnect?: ReconnectPolicy;
  /**
   * After ICE reports `disconnected`, how long to wait for it to come back by itself before repairing.
   * @default 4000
   */
  iceConnectionDisconnectedExceptionTimeout?: number;
  /** After a signaling drop, renegotiate every media link, not only the broken or frozen ones. @default false */
  forceMediaReconnectionAfterNetworkDrop?: boolean;
  /** Move to another node ahead of a `serverRotation`, keeping media up. @default true */
  sessionMigration?: boolean;
  /**
   * Leave the call when the page is closed, reloaded or navigated away (`pagehide`), so the others see
   * the participant go at once instead of holding its place for the server's grace (12 s by default).
   * A reload that joins again with the same identity comes back as a new connection. @default true
   */
  leaveOnPageHide?: boolean;
  /** Overrides the ICE servers and policy the server hands out. */
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** How often remote streams are sampled for frozen detection. @default 500 */
  statsIntervalMs?: number;
  /** A stream whose decoded frames have not moved for this long is frozen. @default 1500 */
  frozenAfterMs?: number;
  /** Time source. @default the system clock */
  clock?: Clock;
  /** Randomness for jitter and ids. @default Math.random */
  random?: Random;
  /** Receives the core's diagnostic lines. @default silent */
  logger?: (
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
}
