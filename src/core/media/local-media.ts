import type { StreamProperties } from '../../protocol';
import type { PublishOptions } from './types';

/** Opens the camera/microphone for `options`, or adopts the stream the app gave. */
export async function acquireLocalMedia(options: PublishOptions): Promise<MediaStream> {
  if (options.mediaStream) return options.mediaStream;
  const devices = globalThis.navigator?.mediaDevices;
  if (!devices?.getUserMedia) throw new Error('getUserMedia is not available in this environment');
  return devices.getUserMedia({ audio: options.audio ?? true, video: options.video ?? true });
}

/** Applies `publishAudio` / `publishVideo` to the tracks (disabled tracks stay negotiated). */
export function applyEnabled(mediaStream: MediaStream, options: PublishOptions): void {
  for (const track of mediaStream.getAudioTracks()) track.enabled = options.publishAudio ?? true;
  for (const track of mediaStream.getVideoTracks()) track.enabled = options.publishVideo ?? true;
}

/** What the session announces about a local stream. */
export function describeLocalMedia(mediaStream: MediaStream, options: PublishOptions): StreamProperties {
  const video = mediaStream.getVideoTracks()[0];
  const settings = video?.getSettings?.() ?? {};
  const properties: StreamProperties = {
    hasAudio: mediaStream.getAudioTracks().length > 0,
    hasVideo: video !== undefined,
    audioActive: mediaStream.getAudioTracks().some((t) => t.enabled),
    videoActive: mediaStream.getVideoTracks().some((t) => t.enabled),
    typeOfVideo: options.typeOfVideo ?? 'CAMERA',
  };
  if (typeof settings.frameRate === 'number') properties.frameRate = settings.frameRate;
  if (typeof settings.width === 'number' && typeof settings.height === 'number') {
    properties.videoDimensions = { width: settings.width, height: settings.height };
  }
  return properties;
}

/** Stops every track of the stream (the camera light goes off). */
export function stopLocalMedia(mediaStream: MediaStream): void {
  for (const track of mediaStream.getTracks()) track.stop();
}
