import type { ConnectionInfo, StreamInfo, StreamProperties, VideoType } from '../../protocol';

/**
 * How a remote stream is doing, judged from decoded frames, not from ICE state alone.
 * - `live`: frames are decoding.
 * - `frozen`: frames stopped although the sender did not turn its video off.
 * - `recovering`: a repair (ICE restart or new peer) is under way; back to `live` only once frames rise.
 * - `muted`: the sender turned its video off on purpose (not a fault).
 */
export type StreamHealth = 'live' | 'frozen' | 'recovering' | 'muted';

/** A participant in the session, keyed by its stable identity. */
export interface Participant extends ConnectionInfo {
  /** True for this page's own participant. */
  isLocal: boolean;
}

/** A stream published by another participant. */
export interface RemoteStream extends StreamInfo {
  health: StreamHealth;
  /** The received media, or null until the first track arrives. Kept across repairs when possible. */
  mediaStream: MediaStream | null;
}

/** What to publish. Kept by the session so any renegotiation or re-publish reuses the same settings. */
export interface PublishOptions {
  /** Publish this stream instead of opening the camera and microphone. */
  mediaStream?: MediaStream;
  /** `getUserMedia` audio constraints. @default true */
  audio?: boolean | MediaTrackConstraints;
  /** `getUserMedia` video constraints. @default true */
  video?: boolean | MediaTrackConstraints;
  /** @default 'CAMERA' */
  typeOfVideo?: VideoType;
  /** Start with the microphone sending. @default true */
  publishAudio?: boolean;
  /** Start with the camera sending. @default true */
  publishVideo?: boolean;
}

/** This page's own published stream. */
export interface LocalStream {
  streamId: string;
  mediaStream: MediaStream;
  properties: StreamProperties;
  options: PublishOptions;
}
