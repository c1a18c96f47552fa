import type { ClientMessage, ProtocolError, ServerEvent, StreamInfo } from '../../protocol';
import type { Connection } from '../connection/connection';
import { protocolError } from '../protocol-failure';
import type { LiveSession } from './live-session';
import type { SessionHub } from './session-hub';

/** Streams one connection may have published at once. */
export const MAX_STREAMS_PER_CONNECTION = 16;

/** What processing one client message came to; `after` runs once the reply is sent. */
export interface MessageOutcome {
  error?: ProtocolError;
  after?: () => void;
}

type Handler<K extends ClientMessage['kind']> = (
  hub: SessionHub,
  live: LiveSession,
  from: Connection,
  msg: Extract<ClientMessage, { kind: K }>,
) => MessageOutcome;

type StreamPropertyMessage = Extract<ClientMessage, { kind: 'streamProperty' }>;
type StreamPropertyChanged = Extract<ServerEvent, { kind: 'streamPropertyChanged' }>;

/**
 * The event announcing the message's change, or null when the value does not fit the property (flags
 * carry a boolean, `videoDimensions` a size).
 */
function changedEvent(msg: StreamPropertyMessage, connectionId: string): StreamPropertyChanged | null {
  const { streamId, property, value } = msg;
  const event = { kind: 'streamPropertyChanged', streamId, connectionId } as const;
  if (property === 'videoDimensions')
    return typeof value === 'boolean' ? null : { ...event, property, value };
  return typeof value === 'boolean' ? { ...event, property, value } : null;
}

/** Carries out one valid client message of a member. Nothing is delivered when it is refused. */
export function routeMessage(hub: SessionHub, from: Connection, msg: ClientMessage): MessageOutcome {
  const live = hub.sessionOf(from);
  if (!live) return { error: protocolError('NOT_JOINED', 'connection is not a member of a session') };
  // The union is narrowed per kind by the table's type.
  const handler = HANDLERS[msg.kind] as Handler<typeof msg.kind>;
  return handler(hub, live, from, msg);
}

/** Resolves recipient ids to members; a single id that is not a member refuses the whole message. */
function recipients(live: LiveSession, ids: readonly string[]): Connection[] | ProtocolError {
  const out = new Set<Connection>();
  for (const id of ids) {
    const member = live.member(id);
    if (!member) return protocolError('TARGET_NOT_IN_SESSION', `"${id}" is not a connection of this session`);
    out.add(member);
  }
  return [...out];
}

/** The stream `streamId` if `from` published it, else the refusal. */
function ownStream(live: LiveSession, from: Connection, streamId: string): StreamInfo | ProtocolError {
  const stream = live.stream(streamId);
  if (!stream) return protocolError('NOT_FOUND', `no stream "${streamId}"`);
  if (stream.connectionId !== from.id)
    return protocolError('FORBIDDEN', 'stream belongs to another connection');
  return stream;
}

const isError = (value: object): value is ProtocolError => 'code' in value && 'message' in value;

const HANDLERS: { [K in ClientMessage['kind']]: Handler<K> } = {
  signal(_hub, live, from, msg) {
    const targets = msg.to === undefined ? live.othersThan(from) : recipients(live, msg.to);
    if (isError(targets)) return { error: targets };
    live.deliver(targets, { kind: 'signal', from: from.id, type: msg.type, data: msg.data });
    return {};
  },

  publish(hub, live, from, msg) {
    if (from.info.role === 'subscriber')
      return { error: protocolError('FORBIDDEN', 'subscribers cannot publish') };
    if (live.stream(msg.streamId)) {
      return { error: protocolError('MESSAGE_MALFORMED', `stream "${msg.streamId}" is already published`) };
    }
    if (live.streamsOf(from.id).length >= MAX_STREAMS_PER_CONNECTION) {
      return {
        error: protocolError('FORBIDDEN', `at most ${MAX_STREAMS_PER_CONNECTION} streams per connection`),
      };
    }
    const stream: StreamInfo = {
      ...msg.properties,
      streamId: msg.streamId,
      connectionId: from.id,
      identity: from.identity,
      createdAt: hub.now(),
    };
    live.putStream(stream);
    live.broadcast({ kind: 'streamCreated', stream }, from);
    return {};
  },

  unpublish(_hub, live, from, msg) {
    const stream = ownStream(live, from, msg.streamId);
    if (isError(stream)) return { error: stream };
    live.removeStream(stream.streamId);
    live.broadcast(
      { kind: 'streamDestroyed', streamId: stream.streamId, connectionId: from.id, reason: 'disconnect' },
      from,
    );
    return {};
  },

  streamProperty(_hub, live, from, msg) {
    const stream = ownStream(live, from, msg.streamId);
    if (isError(stream)) return { error: stream };
    const changed = changedEvent(msg, from.id);
    if (!changed)
      return { error: protocolError('MESSAGE_MALFORMED', `wrong value type for "${msg.property}"`) };
    live.putStream({ ...stream, [changed.property]: changed.value });
    live.broadcast(changed, from);
    return {};
  },

  media(_hub, live, from, msg) {
    const targets = recipients(live, [msg.to]);
    if (isError(targets)) return { error: targets };
    live.deliver(targets, {
      kind: 'media',
      from: from.id,
      fromIdentity: from.identity,
      link: msg.link,
      payload: msg.payload,
    });
    return {};
  },

  leave(hub, _live, from) {
    return { after: hub.leave(from) };
  },

  forceDisconnect(hub, live, from, msg) {
    if (from.info.role !== 'moderator')
      return { error: protocolError('FORBIDDEN', 'only a moderator may force-disconnect') };
    const target = recipients(live, [msg.connectionId]);
    if (isError(target)) return { error: target };
    if (target[0] === from) return { error: protocolError('FORBIDDEN', 'leave to end your own connection') };
    hub.forceDisconnect(live.sessionId, msg.connectionId, 'forceDisconnectByUser');
    return {};
  },
};
