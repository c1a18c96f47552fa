import * as v from 'valibot';
import { ConnectionInfoSchema, IceConfigSchema, IdSchema, RoleSchema, StreamInfoSchema } from './entities';
import { ProtocolErrorSchema } from './errors';
import { LinkRefSchema, MediaPayloadSchema } from './media';
import { DisconnectReasonSchema, NotificationReasonSchema } from './reasons';

/** Who answered: the node, and the boot of that node process (a restarted node has a new `bootId`). */
export const NodeInfoSchema = v.object({
  nodeId: v.string(),
  bootId: v.string(),
});

/** Timing the server enforces, so the client can fit its retries inside the grace. */
export const ServerTimingSchema = v.object({
  /** How long a lost participant keeps its place before eviction. */
  graceMs: v.number(),
  pingIntervalMs: v.number(),
  pingTimeoutMs: v.number(),
  /**
   * The longest the server may hold a lost participant's place: the grace, stretched while the server
   * itself is too loaded to take everyone back in time (its own stalls, a storm of returns). Absent: the
   * grace. The client keeps trying to resume that long.
   */
  holdMs: v.optional(v.number()),
});

/** Another node of the cluster, healthy when the answer was made: where to go if this one dies. */
export const ClusterPeerSchema = v.object({
  nodeId: v.string(),
  /** Its public URL (`http://host:port`), the same a token's `url` claim names. */
  url: v.pipe(v.string(), v.maxLength(2048)),
});
export type ClusterPeer = v.InferOutput<typeof ClusterPeerSchema>;

/** The other healthy nodes of a cluster (absent from a single server's answers). */
const Peers = v.optional(v.pipe(v.array(ClusterPeerSchema), v.maxLength(256)));

const Failure = v.object({
  ok: v.literal(false),
  error: ProtocolErrorSchema,
  node: v.optional(NodeInfoSchema),
  nodes: Peers,
});

export const JoinSuccessSchema = v.object({
  ok: v.literal(true),
  v: v.number(),
  sessionId: IdSchema,
  connectionId: IdSchema,
  identity: IdSchema,
  role: RoleSchema,
  data: v.string(),
  /** Secret that lets this connection resume on a new socket; never shown to other participants. */
  resumeSecret: v.string(),
  /** Connection id this join replaced (same identity joined again), if any. */
  replaced: v.optional(IdSchema),
  /** Everyone else present, and every stream published, at the moment of joining. */
  connections: v.array(ConnectionInfoSchema),
  streams: v.array(StreamInfoSchema),
  ice: IceConfigSchema,
  timing: ServerTimingSchema,
  node: NodeInfoSchema,
  nodes: Peers,
  /**
   * The client's address as the server sees this socket (e.g. `203.0.113.7`), so the client can tell a
   * network change (the same connection resumed from another address) from a drop on the same path.
   */
  address: v.optional(v.pipe(v.string(), v.maxLength(64))),
  /** Sequence of the last server event already reflected in this answer; events after it follow. */
  seq: v.number(),
});
export const JoinReplySchema = v.variant('ok', [JoinSuccessSchema, Failure]);
export type JoinSuccess = v.InferOutput<typeof JoinSuccessSchema>;
export type JoinReply = v.InferOutput<typeof JoinReplySchema>;

export const ResumeSuccessSchema = v.object({
  ok: v.literal(true),
  connectionId: IdSchema,
  /** Highest client sequence the server has processed; the client resends what follows, in order. */
  lastClientSeq: v.number(),
  timing: ServerTimingSchema,
  node: NodeInfoSchema,
  nodes: Peers,
  /** As in the join answer: the client's address as the server sees this socket. */
  address: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
export const ResumeReplySchema = v.variant('ok', [ResumeSuccessSchema, Failure]);
export type ResumeSuccess = v.InferOutput<typeof ResumeSuccessSchema>;
export type ResumeReply = v.InferOutput<typeof ResumeReplySchema>;

/** Answer to each sequenced client message. A rejected message still counts as processed. */
export const MessageReplySchema = v.variant('ok', [
  v.object({ ok: v.literal(true), seq: v.number() }),
  v.object({ ok: v.literal(false), seq: v.number(), error: ProtocolErrorSchema }),
]);
export type MessageReply = v.InferOutput<typeof MessageReplySchema>;

const StreamPropertyChangedEntries = {
  kind: v.literal('streamPropertyChanged'),
  streamId: IdSchema,
  connectionId: IdSchema,
};

/** Every sequenced server → client event. */
export const ServerEventSchema = v.variant('kind', [
  v.object({
    kind: v.literal('connectionCreated'),
    connection: ConnectionInfoSchema,
    replaces: v.optional(IdSchema),
  }),
  v.object({
    kind: v.literal('connectionDestroyed'),
    connectionId: IdSchema,
    identity: IdSchema,
    reason: DisconnectReasonSchema,
  }),
  v.object({ kind: v.literal('streamCreated'), stream: StreamInfoSchema }),
  v.object({
    kind: v.literal('streamDestroyed'),
    streamId: IdSchema,
    connectionId: IdSchema,
    reason: DisconnectReasonSchema,
  }),
  /** `audioActive` / `videoActive` carry a boolean, `videoDimensions` a size; any other pairing is malformed. */
  v.variant('property', [
    v.object({
      ...StreamPropertyChangedEntries,
      property: v.picklist(['audioActive', 'videoActive']),
      value: v.boolean(),
    }),
    v.object({
      ...StreamPropertyChangedEntries,
      property: v.literal('videoDimensions'),
      value: v.object({ width: v.number(), height: v.number() }),
    }),
  ]),
  /** App message; `from` is null when the app backend sent it through the REST API. */
  v.object({ kind: v.literal('signal'), from: v.nullable(IdSchema), type: v.string(), data: v.unknown() }),
  v.object({
    kind: v.literal('media'),
    from: IdSchema,
    fromIdentity: IdSchema,
    link: LinkRefSchema,
    payload: MediaPayloadSchema,
  }),
  v.object({
    kind: v.literal('sessionNotification'),
    reason: NotificationReasonSchema,
    /** Epoch milliseconds by which the change happens. */
    deadline: v.number(),
    message: v.optional(v.string()),
  }),
  /** The server ends this participant's membership; no resume follows. */
  v.object({ kind: v.literal('sessionDisconnected'), reason: DisconnectReasonSchema }),
]);
export type ServerEvent = v.InferOutput<typeof ServerEventSchema>;
export type ServerEventKind = ServerEvent['kind'];

/** A server event with its per-connection sequence number (1, 2, 3, …), replayed after a resume. */
export const ServerEnvelopeSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  evt: ServerEventSchema,
});
export type ServerEnvelope = v.InferOutput<typeof ServerEnvelopeSchema>;

/**
 * Unsequenced notice about input the server refused outside any acknowledged request: a protocol
 * error (`code` and `message`) of its own.
 */
export const ErrorNoticeSchema = ProtocolErrorSchema;
export type ErrorNotice = v.InferOutput<typeof ErrorNoticeSchema>;

/**
 * Unsequenced `hf:move`: this node handed the session to another node ahead of a rotation. The client
 * resumes its connection (same id, secret and sequences) at `url`, keeping this socket until the resume
 * succeeds; this node processes nothing more for it.
 */
export const MoveNoticeSchema = v.object({
  /** Base URL of the node now holding the session (socket.io at the same path). */
  url: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  nodeId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  /** The rotation deadline (epoch ms): the old node ends whoever is still on it then. */
  deadline: v.number(),
});
export type MoveNotice = v.InferOutput<typeof MoveNoticeSchema>;

/**
 * `hf:nodes` (cluster, not sequenced): the other healthy nodes changed as the sending node sees them (a
 * node joined, left, started or stopped draining). A client whose node later dies fails over to them
 * even if they were not there when it joined.
 */
export const NodesNoticeSchema = v.object({
  nodes: v.pipe(v.array(ClusterPeerSchema), v.maxLength(256)),
});
export type NodesNotice = v.InferOutput<typeof NodesNoticeSchema>;
