import type { CSSProperties } from 'react';
import { useReconnectState } from '../../react/useReconnectState';
import type { ReconnectPhase } from '../../store/reconnect-state';

/** The indicator's coarse level, on `data-holdfast-connection`. */
export type ConnectionLevel = 'offline' | 'connecting' | 'good' | 'degraded' | 'reconnecting' | 'lost';

const LEVELS: Record<ReconnectPhase, ConnectionLevel> = {
  idle: 'offline',
  connecting: 'connecting',
  joinFailed: 'lost',
  stable: 'good',
  recovered: 'good',
  recoveringMedia: 'degraded',
  reconnecting: 'reconnecting',
  rejoining: 'reconnecting',
  migrating: 'reconnecting',
  disconnected: 'lost',
};

const LABELS: Record<ReconnectPhase, string> = {
  idle: 'not connected',
  connecting: 'connecting',
  joinFailed: 'could not join',
  stable: 'connected',
  recovered: 'connected',
  recoveringMedia: 'restoring video',
  reconnecting: 'reconnecting',
  rejoining: 'rejoining',
  migrating: 'moving to another server',
  disconnected: 'disconnected',
};

/** Props of {@link ConnectionIndicator}. */
export interface ConnectionIndicatorProps {
  /** Also show the label as text (it is always the accessible name). @default false */
  showLabel?: boolean;
  /** Words for each phase. @default English */
  labels?: Partial<Record<ReconnectPhase, string>>;
  className?: string;
  style?: CSSProperties;
}

/**
 * A small always-present dot (and optional label) for the session's connection: good, degraded (video
 * being restored), reconnecting, lost. An image with an accessible name (not a live region: the
 * {@link ReconnectingBanner} announces changes). State on `data-holdfast-connection` and
 * `data-holdfast-phase`.
 *
 * @example
 * ```tsx
 * <ConnectionIndicator showLabel />
 * ```
 */
export function ConnectionIndicator({
  showLabel = false,
  labels,
  className,
  style,
}: ConnectionIndicatorProps) {
  const { phase } = useReconnectState();
  const label = labels?.[phase] ?? LABELS[phase];
  return (
    <span
      role="img"
      aria-label={`Connection: ${label}`}
      className={className}
      style={style}
      data-holdfast-connection={LEVELS[phase]}
      data-holdfast-phase={phase}
    >
      <span data-holdfast-connection-dot="" aria-hidden="true" />
      {showLabel ? (
        <span data-holdfast-connection-label="" aria-hidden="true">
          {label}
        </span>
      ) : null}
    </span>
  );
}
