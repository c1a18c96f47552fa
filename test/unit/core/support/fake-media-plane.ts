import type { MediaHost, MediaPlane, MediaPlaneFactory } from '../../../../src/core/media/media-plane';
import type { LocalStream, RemoteStream } from '../../../../src/core/media/types';

/** A media plane that records every call the session makes, and exposes the host it was given. */
export class FakeMediaPlane implements MediaPlane {
  readonly streams = new Map<string, RemoteStream>();
  localStream: LocalStream | null = null;
  /** Method names called, in order, with their arguments. */
  readonly calls: Array<{ method: keyof MediaPlane; args: unknown[] }> = [];
  readonly host: MediaHost;

  constructor(host: MediaHost) {
    this.host = host;
  }

  /** Names of the calls, in order. */
  get methods(): string[] {
    return this.calls.map((call) => call.method);
  }

  #record(method: keyof MediaPlane, args: unknown[]): void {
    this.calls.push({ method, args });
  }

  onJoined(...args: Parameters<MediaPlane['onJoined']>): void {
    this.#record('onJoined', args);
  }
  onParticipantJoined(...args: Parameters<MediaPlane['onParticipantJoined']>): void {
    this.#record('onParticipantJoined', args);
  }
  onParticipantLeft(...args: Parameters<MediaPlane['onParticipantLeft']>): void {
    this.#record('onParticipantLeft', args);
  }
  onStreamCreated(...args: Parameters<MediaPlane['onStreamCreated']>): void {
    this.#record('onStreamCreated', args);
  }
  onStreamDestroyed(...args: Parameters<MediaPlane['onStreamDestroyed']>): void {
    this.#record('onStreamDestroyed', args);
  }
  onStreamPropertyChanged(...args: Parameters<MediaPlane['onStreamPropertyChanged']>): void {
    this.#record('onStreamPropertyChanged', args);
  }
  onMediaMessage(...args: Parameters<MediaPlane['onMediaMessage']>): void {
    this.#record('onMediaMessage', args);
  }
  onRejoining(...args: Parameters<MediaPlane['onRejoining']>): void {
    this.#record('onRejoining', args);
  }
  releaseHeld(): void {
    this.#record('releaseHeld', []);
  }
  onSignalingLost(): void {
    this.#record('onSignalingLost', []);
  }
  onSignalingRestored(...args: Parameters<MediaPlane['onSignalingRestored']>): void {
    this.#record('onSignalingRestored', args);
  }
  onNetworkChanged(): void {
    this.#record('onNetworkChanged', []);
  }
  publish(): Promise<LocalStream> {
    this.#record('publish', []);
    return Promise.reject(new Error('fake media plane does not publish'));
  }
  unpublish(): Promise<void> {
    this.#record('unpublish', []);
    return Promise.resolve();
  }
  setMediaEnabled(...args: Parameters<MediaPlane['setMediaEnabled']>): void {
    this.#record('setMediaEnabled', args);
  }
  close(...args: Parameters<MediaPlane['close']>): void {
    this.#record('close', args);
  }
  destroy(): void {
    this.#record('destroy', []);
  }
}

/** A factory that keeps the plane it built, for assertions. */
export function fakeMediaPlaneFactory(): { factory: MediaPlaneFactory; plane: () => FakeMediaPlane } {
  let built: FakeMediaPlane | null = null;
  return {
    factory: (host) => {
      built = new FakeMediaPlane(host);
      return built;
    },
    plane: () => {
      if (!built) throw new Error('no media plane built yet');
      return built;
    },
  };
}
