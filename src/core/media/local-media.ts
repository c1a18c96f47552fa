import type { StreamProperties } from '../../protocol';
import type { PublishOptions } from './types';

/**
 * Opens the camera/microphone for `options`, or adopts the stream the app gave. When both are asked
 * for and opening them together fails (no camera, a camera another app holds), each is tried alone and
 * the stream carries whichever opened: a participant without a camera can still be heard. After a
 * refusal (`NotAllowedError`: blocked, or the prompt dismissed) only the microphone is tried again, so a
 * user who dismissed the prompt is asked once more at most. Only when nothing opens does it throw (the
 * first error).
 */
export async function acquireLocalMedia(options: PublishOptions): Promise<MediaStream> {
  if (options.mediaStream) return options.mediaStream;
  const devices = globalThis.navigator?.mediaDevices;
  if (!devices?.getUserMedia) throw new Error('getUserMedia is not available in this environment');
  const audio = options.audio ?? true;
  const video = options.video ?? true;
  try {
    return await devices.getUserMedia({ audio, video });
  } catch (error) {
    if (audio === false || video === false) throw error;
    const tracks: MediaStreamTrack[] = [];
    const refused = error instanceof Error && error.name === 'NotAllowedError';
    const tries = refused
      ? [{ audio, video: false }]
      : [
          { audio, video: false },
          { audio: false, video },
        ];
    for (const alone of tries) {
      const opened = await devices.getUserMedia(alone).catch(() => null);
      if (opened) tracks.push(...opened.getTracks());
    }
    if (tracks.length === 0) throw error;
    return new MediaStream(tracks);
  }
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
