import { type HTMLAttributes, memo, type ReactNode, useRef } from 'react';
import { useLocalMedia } from '../../react/useLocalMedia';
import { useStream } from '../../react/useStream';
import { FrozenStreamOverlay, overlayStateOf } from '../FrozenStreamOverlay/FrozenStreamOverlay';
import { useAttachedMedia } from './useAttachedMedia';

/** Props of {@link StreamView}. Give `streamId` for a remote stream, or `local` for this page's own. */
export interface StreamViewProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The remote stream to show. */
  streamId?: string;
  /** Show this page's published stream instead (muted, mirrored). */
  local?: boolean;
  /** Silence the stream's audio. @default false for remote streams, always true for `local` */
  muted?: boolean;
  /** Flip horizontally. @default true for `local`, false otherwise */
  mirror?: boolean;
  /** Show the {@link FrozenStreamOverlay} of a remote stream. @default true */
  overlay?: boolean;
  /** Name shown on the tile; false for none. @default the identity ("You" for `local`) */
  label?: ReactNode | false;
  /** More content over the tile (controls, badges). */
  children?: ReactNode;
}

interface TileProps extends Omit<StreamViewProps, 'streamId' | 'local' | 'muted'> {
  local: boolean;
  name: string;
  state: string;
  mediaStream: MediaStream | null;
  audioMuted: boolean;
  overlayStreamId: string | null;
}

function Tile({
  local,
  name,
  state,
  mediaStream,
  audioMuted,
  overlayStreamId,
  mirror,
  overlay = true,
  label,
  children,
  ...rest
}: TileProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const { playback, resume } = useAttachedMedia(videoRef, mediaStream, audioMuted);
  const mirrored = mirror ?? local;
  return (
    <figure
      aria-label={local ? 'Your video' : `Video of ${name}`}
      data-holdfast-stream=""
      data-holdfast-health={state}
      data-holdfast-local={local ? '' : undefined}
      data-holdfast-playback={playback}
      {...rest}
    >
      <video
        ref={videoRef}
        data-holdfast-video=""
        data-holdfast-mirror={mirrored ? '' : undefined}
        autoPlay
        playsInline
        muted={audioMuted}
      />
      {overlay && overlayStreamId ? <FrozenStreamOverlay streamId={overlayStreamId} /> : null}
      {label === false ? null : <figcaption data-holdfast-stream-label="">{label ?? name}</figcaption>}
      {playback === 'blocked' || playback === 'audioBlocked' ? (
        <button type="button" data-holdfast-action="play" onClick={resume}>
          {playback === 'blocked' ? `Play video of ${name}` : `Turn on sound of ${name}`}
        </button>
      ) : null}
      {children}
    </figure>
  );
}

function RemoteView({ streamId, muted = false, ...rest }: StreamViewProps & { streamId: string }) {
  const stream = useStream(streamId);
  return (
    <Tile
      {...rest}
      local={false}
      name={stream?.identity ?? streamId}
      state={overlayStateOf(stream)}
      mediaStream={stream?.mediaStream ?? null}
      audioMuted={muted}
      overlayStreamId={streamId}
    />
  );
}

function LocalView({ muted: _muted, ...rest }: StreamViewProps) {
  const own = useLocalMedia();
  const state = own.isPublishing ? (own.videoEnabled ? 'live' : 'muted') : 'gone';
  return (
    <Tile
      {...rest}
      local
      name="You"
      state={state}
      mediaStream={own.mediaStream}
      audioMuted
      overlayStreamId={null}
    />
  );
}

function StreamViewImpl({ local = false, streamId, ...rest }: StreamViewProps) {
  if (local) return <LocalView {...rest} />;
  return <RemoteView {...rest} streamId={streamId ?? ''} />;
}

/**
 * A video tile bound to one stream. It keeps its `<video>` element for its whole life: through freezes,
 * repairs and re-joins the element stays and only its media is re-attached. When the browser blocks
 * autoplay it plays muted and offers "Turn on sound", or offers "Play video" when it may not play at
 * all. State on `data-holdfast-health` and `data-holdfast-playback`; memoized, so a grid re-rendering
 * does not re-render tiles whose stream did not change.
 *
 * @example
 * ```tsx
 * const ids = useStreamIds();
 * return (
 *   <div className="grid">
 *     <StreamView local />
 *     {ids.map((id) => <StreamView key={id} streamId={id} />)}
 *   </div>
 * );
 * ```
 */
export const StreamView = memo(StreamViewImpl);
StreamView.displayName = 'StreamView';
