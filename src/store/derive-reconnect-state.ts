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

function sameState(a: ReconnectState, b: ReconnectState): boolean {
  return (
    a.phase === b.phase &&
    a.attempt === b.attempt &&
    a.since === b.since &&
    a.nextRetryAt === b.nextRetryAt &&
    a.reason === b.reason &&
    a.giveUpAt === b.giveUpAt &&
    a.deadline === b.deadline &&
    a.affectedStreams === b.affectedStreams &&
    a.downtimeMs === b.downtimeMs &&
    a.error === b.error
  );
}

function computeReconnectState(
  { session, streams, lastRecovery, now, recoveredVisibleMs }: ReconnectInputs,
  previous: ReconnectState,
): ReconnectState {
  const base = { ...IDLE_RECONNECT_STATE };
  switch (session.status) {
    case 'idle':
      return IDLE_RECONNECT_STATE;
    case 'connecting':
      return {
        ...base,
        phase: 'connecting',
        attempt: session.attempt,
        since: session.since,
        nextRetryAt: session.nextRetryAt,
        giveUpAt: session.giveUpAt ?? null,
      };
    case 'reconnecting':
    case 'rejoining':
      return {
        ...base,
        phase: session.status,
        attempt: session.attempt,
        since: session.since,
        nextRetryAt: session.nextRetryAt,
        reason: session.cause,
        giveUpAt: session.giveUpAt ?? null,
      };
    case 'migrating':
      return {
        ...base,
        phase: 'migrating',
        since: session.since,
        reason: 'serverRotation',
        deadline: session.deadline,
      };
    case 'disconnected':
      return {
        ...base,
        phase: 'disconnected',
        since: session.since,
        reason: session.reason,
        error: session.error,
      };
    case 'connected': {
      const troubled = countTroubled(streams);
      if (troubled > 0) {
        return {
          ...base,
          phase: 'recoveringMedia',
          since: previous.phase === 'recoveringMedia' && previous.since !== null ? previous.since : now,
          reason: 'mediaFailure',
          affectedStreams: troubled,
        };
      }
      if (lastRecovery && now < lastRecovery.at + recoveredVisibleMs) {
        return {
          ...base,
          phase: 'recovered',
          since: lastRecovery.at,
          reason: lastRecovery.reason,
          attempt: lastRecovery.attempts ?? 0,
          downtimeMs: lastRecovery.downtimeMs,
        };
      }
      return { ...base, phase: 'stable' };
    }
  }
}

/**
 * Derives the reconnect state from the session state, the remote streams' health and the latest
 * recovery. Pure; returns `previous` itself when nothing changed, so selecting it by reference only
 * re-renders on real changes.
 */
export function deriveReconnectState(inputs: ReconnectInputs, previous: ReconnectState): ReconnectState {
  const next = computeReconnectState(inputs, previous);
  return sameState(next, previous) ? previous : next;
}
