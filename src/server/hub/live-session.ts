import {
  type DisconnectReason,
  jsonShapeProblem,
  LIMITS,
  type ServerEvent,
  type StreamInfo,
} from '../../protocol';
import type { Connection } from '../connection/connection';
import { ProtocolFailure } from '../protocol-failure';

/** Bounds of an event: those of a message, with room for the fields the server adds (`from`, …). */
const EVENT_SHAPE = { maxDepth: LIMITS.maxJsonDepth, maxValues: LIMITS.maxJsonValues + 16 };

/** JSON size of an event inside its envelope (the sequence adds at most ~30 characters). */
export const eventBytes = (evt: ServerEvent): number => JSON.stringify(evt).length + 32;

/**
 * The members (live or in grace) and published streams of one session on this node, and the fan-out
 * of events to them. A connection whose replay buffer overflows is handed to `onOverflow`.
 */
export class LiveSession {
  readonly sessionId: string;
  readonly #members = new Map<string, Connection>();
  readonly #byIdentity = new Map<string, Connection>();
  readonly #streams = new Map<string, StreamInfo>();
  readonly #onOverflow: (connection: Connection) => void;

  constructor(sessionId: string, onOverflow: (connection: Connection) => void) {
    this.sessionId = sessionId;
    this.#onOverflow = onOverflow;
  }

  /** Number of members. */
  get size(): number {
    return this.#members.size;
  }

  /** The member with connection id `connectionId`. */
  member(connectionId: string): Connection | undefined {
    return this.#members.get(connectionId);
  }

  /** The member with identity `identity`. */
  memberWithIdentity(identity: string): Connection | undefined {
    return this.#byIdentity.get(identity);
  }

  /** Every member, in join order (a snapshot: safe to iterate while members change). */
  members(): Connection[] {
    return [...this.#members.values()];
  }

  /** Every member but `connection`. */
  othersThan(connection: Connection): Connection[] {
    return this.members().filter((member) => member !== connection);
  }

  /** Adds a member (indexed by connection id and identity). */
  add(connection: Connection): void {
    this.#members.set(connection.id, connection);
    this.#byIdentity.set(connection.identity, connection);
  }

  /** Removes `connection` and its streams; returns the streams it had. */
  remove(connection: Connection): StreamInfo[] {
    this.#members.delete(connection.id);
    if (this.#byIdentity.get(connection.identity) === connection)
      this.#byIdentity.delete(connection.identity);
    const streams = this.streamsOf(connection.id);
    for (const stream of streams) this.#streams.delete(stream.streamId);
    return streams;
  }

  /**
   * Removes `connection` and tells the others: `streamDestroyed` for each of its streams, then (when
   * `announce`) `connectionDestroyed`, all with `reason`.
   */
  expel(connection: Connection, reason: DisconnectReason, announce: boolean): void {
    for (const stream of this.remove(connection)) {
      this.broadcast({
        kind: 'streamDestroyed',
        streamId: stream.streamId,
        connectionId: connection.id,
        reason,
      });
    }
    if (!announce) return;
    this.broadcast({
      kind: 'connectionDestroyed',
      connectionId: connection.id,
      identity: connection.identity,
      reason,
    });
  }

  /** Every published stream. */
  streams(): StreamInfo[] {
    return [...this.#streams.values()];
  }

  /** The published stream `streamId`. */
  stream(streamId: string): StreamInfo | undefined {
    return this.#streams.get(streamId);
  }

  /** The streams `connectionId` published. */
  streamsOf(connectionId: string): StreamInfo[] {
    return this.streams().filter((stream) => stream.connectionId === connectionId);
  }

  /** Adds or replaces a stream. */
  putStream(stream: StreamInfo): void {
    this.#streams.set(stream.streamId, stream);
  }

  /** Forgets the stream `streamId`. */
  removeStream(streamId: string): void {
    this.#streams.delete(streamId);
  }

  /**
   * Queues `evt` for each of `targets` still a member. An event that is not plain JSON within the
   * protocol's limits (only app data could make it so) is refused with `MESSAGE_MALFORMED` before it is
   * queued for anyone: no member ever holds an event its socket cannot encode.
   */
  deliver(targets: readonly Connection[], evt: ServerEvent): void {
    const problem = jsonShapeProblem(evt, EVENT_SHAPE);
    if (problem) throw new ProtocolFailure('MESSAGE_MALFORMED', `event would hold ${problem}`);
    const bytes = eventBytes(evt);
    for (const target of targets) {
      if (target.status === 'ended' || this.#members.get(target.id) !== target) continue;
      if (!target.push(evt, bytes)) this.#onOverflow(target);
    }
  }

  /** Queues `evt` for every member but `except`. */
  broadcast(evt: ServerEvent, except?: Connection): void {
    this.deliver(except ? this.othersThan(except) : this.members(), evt);
  }
}
