import * as v from 'valibot';

/**
 * Why a participant, connection or stream went away. Carried by `sessionDisconnected`,
 * `connectionDestroyed` and `streamDestroyed`.
 * - `disconnect`: the participant left on purpose (`leave()`).
 * - `forceDisconnectByUser`: another participant with the right role removed it.
 * - `forceDisconnectByServer`: the app backend removed it through the REST API.
 * - `sessionClosedByServer`: the app backend closed the whole session.
 * - `networkDisconnect`: its signaling was lost for longer than the server's eviction grace.
 * - `nodeCrashed`: the server node that hosted the session died; clients re-join with a new token.
 * - `serverRotation`: the node was drained for a planned rotation; clients move to another node.
 * - `duplicateIdentity`: the same identity joined again from another page, tab or device; the newer
 *   connection replaced this one (never re-joined by itself, or the two would take turns).
 */
export const DISCONNECT_REASONS = [
  'disconnect',
  'forceDisconnectByUser',
  'forceDisconnectByServer',
  'sessionClosedByServer',
  'networkDisconnect',
  'nodeCrashed',
  'serverRotation',
  'duplicateIdentity',
] as const;

export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

export const DisconnectReasonSchema = v.picklist(DISCONNECT_REASONS);

/** Reasons a `sessionNotification` is sent ahead of a planned change. */
export const NOTIFICATION_REASONS = ['serverRotation'] as const;
export type NotificationReason = (typeof NOTIFICATION_REASONS)[number];
export const NotificationReasonSchema = v.picklist(NOTIFICATION_REASONS);
