import type { CSSProperties } from 'react';
import type { RemoteStream } from '../../core/media/types';
import { useStream } from '../../react/useStream';

/** What the overlay shows: a fault (`frozen`, `recovering`), an intentional `muted`, or nothing (`live`, `gone`). */
export type OverlayState = 'live' | 'frozen' | 'recovering' | 'muted' | 'gone';

/** The words for each shown state. */
export interface OverlayMessages {
  frozen: string;
  recovering: string;
  muted: string;
}

/** Props of {@link FrozenStreamOverlay}. */
export interface FrozenStreamOverlayProps {
  streamId: string;
  /** @default English */
  messages?: Partial<OverlayMessages>;
  className?: string;
  style?: CSSProperties;
}

const DEFAULT_MESSAGES: OverlayMessages = {
  frozen: 'Video frozen',
  recovering: 'Reconnecting video…',
  muted: 'Camera off',
};

/**
 * The overlay state of a stream. A sender that turned its video off is `muted` whatever the stats say:
 * muted is shown as muted, never as frozen.
 */
export function overlayStateOf(stream: RemoteStream | null): OverlayState {
  if (!stream) return 'gone';
  if (stream.health === 'muted' || !stream.hasVideo || !stream.videoActive) return 'muted';
  return stream.health;
}

/**
 * Sits over a video tile and says why its picture is not moving: frozen, reconnecting, or camera off.
 * Renders an empty, click-through element while the stream is live (so the status region exists before
 * it has something to say). State on `data-holdfast-overlay`.
 *
 * @example
 * ```tsx
 * <div style={{ position: 'relative' }}>
 *   <video … />
 *   <FrozenStreamOverlay streamId={id} />
 * </div>
 * ```
 */
export function FrozenStreamOverlay({ streamId, messages, className, style }: FrozenStreamOverlayProps) {
  const stream = useStream(streamId);
  const state = overlayStateOf(stream);
  const text = state === 'live' || state === 'gone' ? null : { ...DEFAULT_MESSAGES, ...messages }[state];
  return (
    <div
      className={className}
      style={style}
      role="status"
      aria-live="polite"
      aria-label={text && stream ? `${stream.identity}: ${text}` : undefined}
      data-holdfast-overlay={state}
    >
      {text ? (
        <>
          <span data-holdfast-overlay-icon="" aria-hidden="true" />
          <span data-holdfast-overlay-text="">{text}</span>
        </>
      ) : null}
    </div>
  );
}
