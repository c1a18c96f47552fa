import { ClientEnvelopeSchema, type MessageReply, type ProtocolError } from '../../protocol';
import type { Connection } from '../connection/connection';
import { routeMessage } from '../hub/message-router';
import type { SessionHub } from '../hub/session-hub';
import { protocolError } from '../protocol-failure';
import { isProtocolError, parseClientMessage, parseWith } from './inbound';

/** The answer to one `hf:msg`, and what to do once it is sent. */
export interface Intake {
  reply: MessageReply;
  after?: () => void;
}

const rateLimited = (): ProtocolError => protocolError('RATE_LIMITED', 'too many messages from this socket');

/**
 * Sequencing of client messages: the next sequence (`lastClientSeq + 1`) is processed exactly once
 * and its reply stored, refused or not (a rate-limited one too, so the client's sequence never
 * stalls); a duplicate gets the stored reply (else `ok`); a gap is refused and does not advance.
 * Checks run in the protocol's order: envelope, membership, sequence, rate, size, kind, fields,
 * then the message itself.
 */
export function takeMessage(
  hub: SessionHub,
  connection: Connection | null,
  payload: unknown,
  limited: boolean,
): Intake {
  const refuse = (seq: number, error: ProtocolError): Intake => ({
    reply: { ok: false, seq, error: limited ? rateLimited() : error },
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
  const parsed = limited ? rateLimited() : parseClientMessage(msg);
  const outcome = isProtocolError(parsed) ? { error: parsed } : routeMessage(hub, connection, parsed);
  const reply: MessageReply = outcome.error ? { ok: false, seq, error: outcome.error } : { ok: true, seq };
  connection.recordReply(reply);
  return outcome.after ? { reply, after: outcome.after } : { reply };
}
