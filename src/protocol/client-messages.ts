import * as v from 'valibot';
import { IdSchema, MutableStreamPropertySchema, SessionIdSchema, StreamPropertiesSchema } from './entities';
import { LinkRefSchema, MediaPayloadSchema } from './media';
import { LIMITS } from './version';

/** First message on a fresh socket: enter the session with a token. Answered by `JoinReply`. */
export const JoinRequestSchema = v.object({
  v: v.number(),
  sessionId: SessionIdSchema,
  token: v.pipe(v.string(), v.minLength(1), v.maxLength(8192)),
  /** The participant's stable identity; a join with an identity already present replaces that connection. */
  identity: IdSchema,
  client: v.optional(v.object({ sdk: v.string(), version: v.string() })),
  /**
   * The client follows an `hf:move` (session migration before a rotation). A session moves only when
   * every member said so; absent means no.
   */
  migration: v.optional(v.boolean()),
});
export type JoinRequest = v.InferOutput<typeof JoinRequestSchema>;

/** First message on a socket that continues a connection lost inside the grace. Answered by `ResumeReply`. */
export const ResumeRequestSchema = v.object({
  v: v.number(),
  sessionId: SessionIdSchema,
  connectionId: IdSchema,
  resumeSecret: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  /** Highest server event sequence the client has processed; the server replays everything after it. */
  lastSeq: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type ResumeRequest = v.InferOutput<typeof ResumeRequestSchema>;

/** App message relayed to everyone else in the session, or to the connections in `to`. */
export const SignalMessageSchema = v.object({
  kind: v.literal('signal'),
  type: v.pipe(v.string(), v.maxLength(LIMITS.maxSignalTypeChars)),
  /** Opaque app payload (strings are the convention; any JSON value is carried). */
  data: v.unknown(),
  to: v.optional(v.pipe(v.array(IdSchema), v.maxLength(LIMITS.maxRecipients))),
});

export const PublishMessageSchema = v.object({
  kind: v.literal('publish'),
  streamId: IdSchema,
  properties: StreamPropertiesSchema,
});

export const UnpublishMessageSchema = v.object({
  kind: v.literal('unpublish'),
  streamId: IdSchema,
});

export const StreamPropertyMessageSchema = v.object({
  kind: v.literal('streamProperty'),
  streamId: IdSchema,
  property: MutableStreamPropertySchema,
  value: v.union([v.boolean(), v.object({ width: v.number(), height: v.number() })]),
});

/** Offer / answer / candidate for the media link with connection `to`. */
export const MediaMessageSchema = v.object({
  kind: v.literal('media'),
  to: IdSchema,
  link: LinkRefSchema,
  payload: MediaPayloadSchema,
});

export const LeaveMessageSchema = v.object({ kind: v.literal('leave') });

/**
 * Moderators only: ends the member `connectionId`, which gets `sessionDisconnected`
 * `forceDisconnectByUser` (the others see it leave with that reason). Refused with `FORBIDDEN` for
 * any other role.
 */
export const ForceDisconnectMessageSchema = v.object({
  kind: v.literal('forceDisconnect'),
  connectionId: IdSchema,
});

/** Every sequenced client → server message. */
export const ClientMessageSchema = v.variant('kind', [
  SignalMessageSchema,
  PublishMessageSchema,
  UnpublishMessageSchema,
  StreamPropertyMessageSchema,
  MediaMessageSchema,
  LeaveMessageSchema,
  ForceDisconnectMessageSchema,
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
export type ClientMessageKind = ClientMessage['kind'];

/**
 * A client message with its sequence number. Sequences start at 1 per connection and grow by one;
 * the server processes each sequence once and acknowledges it, so a resend after resume is harmless.
 */
export const ClientEnvelopeSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  msg: v.unknown(),
});
export type ClientEnvelope = { seq: number; msg: ClientMessage };

/** The client's receipt: every server event up to `seq` has been processed and may be forgotten. */
export const ClientAckSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type ClientAck = v.InferOutput<typeof ClientAckSchema>;
