import { type RefObject, useCallback, useEffect, useState } from 'react';

/**
 * How the video element is doing with autoplay: `playing`; `audioBlocked` (the browser refused sound
 * without a user gesture, so it plays muted); `blocked` (it refused to play at all); `idle` (no media).
 */
export type PlaybackState = 'idle' | 'starting' | 'playing' | 'audioBlocked' | 'blocked';

// DOMException is not an Error subclass everywhere (jsdom), so read the name.
const isNotAllowed = (error: unknown) =>
  (error as { name?: unknown } | null | undefined)?.name === 'NotAllowedError';

/** `element.play()`, also where it returns nothing (older engines, jsdom). */
function play(element: HTMLVideoElement): Promise<void> {
  // A synchronous throw rejects too (the executor catches it).
  return new Promise((resolve) => resolve(element.play()));
}

/**
 * Attaches `mediaStream` to the video element behind `ref` (the same element for the life of the tile:
 * a repaired stream is re-attached, never re-mounted) and plays it, falling back to muted playback and
 * then to a user gesture when autoplay is blocked. Returns the playback state and `resume`, to call from
 * a click.
 */
export function useAttachedMedia(
  ref: RefObject<HTMLVideoElement | null>,
  mediaStream: MediaStream | null,
  muted: boolean,
): { playback: PlaybackState; resume: () => void } {
  const [playback, setPlayback] = useState<PlaybackState>('idle');

  const start = useCallback(
    (element: HTMLVideoElement, isCurrent: () => boolean) => {
      element.muted = muted;
      setPlayback('starting');
      play(element).then(
        () => isCurrent() && setPlayback(element.muted && !muted ? 'audioBlocked' : 'playing'),
        (error: unknown) => {
          if (!isCurrent() || !isNotAllowed(error)) return;
          if (element.muted) {
            setPlayback('blocked');
            return;
          }
          element.muted = true;
          play(element).then(
            () => isCurrent() && setPlayback('audioBlocked'),
            () => isCurrent() && setPlayback('blocked'),
          );
        },
      );
    },
    [muted],
  );

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    if (!mediaStream) {
      element.srcObject = null;
      setPlayback('idle');
      return;
    }
    let current = true;
    const isCurrent = () => current;
    if (element.srcObject !== mediaStream) element.srcObject = mediaStream;
    start(element, isCurrent);
    // A repair may swap tracks inside the same stream: keep playing.
    const onTracks = () => start(element, isCurrent);
    mediaStream.addEventListener?.('addtrack', onTracks);
    return () => {
      current = false;
      mediaStream.removeEventListener?.('addtrack', onTracks);
    };
  }, [ref, mediaStream, start]);

  const resume = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    element.muted = muted;
    play(element).then(
      () => setPlayback('playing'),
      () => {
        // Still refused: keep the picture going muted (unmuting may have paused it).
        element.muted = true;
        play(element).then(
          () => setPlayback(muted ? 'playing' : 'audioBlocked'),
          () => setPlayback('blocked'),
        );
      },
    );
  }, [ref, muted]);

  return { playback, resume };
}
