/**
 * holdfast's components: thin views over the hooks, state on data-holdfast-* attributes, look through
 * --holdfast-* custom properties (default theme: `holdfast/styles.css`).
 * @packageDocumentation
 */
export type { ConnectionIndicatorProps, ConnectionLevel } from './ConnectionIndicator/ConnectionIndicator';
export { ConnectionIndicator } from './ConnectionIndicator/ConnectionIndicator';
export type {
  FrozenStreamOverlayProps,
  OverlayMessages,
  OverlayState,
} from './FrozenStreamOverlay/FrozenStreamOverlay';
export { FrozenStreamOverlay, overlayStateOf } from './FrozenStreamOverlay/FrozenStreamOverlay';
export type { MediaToggleProps } from './MediaToggle/MediaToggle';
export { MediaToggle } from './MediaToggle/MediaToggle';
export type { BannerMessages, BannerText } from './ReconnectingBanner/banner-messages';
export { defaultBannerMessages } from './ReconnectingBanner/banner-messages';
export type { ReconnectingBannerProps } from './ReconnectingBanner/ReconnectingBanner';
export { ReconnectingBanner } from './ReconnectingBanner/ReconnectingBanner';
export type { SessionNoticeProps } from './SessionNotice/SessionNotice';
export { SessionNotice } from './SessionNotice/SessionNotice';
export type { StreamViewProps } from './StreamView/StreamView';
export { StreamView } from './StreamView/StreamView';
export type { PlaybackState } from './StreamView/useAttachedMedia';
