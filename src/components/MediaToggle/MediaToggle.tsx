import type { CSSProperties, ReactNode } from 'react';
import type { PublishOptions } from '../../core/media/types';
import { useSessionController } from '../../react/session-context';
import { useLocalMedia } from '../../react/useLocalMedia';

/** Props of {@link MediaToggle}. */
export interface MediaToggleProps {
  kind: 'audio' | 'video';
  /** Button content. @default "Microphone" / "Camera" */
  children?: ReactNode;
  className?: string;
  style?: CSSProperties;
}

/**
 * A toggle button for this page's microphone or camera (`aria-pressed` = sending). Turning video off
 * does not renegotiate: others see the stream as muted, not frozen; a camera that went away (unplugged)
 * shows off, and a click opens it again; so does a camera that was missing when the stream was published
 * (a click publishes again with it). While nothing is published (after a
 * re-join whose publish failed, or with a provider that does not publish), a click publishes with the
 * provider's settings and this kind on (a refused camera goes to the provider's `onError`); disabled only
 * while not connected and not publishing.
 * State on `data-holdfast-enabled`.
 *
 * @example
 * ```tsx
 * <MediaToggle kind="audio" /> <MediaToggle kind="video" />
 * ```
 */
export function MediaToggle({ kind, children, className, style }: MediaToggleProps) {
  const media = useLocalMedia();
  const controller = useSessionController('MediaToggle');
  const enabled = kind === 'audio' ? media.audioEnabled : media.videoEnabled;
  const set = kind === 'audio' ? media.setAudioEnabled : media.setVideoEnabled;
  const toggle = () => {
    if (media.isPublishing) set(!enabled);
    else void media.publish(publishWith(kind, media.publishSettings)).catch(controller.reportError);
  };
  return (
    <button
      type="button"
      className={className}
      style={style}
      aria-pressed={enabled}
      disabled={!media.isPublishing && !media.canPublish}
      data-holdfast-toggle={kind}
      data-holdfast-enabled={String(enabled)}
      onClick={toggle}
    >
      {children ?? (kind === 'audio' ? 'Microphone' : 'Camera')}
    </button>
  );
}

/** The provider's settings (camera and microphone by default) with `kind` sending. */
function publishWith(kind: 'audio' | 'video', settings: PublishOptions | null): PublishOptions {
  const base = settings ?? {};
  return kind === 'audio'
    ? { ...base, audio: base.audio === false ? true : (base.audio ?? true), publishAudio: true }
    : { ...base, video: base.video === false ? true : (base.video ?? true), publishVideo: true };
}
