import type { ClientMessage } from '../../protocol';
import type { MediaHost } from '../media/media-plane';
import type { Roster } from './roster';

/** What the session gives {@link createMediaHost}. */
export interface MediaHostDeps
  extends Pick<MediaHost, 'identity' | 'clock' | 'random' | 'settings' | 'log' | 'emit' | 'whenSignalingUp'> {
  roster: Roster;
  connectionId(): string | null;
  isSignalingUp(): boolean;
  /** Sends through the membership's reliable outbox (rejects when there is no membership). */
  send(msg: ClientMessage): Promise<void>;
}

/**
 * The session's side of the media seam: everything the media plane sends goes through the session's
 * reliable, sequenced outbox (queued while signaling is down, delivered once and in order).
 */
export function createMediaHost(deps: MediaHostDeps): MediaHost {
  // Everything but the roster and the outbox passes through as it is.
  const { roster, send, ...passed } = deps;
  return {
    ...passed,
    participant: (identity) => roster.participants.get(identity),
    participantByConnection: (connectionId) => roster.byConnection(connectionId),
    sendMedia(to, link, payload) {
      send({ kind: 'media', to, link, payload }).catch((error: unknown) => {
        deps.log('debug', 'media not sent', {
          to,
          link,
          type: payload.type,
          error: String(error),
        });
      });
    },
    announcePublish: (streamId, properties) => send({ kind: 'publish', streamId, properties }),
    announceUnpublish: (streamId) => send({ kind: 'unpublish', streamId }),
    announceProperty: (streamId, property, value) =>
      send({ kind: 'streamProperty', streamId, property, value }),
  };
}
