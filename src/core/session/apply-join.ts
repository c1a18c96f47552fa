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
 * connections of the same identities; the roster takes the snapshot (emitting `connectionDestroyed`
 * for identities gone, with `cause`, and `connectionCreated` for new or moved ones); the media plane
 * gets everyone present, their streams and the ICE configuration.
 */
export function applyJoinAnswer(
  reply: JoinSuccess,
  kind: 'join' | 'rejoin',
  cause: DisconnectReason,
  deps: ApplyJoinDeps,
): void {
  if (kind === 'rejoin')
    deps.channel.outbox.restart((pending) => retargetForRejoin(pending, reply.connections));
  const diff = deps.roster.reset(reply.connections);
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
