import { ClientEnvelopeSchema, type MessageReply, type ProtocolError } from '../../protocol';
import type { Connection } from '../connection/connection';
import { type MessageOutcome, routeMessage } from '../hub/message-router';
import type { SessionHub } from '../hub/session-hub';
import { ProtocolFailure, protocolError, toProtocolError } from '../protocol-failure';
import { isProtocolError, parseClientMessage, parseWith } from './inbound';

/** The answer to one `hf:msg`, and what to do once it is sent. */
export interface Intake {
  reply: MessageReply;
  after?: () => void;
  /** What was thrown while carrying out the message (answered `INTERNAL`), for the error log. */
  fault?: unknown;
}

/**
 * Sequencing of client messages: the next sequence (`lastClientSeq + 1`) is processed exactly once
 * and its reply stored, refused or not (a rate-limited one too, so the client's sequence never
 * stalls); a duplicate gets the stored reply (else `ok`); a gap is refused and does not advance.
 * Checks run in the protocol's order: envelope, membership, sequence, rate (`rateRefusal`, decided by
 * the socket's flood guard), shape, size, kind, fields, then the message itself. Whatever carrying it
 * out throws ends this message alone, with its code (`INTERNAL` for a bug), and still advances.
 */
export function takeMessage(
  hub: SessionHub,
  connection: Connection | null,
  payload: unknown,
  rateRefusal: ProtocolError | null,
): Intake {
  const refuse = (seq: number, error: ProtocolError): Intake => ({
    reply: { ok: false, seq, error: rateRefusal ?? error },
  });
  const envelope = parseWith(ClientEnvelopeSchema, payload, 'message envelope');
  if (isProtocolError(envelope)) return refuse(0, envelope);
  const { seq, msg } = envelope;
  if (!connection || connection.status === 'ended') {
    return refuse(seq, protocolError('NOT_JOINED', 'join or resume first'));
  }
  if (seq <= connection.lastClientSeq) return { reply: connection.storedReply(seq) ?? { ok: true, seq } };
  if (seq > connection.lastClientSeq + 1) {
    const expected = connection.lastClientSeq + 1;
    return refuse(seq, protocolError('MESSAGE_MALFORMED', `sequence gap: expected ${expected}, got ${seq}`));
  }
  const parsed = rateRefusal ?? parseClientMessage(msg);
  let outcome: MessageOutcome & { fault?: unknown };
  try {
    outcome = isProtocolError(parsed) ? { error: parsed } : routeMessage(hub, connection, parsed);
  } catch (thrown) {
    // A refusal thrown from deep inside (ProtocolFailure) is an answer; anything else is a bug to log.
    outcome = {
      error: toProtocolError(thrown),
      ...(thrown instanceof ProtocolFailure ? {} : { fault: thrown }),
    };
  }
  const reply: MessageReply = outcome.error ? { ok: false, seq, error: outcome.error } : { ok: true, seq };
  connection.recordReply(reply);
  const intake: Intake = { reply };
  if (outcome.after) intake.after = outcome.after;
  if ('fault' in outcome) intake.fault = outcome.fault;
  return intake;
}
