import { createCanvasMedia } from '../fixtures/canvas-media';

/** A participant's camera as the playground publishes it. */
export interface PlaygroundCamera {
  mediaStream: MediaStream;
  /** `camera`: `getUserMedia` (Chromium's fake device in tests); `synthetic`: no camera, a canvas. */
  source: 'camera' | 'synthetic';
  /** Whether {@link freeze} can stop frames at the sender (Chromium's insertable streams). */
  canFreeze: boolean;
  /** Stops sending new frames (the track stays live): receivers see a real freeze. */
  freeze(): void;
  thaw(): void;
  stop(): void;
}

// Chromium's main-thread insertable streams (not in TypeScript's DOM library).
interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> };
}
interface TrackGeneratorCtor {
  new (init: { kind: 'video' }): MediaStreamTrack & { writable: WritableStream<VideoFrame> };
}

/**
 * Opens the camera with `getUserMedia` (video only). Frames pass through a frame filter where the
 * browser has one, so "Freeze my video" drops them at the sender; without a camera (denied, none),
 * falls back to a synthetic canvas so the playground still runs.
 */
export async function openCamera(label: string, index: number): Promise<PlaygroundCamera | null> {
  let camera: MediaStream;
  try {
    camera = await navigator.mediaDevices.getUserMedia({
      video: { width: 320, height: 240, frameRate: 20 },
      audio: false,
    });
  } catch {
    const canvas = createCanvasMedia(label, index);
    return canvas ? { ...canvas, source: 'synthetic', canFreeze: true } : null;
  }
  const [track] = camera.getVideoTracks();
  const scope = globalThis as unknown as {
    MediaStreamTrackProcessor?: TrackProcessorCtor;
    MediaStreamTrackGenerator?: TrackGeneratorCtor;
  };
  const Processor = scope.MediaStreamTrackProcessor;
  const Generator = scope.MediaStreamTrackGenerator;
  const stopCamera = () => {
    for (const t of camera.getTracks()) t.stop();
  };
  if (!track || !Processor || !Generator) {
    return {
      mediaStream: camera,
      source: 'camera',
      canFreeze: false,
      freeze() {},
      thaw() {},
      stop: stopCamera,
    };
  }
  let frozen = false;
  const generator = new Generator({ kind: 'video' });
  void new Processor({ track }).readable
    .pipeThrough(
      new TransformStream<VideoFrame, VideoFrame>({
        transform(frame, controller) {
          if (frozen) frame.close();
          else controller.enqueue(frame);
        },
      }),
    )
    .pipeTo(generator.writable)
    .catch(() => {});
  return {
    mediaStream: new MediaStream([generator]),
    source: 'camera',
    canFreeze: true,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
    },
    stop() {
      generator.stop();
      stopCamera();
    },
  };
}
