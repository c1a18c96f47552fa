import type { RemoteStream } from '../core/media/types';
import type { SessionState } from '../core/session/state';
import { IDLE_RECONNECT_STATE, type ReconnectState } from './reconnect-state';
import type { LastRecovery } from './session-store-state';

/** What the reconnect state is derived from. */
export interface ReconnectInputs {
  session: SessionState;
  streams: ReadonlyMap<string, RemoteStream>;
  lastRecovery: LastRecovery | null;
  /** Current time (epoch ms), from the injected clock. */
  now: number;
  /** How long `recovered` is shown after an outage ends. */
  recoveredVisibleMs: number;
}

/** True when a remote stream is in trouble (a muted stream is not: its sender turned video off). */
export const isTroubled = (stream: RemoteStream): boolean =>
  stream.health === 'frozen' || stream.health === 'recovering';

function countTroubled(streams: ReadonlyMap<string, RemoteStream>): number {
  let count = 0;
  for (const stream of streams.values()) if (isTroubled(stream)) count += 1;
  return count;
}

const FIELDS = Object.keys(IDLE_RECONNECT_STATE) as (keyof ReconnectState)[];

function sameState(a: ReconnectState, b: ReconnectState): boolean {
  return FIELDS.every((field) => a[field] === b[field]);
}

/** The fields of the reconnect state that differ from {@link IDLE_RECONNECT_STATE}, or null for idle. */
function reconnectPatch(
  { session, streams, lastRecovery, now, recoveredVisibleMs }: ReconnectInputs,
  previous: ReconnectState,
): Partial<ReconnectState> | null {
  switch (session.status) {
    case 'idle':
      return session.joinFailure
        ? { phase: 'joinFailed', since: session.joinFailure.at, joinError: session.joinFailure.error }
        : null;
    case 'connecting':
    case 'reconnecting':
    case 'rejoining':
      return {
        phase: session.status,
        attempt: session.attempt,
        since: session.since,
        nextRetryAt: session.nextRetryAt,
        reason: session.status === 'connecting' ? null : session.cause,
        giveUpAt: session.giveUpAt ?? null,
      };
    case 'migrating':
      return {
        phase: 'migrating',
        since: session.since,
        reason: 'serverRotation',
        deadline: session.deadline,
      };
    case 'disconnected':
      return { phase: 'disconnected', since: session.since, reason: session.reason, error: session.error };
    case 'connected': {
      const troubled = countTroubled(streams);
      if (troubled > 0) {
        return {
          phase: 'recoveringMedia',
          since: previous.phase === 'recoveringMedia' && previous.since !== null ? previous.since : now,
          reason: 'mediaFailure',
          affectedStreams: troubled,
        };
      }
      if (lastRecovery && now < lastRecovery.at + recoveredVisibleMs) {
        return {
          phase: 'recovered',
          since: lastRecovery.at,
          reason: lastRecovery.reason,
          attempt: lastRecovery.attempts ?? 0,
          downtimeMs: lastRecovery.downtimeMs,
        };
      }
      return { phase: 'stable' };
    }
  }
}

/**
 * Derives the reconnect state from the session state, the remote streams' health and the latest
 * recovery. Pure; returns `previous` itself when nothing changed, so selecting it by reference only
 * re-renders on real changes.
 */
export function deriveReconnectState(inputs: ReconnectInputs, previous: ReconnectState): ReconnectState {
  const patch = reconnectPatch(inputs, previous);
  const next = patch ? { ...IDLE_RECONNECT_STATE, ...patch } : IDLE_RECONNECT_STATE;
  return sameState(next, previous) ? previous : next;
}
