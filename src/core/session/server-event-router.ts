import type { DisconnectReason, ServerEvent } from '../../protocol';
import type { MediaPlane } from '../media/media-plane';
import type { SessionEventMap } from './events';
import type { Roster } from './roster';

/** What the router hands server events to. */
export interface RouterDeps {
  roster: Roster;
  media: MediaPlane;
  emit<K extends keyof SessionEventMap>(event: K, payload: SessionEventMap[K]): void;
  /** The server ended this membership (`sessionDisconnected`). */
  onServerEnded(reason: DisconnectReason): void;
}

/**
 * Routes each validated, first-seen server event: participants to the roster (keyed by identity),
 * streams and negotiation to the media plane, app messages and notices to the session's listeners.
 */
export function routeServerEvent(event: ServerEvent, deps: RouterDeps): void {
  switch (event.kind) {
    case 'connectionCreated': {
      const result = deps.roster.upsert(event.connection);
      if (!result) return;
      const replaces = event.replaces ?? result.replacedConnectionId;
      deps.media.onParticipantJoined(event.connection, replaces);
      deps.emit(
        'connectionCreated',
        replaces === undefined
          ? { connection: result.participant }
          : { connection: result.participant, replaces },
      );
      return;
    }
    case 'connectionDestroyed': {
      const participant = deps.roster.remove(event.connectionId);
      if (!participant) return;
      deps.media.onParticipantLeft(participant, event.reason);
      deps.emit('connectionDestroyed', { connection: participant, reason: event.reason });
      return;
    }
    case 'streamCreated':
      deps.media.onStreamCreated(event.stream);
      return;
    case 'streamDestroyed':
      deps.media.onStreamDestroyed(event.streamId, event.connectionId, event.reason);
      return;
    case 'streamPropertyChanged':
      deps.media.onStreamPropertyChanged(event.streamId, event.property, event.value);
      return;
    case 'signal': {
      const from = event.from === null ? null : (deps.roster.byConnection(event.from) ?? null);
      deps.emit('signal', { type: event.type, data: event.data, from });
      return;
    }
    case 'media':
      deps.media.onMediaMessage(event.from, event.fromIdentity, event.link, event.payload);
      return;
    case 'sessionNotification':
      deps.emit(
        'sessionNotification',
        event.message === undefined
          ? { reason: event.reason, deadline: event.deadline }
          : { reason: event.reason, deadline: event.deadline, message: event.message },
      );
      return;
    case 'sessionDisconnected':
      deps.onServerEnded(event.reason);
      return;
    default:
      // Validation admits no other kind; this only makes the compiler check that every kind is routed.
      event satisfies never;
  }
}
