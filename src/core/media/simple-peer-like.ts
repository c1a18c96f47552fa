import SimplePeer from 'simple-peer/simplepeer.min.js';

/** The signal data simple-peer emits and accepts. */
export type SimplePeerSignal =
  | { type: 'offer' | 'answer'; sdp: string }
  | { type: 'candidate'; candidate: RTCIceCandidateInit }
  | { type: 'renegotiate'; renegotiate: true }
  | { type: 'transceiverRequest'; transceiverRequest: { kind: string; init?: RTCRtpTransceiverInit } };

/** The part of a simple-peer instance holdfast uses (simple-peer 9's API). */
export interface SimplePeerLike {
  readonly destroyed: boolean;
  /** simple-peer's own peer connection (null once destroyed). */
  readonly _pc: RTCPeerConnection | null;
  on(event: 'signal', listener: (data: SimplePeerSignal) => void): unknown;
  on(event: 'track', listener: (track: MediaStreamTrack, stream: MediaStream) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  removeAllListeners(): unknown;
  signal(data: SimplePeerSignal): void;
  negotiate(): void;
  addStream(stream: MediaStream): void;
  removeStream(stream: MediaStream): void;
  /** Swaps what a sender sends (no renegotiation); throws when `oldTrack` of `stream` is not sent. */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void;
  destroy(): void;
}

/** What holdfast gives simple-peer when it builds a peer. */
export interface SimplePeerOptions {
  initiator: boolean;
  config: RTCConfiguration;
  streams: MediaStream[];
  trickle: true;
}

/** Builds a peer; injectable so the link logic is unit-tested without a browser. */
export type SimplePeerFactory = (options: SimplePeerOptions) => SimplePeerLike;

/** The real factory: simple-peer 9 from its prebuilt, shim-carrying bundle. */
export const createSimplePeer: SimplePeerFactory = (options) =>
  new SimplePeer({ ...options }) as SimplePeerLike;
