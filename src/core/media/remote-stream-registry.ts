import type { DisconnectReason, StreamInfo } from '../../protocol';
import type { MediaHost } from './media-plane';
import type { RemoteStream, StreamHealth } from './types';

type StreamProperty = 'audioActive' | 'videoActive' | 'videoDimensions';

/**
 * The remote streams this page knows of, keyed by stream id, and the events that report them.
 * Every change replaces the stream's snapshot object (so selectors can compare by reference) while the
 * `mediaStream` inside is kept across repairs.
 */
export class RemoteStreamRegistry {
  readonly streams = new Map<string, RemoteStream>();
  readonly #emit: MediaHost['emit'];

  constructor(emit: MediaHost['emit']) {
    this.#emit = emit;
  }

  /** Adds a stream (or refreshes the properties of a known one). */
  add(info: StreamInfo, health: StreamHealth, mediaStream: MediaStream | null): void {
    if (this.#update(info.streamId, info)) return;
    const stream: RemoteStream = { ...info, health, mediaStream };
    this.streams.set(stream.streamId, stream);
    this.#emit('streamCreated', { stream });
  }

  /** The stream published by the participant with this identity, if any. */
  byIdentity(identity: string): RemoteStream | undefined {
    for (const stream of this.streams.values()) if (stream.identity === identity) return stream;
    return undefined;
  }

  remove(streamId: string, reason: DisconnectReason): RemoteStream | undefined {
    const stream = this.streams.get(streamId);
    if (!stream) return undefined;
    this.streams.delete(streamId);
    this.#emit('streamDestroyed', { stream, reason, isLocal: false });
    return stream;
  }

  /** Removes every stream matching `predicate`, emitting `streamDestroyed` with `reason` for each. */
  removeWhere(predicate: (stream: RemoteStream) => boolean, reason: DisconnectReason): void {
    for (const stream of [...this.streams.values()]) {
      if (predicate(stream)) this.remove(stream.streamId, reason);
    }
  }

  setProperty(
    streamId: string,
    property: StreamProperty,
    value: boolean | { width: number; height: number },
  ): RemoteStream | undefined {
    return this.#update(streamId, { [property]: value });
  }

  setMediaStream(streamId: string, mediaStream: MediaStream | null): void {
    this.#update(streamId, { mediaStream });
  }

  /** Records a health change; emits `streamHealthChanged` only when it differs. */
  setHealth(streamId: string, health: StreamHealth): void {
    const known = this.streams.get(streamId);
    if (!known || known.health === health) return;
    const stream: RemoteStream = { ...known, health };
    this.streams.set(streamId, stream);
    this.#emit('streamHealthChanged', { stream, health, previous: known.health });
  }

  /** Replaces a known stream's snapshot with `patch` applied, reported as `streamUpdated`. */
  #update(streamId: string, patch: Partial<RemoteStream>): RemoteStream | undefined {
    const known = this.streams.get(streamId);
    if (!known) return undefined;
    const stream: RemoteStream = { ...known, ...patch };
    this.streams.set(streamId, stream);
    this.#emit('streamUpdated', { stream });
    return stream;
  }

  /** Forgets every stream, emitting `streamDestroyed` with `reason` for each. */
  clear(reason: DisconnectReason): void {
    this.removeWhere(() => true, reason);
  }
}
