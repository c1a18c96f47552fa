import type { DisconnectReason, JoinSuccess } from '../../protocol';
import type { MediaPlane } from '../media/media-plane';
import type { SignalingChannel } from '../signaling/channel';
import type { SessionEventMap } from './events';
import { retargetForRejoin } from './retarget';
import type { Roster } from './roster';

/** What {@link applyJoinAnswer} updates. */
export interface ApplyJoinDeps {
  channel: SignalingChannel;
  roster: Roster;
  media: MediaPlane;
  emit<K extends keyof SessionEventMap>(event: K, payload: SessionEventMap[K]): void;
}

/**
 * Applies a join (or re-join) answer: on a re-join, pending app signals are re-targeted to the new
 * connections of the same identities; the roster takes the snapshot (emitting `connectionCreated` for
 * new or moved identities, and `connectionDestroyed` with `cause` for identities gone); the media plane
 * gets everyone present, their streams and the ICE configuration.
 *
 * On a re-join, identities missing from the snapshot are held, not destroyed: after a server restart
 * this page may be the first one back, and the others follow within moments. Each keeps its tile
 * (`recovering`) and, when it comes back, is reported as `connectionCreated` with `replaces`; the
 * session ends the wait with {@link releaseHeld}.
 */
export function applyJoinAnswer(
  reply: JoinSuccess,
  kind: 'join' | 'rejoin',
  cause: DisconnectReason,
  deps: ApplyJoinDeps,
): void {
  if (kind === 'rejoin')
    deps.channel.outbox.restart((pending) => retargetForRejoin(pending, reply.connections));
  const diff = deps.roster.reset(reply.connections, { holdAbsent: kind === 'rejoin' });
  for (const connection of diff.removed) deps.emit('connectionDestroyed', { connection, reason: cause });
  for (const { participant, previousConnectionId } of diff.replaced) {
    deps.emit('connectionCreated', { connection: participant, replaces: previousConnectionId });
  }
  for (const connection of diff.added) deps.emit('connectionCreated', { connection });
  deps.media.onJoined({
    kind,
    connectionId: reply.connectionId,
    ice: reply.ice,
    connections: reply.connections,
    streams: reply.streams,
  });
}

/**
 * The wait after a re-join is over: participants held since then that did not come back are gone
 * (`connectionDestroyed` and their streams' `streamDestroyed`, with `cause`), and so are held streams
 * their publisher did not publish again.
 */
export function releaseHeld(cause: DisconnectReason, deps: Omit<ApplyJoinDeps, 'channel'>): void {
  for (const connection of deps.roster.releaseHeld()) {
    deps.media.onParticipantLeft(connection, cause);
    deps.emit('connectionDestroyed', { connection, reason: cause });
  }
  deps.media.releaseHeld();
}
