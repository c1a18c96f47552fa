import { DEFAULT_SOCKET_PATH } from '../../protocol';
import { type Clock, type Random, randomBase36, systemClock, systemRandom } from '../clock';
import type { MediaSettings } from '../media/media-plane';
import type { BackoffPolicy } from '../signaling/backoff';
import type { GetToken, ReconnectPolicy, SessionOptions } from './options';

/** The server's default eviction grace, used until a join reply tells the real one. */
export const DEFAULT_GRACE_MS = 12_000;

/** How long past the grace the client keeps retrying by default. */
export const GIVE_UP_MARGIN_MS = 10_000;

/** How long `leave()` waits for the server to confirm before closing the socket anyway. */
export const LEAVE_TIMEOUT_MS = 1_000;

/** The retry policy with every default applied. */
export interface ResolvedReconnectPolicy extends BackoffPolicy {
  attemptTimeoutMs: number;
  /** Null: the server's grace plus {@link GIVE_UP_MARGIN_MS}, or its longest hold (see {@link giveUpAfter}). */
  giveUpAfterMs: number | null;
}

/** Logger signature of {@link SessionOptions.logger}. */
export type Logger = NonNullable<SessionOptions['logger']>;

/** Every session option with its default applied. */
export interface ResolvedSessionOptions {
  serverUrl: string;
  sessionId: string;
  getToken: GetToken;
  identity: string;
  path: string;
  /** Follow the server's `hf:move` ahead of a rotation. */
  sessionMigration: boolean;
  /** Leave when the page goes away (`pagehide`). */
  leaveOnPageHide: boolean;
  reconnect: ResolvedReconnectPolicy;
  media: MediaSettings;
  clock: Clock;
  random: Random;
  log: Logger;
}

/** Applies the documented defaults of {@link ReconnectPolicy}. */
export function resolveReconnectPolicy(policy: ReconnectPolicy = {}): ResolvedReconnectPolicy {
  return {
    initialDelayMs: nonNegative(policy.initialDelayMs, 250),
    multiplier: Math.max(1, nonNegative(policy.multiplier, 2)),
    maxDelayInGraceMs: nonNegative(policy.maxDelayInGraceMs, 1_000),
    maxDelayMs: nonNegative(policy.maxDelayMs, 5_000),
    jitter: Math.min(1, nonNegative(policy.jitter, 0.5)),
    attemptTimeoutMs: Math.max(1, nonNegative(policy.attemptTimeoutMs, 3_000)),
    giveUpAfterMs: policy.giveUpAfterMs === undefined ? null : nonNegative(policy.giveUpAfterMs, 0),
  };
}

/**
 * How long to keep retrying (`giveUpAfterMs` when set): the server's grace plus
 * {@link GIVE_UP_MARGIN_MS}, or, when longer, as long as the server said it may hold the place
 * (`holdMs`: a loaded server stretches the grace, and a client that gave up sooner would lose a place
 * still kept for it).
 */
export function giveUpAfter(policy: ResolvedReconnectPolicy, graceMs: number, holdMs = 0): number {
  return policy.giveUpAfterMs ?? Math.max(graceMs + GIVE_UP_MARGIN_MS, holdMs);
}

/** Applies every default of {@link SessionOptions}. */
export function resolveSessionOptions(options: SessionOptions): ResolvedSessionOptions {
  const random = options.random ?? systemRandom;
  return {
    serverUrl: options.serverUrl,
    sessionId: options.sessionId,
    getToken: options.getToken,
    identity: options.identity ?? randomIdentity(random),
    path: options.path ?? DEFAULT_SOCKET_PATH,
    sessionMigration: options.sessionMigration ?? true,
    leaveOnPageHide: options.leaveOnPageHide ?? true,
    reconnect: resolveReconnectPolicy(options.reconnect),
    media: {
      iceConnectionDisconnectedExceptionTimeout: options.iceConnectionDisconnectedExceptionTimeout ?? 4_000,
      forceMediaReconnectionAfterNetworkDrop: options.forceMediaReconnectionAfterNetworkDrop ?? false,
      statsIntervalMs: options.statsIntervalMs ?? 500,
      frozenAfterMs: options.frozenAfterMs ?? 1_500,
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy,
    },
    clock: options.clock ?? systemClock,
    random,
    log: options.logger ?? (() => {}),
  };
}

/** A random identity such as `hf-k3j9x0q2m1ab`, drawn from the injected random. */
export function randomIdentity(random: Random): string {
  return `hf-${randomBase36(random, 12)}`;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) || value < 0 ? fallback : value;
}
