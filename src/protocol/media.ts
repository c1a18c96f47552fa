import * as v from 'valibot';
import { LIMITS } from './version';

/**
 * A media link is the peer connection between two participants, keyed by the pair of identities.
 * `gen` grows each time either side builds a new peer for the link; messages of an older generation
 * are dropped, never fed to a newer peer. `inc` names the sender's session instance (one
 * `createSession`: a page load, a provider mount): a message from a new incarnation of the same identity
 * (reload, leave and come back, another tab) resets the link, whatever its generation, since the new
 * instance counts its generations from 0 again.
 */
export const LinkRefSchema = v.object({
  linkId: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxIdChars * 2 + 1)),
  gen: v.pipe(v.number(), v.integer(), v.minValue(0)),
  inc: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
});
export type LinkRef = v.InferOutput<typeof LinkRefSchema>;

const Sdp = v.pipe(v.string(), v.maxLength(LIMITS.maxSdpChars));

/** The negotiation payloads simple-peer exchanges, each checked for shape and size. */
export const MediaPayloadSchema = v.variant('type', [
  v.object({ type: v.literal('offer'), sdp: Sdp }),
  v.object({ type: v.literal('answer'), sdp: Sdp }),
  v.object({
    type: v.literal('candidate'),
    candidate: v.object({
      candidate: v.pipe(v.string(), v.maxLength(2048)),
      // optional(nullable()) is nullish (null, undefined or absent) without a third wrapper in the client.
      sdpMLineIndex: v.optional(v.nullable(v.number())),
      sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
      usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
    }),
  }),
  v.object({ type: v.literal('renegotiate') }),
  v.object({
    type: v.literal('transceiverRequest'),
    kind: v.picklist(['audio', 'video']),
  }),
  /** Asks the other side to tear the link down and build a fresh peer at `gen`. */
  v.object({ type: v.literal('reset'), reason: v.pipe(v.string(), v.maxLength(256)) }),
  /**
   * After a rejoin, to the other side's new connection: "this is my incarnation (on the ref); is yours
   * still the one my link serves?" Answered once with `reply: true`. The same incarnation on both ends
   * keeps the link and its peer connection, re-bound to the new connection ids.
   */
  v.object({ type: v.literal('rebind'), reply: v.boolean() }),
]);
export type MediaPayload = v.InferOutput<typeof MediaPayloadSchema>;
