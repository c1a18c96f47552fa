import * as v from 'valibot';
import { LIMITS } from './version';

/** Any other identifier on the wire (connection id, identity, stream id). */
export const IdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxIdChars));

/** Session ids: letters, digits, `_` and `-`, 1 to 128 characters. */
export const SessionIdSchema = v.pipe(
  IdSchema,
  v.regex(/^[A-Za-z0-9_-]+$/, 'session id may hold only letters, digits, "_" and "-"'),
);

export const ROLES = ['publisher', 'subscriber', 'moderator'] as const;
export const RoleSchema = v.picklist(ROLES);
/**
 * What a connection may do: `subscriber` only receives; `publisher` also publishes;
 * `moderator` also force-disconnects others.
 */
export type Role = (typeof ROLES)[number];

/** One participant's current connection, as every member of the session sees it. */
export const ConnectionInfoSchema = v.object({
  connectionId: IdSchema,
  /** Stable for the life of the participant's page; survives resume, rejoin and migration. */
  identity: IdSchema,
  role: RoleSchema,
  /** App data from the token (opaque string). */
  data: v.pipe(v.string(), v.maxLength(LIMITS.maxConnectionDataChars)),
  createdAt: v.number(),
});
export type ConnectionInfo = v.InferOutput<typeof ConnectionInfoSchema>;

export const VIDEO_TYPES = ['CAMERA', 'SCREEN', 'CUSTOM'] as const;
export const VideoTypeSchema = v.picklist(VIDEO_TYPES);
export type VideoType = (typeof VIDEO_TYPES)[number];

/** What a publisher announces about its stream. */
export const StreamPropertiesSchema = v.object({
  hasAudio: v.boolean(),
  hasVideo: v.boolean(),
  audioActive: v.boolean(),
  videoActive: v.boolean(),
  typeOfVideo: VideoTypeSchema,
  frameRate: v.optional(v.number()),
  videoDimensions: v.optional(v.object({ width: v.number(), height: v.number() })),
});
export type StreamProperties = v.InferOutput<typeof StreamPropertiesSchema>;

/** A published stream as the session knows it. */
export const StreamInfoSchema = v.object({
  ...StreamPropertiesSchema.entries,
  streamId: IdSchema,
  connectionId: IdSchema,
  identity: IdSchema,
  createdAt: v.number(),
});
export type StreamInfo = v.InferOutput<typeof StreamInfoSchema>;

export const MUTABLE_STREAM_PROPERTIES = ['audioActive', 'videoActive', 'videoDimensions'] as const;
export const MutableStreamPropertySchema = v.picklist(MUTABLE_STREAM_PROPERTIES);

const IceServerEntries = {
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
};
/** An ICE server as the server is configured with it: `urls` is one URL or a list of them. */
export const IceServerSchema = v.object({
  urls: v.union([v.string(), v.array(v.string())]),
  ...IceServerEntries,
});
export type IceServer = v.InferOutput<typeof IceServerSchema>;

/** ICE configuration handed to clients in the join answer (`urls` always a list on the wire). */
export const IceConfigSchema = v.object({
  iceServers: v.array(v.object({ urls: v.array(v.string()), ...IceServerEntries })),
  iceTransportPolicy: v.picklist(['all', 'relay']),
});
export type IceConfig = v.InferOutput<typeof IceConfigSchema>;
