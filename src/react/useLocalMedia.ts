import { useMemo } from 'react';
import type { LocalStream, PublishOptions } from '../core/media/types';
import { selectLocalStream, selectStatus } from '../store/selectors';
import { useSessionController } from './session-context';
import { useSessionStore } from './useSessionStore';

/** What {@link useLocalMedia} returns. */
export interface UseLocalMediaResult {
  /** This page's published stream, or null. */
  stream: LocalStream | null;
  /** `stream.mediaStream`, for a preview. */
  mediaStream: MediaStream | null;
  isPublishing: boolean;
  /** True while connected, when `publish()` can work. */
  canPublish: boolean;
  /** True while the microphone is sending (false when muted or not publishing). */
  audioEnabled: boolean;
  /** True while the camera is sending. */
  videoEnabled: boolean;
  /** Publishes with these settings (else what every join publishes, else camera + microphone). */
  publish(options?: PublishOptions): Promise<LocalStream>;
  unpublish(): Promise<void>;
  /**
   * What a join publishes: the app's last `publish()` settings, else the provider's `publish` (null:
   * nothing), with the microphone and camera on or off as last set.
   */
  publishSettings: PublishOptions | null;
  /**
   * Turns the microphone on or off (no renegotiation). The choice is kept for this provider: every later
   * publish (Leave → Join, the banner's Rejoin) starts with it, and one made before joining applies to the
   * first publish. Stable across renders.
   */
  setAudioEnabled(enabled: boolean): void;
  /** Turns the camera on or off, kept like {@link UseLocalMediaResult.setAudioEnabled}. Stable across renders. */
  setVideoEnabled(enabled: boolean): void;
}

/**
 * This page's own media: the published stream, mute state and the actions to change them. Muting does
 * not renegotiate; others see the stream as `muted`, not frozen.
 *
 * @example
 * ```tsx
 * const { videoEnabled, setVideoEnabled } = useLocalMedia();
 * return <button aria-pressed={!videoEnabled} onClick={() => setVideoEnabled(!videoEnabled)}>Camera</button>;
 * ```
 */
export function useLocalMedia(): UseLocalMediaResult {
  const controller = useSessionController('useLocalMedia');
  const stream = useSessionStore(selectLocalStream);
  const canPublish = useSessionStore(selectStatus) === 'connected';
  const setters = useMemo(
    () => ({
      setAudioEnabled: (enabled: boolean) => controller.setMediaEnabled('audio', enabled),
      setVideoEnabled: (enabled: boolean) => controller.setMediaEnabled('video', enabled),
    }),
    [controller],
  );
  return useMemo(
    () => ({
      stream,
      mediaStream: stream?.mediaStream ?? null,
      isPublishing: stream !== null,
      canPublish,
      audioEnabled: stream?.properties.hasAudio === true && stream.properties.audioActive,
      videoEnabled: stream?.properties.hasVideo === true && stream.properties.videoActive,
      publish: controller.publish,
      unpublish: controller.unpublish,
      // Read when used (a click), so it is never a render behind.
      get publishSettings() {
        return controller.publishSettings;
      },
      ...setters,
    }),
    [controller, stream, canPublish, setters],
  );
}
