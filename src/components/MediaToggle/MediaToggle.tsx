import type { CSSProperties, ReactNode } from 'react';
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
 * does not renegotiate: others see the stream as muted, not frozen. Disabled while not publishing.
 * State on `data-holdfast-enabled`.
 *
 * @example
 * ```tsx
 * <MediaToggle kind="audio" /> <MediaToggle kind="video" />
 * ```
 */
export function MediaToggle({ kind, children, className, style }: MediaToggleProps) {
  const media = useLocalMedia();
  const enabled = kind === 'audio' ? media.audioEnabled : media.videoEnabled;
  const set = kind === 'audio' ? media.setAudioEnabled : media.setVideoEnabled;
  return (
    <button
      type="button"
      className={className}
      style={style}
      aria-pressed={enabled}
      disabled={!media.isPublishing}
      data-holdfast-toggle={kind}
      data-holdfast-enabled={String(enabled)}
      onClick={() => set(!enabled)}
    >
      {children ?? (kind === 'audio' ? 'Microphone' : 'Camera')}
    </button>
  );
}
