import * as v from 'valibot';
import {
  type ClientEnvelope,
  type ClientMessage,
  jsonShapeProblem,
  LIMITS,
  MessageReplySchema,
} from '../../protocol';
import { HoldfastError } from '../errors';
import { firstIssue } from './first-issue';

/**
 * Sends one envelope on the live socket and calls `onReply` with the server's raw answer. Returns false
 * when nothing could be sent (the socket is down).
 */
export type Transmit = (envelope: ClientEnvelope, onReply: (raw: unknown) => void) => boolean;

/** A message still waiting for the server's answer. */
export interface PendingMessage {
  readonly seq: number;
  readonly msg: ClientMessage;
  /** Whether it went out on some socket already (its fate on the server is then unknown). */
  readonly everSent: boolean;
  /** What the sender attached (e.g. the identities behind a signal's `to`). */
  readonly meta: unknown;
}

/** What {@link Outbox.restart} does with one pending message. */
export type RestartDecision = { keep: ClientMessage; meta?: unknown } | { reject: HoldfastError };

interface Entry {
  seq: number;
  msg: ClientMessage;
  meta: unknown;
  /** Sent on the currently attached socket (reset on detach). */
  sent: boolean;
  everSent: boolean;
  resolve: () => void;
  reject: (error: HoldfastError) => void;
}

/**
 * The reliable, sequenced client → server queue of one membership. Every message gets the next
 * sequence and is kept until the server answers it; while the socket is down messages wait; when a socket
 * is attached again every unanswered message is (re)sent in order. The server processes each sequence
 * once and answers duplicates with the answer it stored, so each message takes effect exactly once and
 * in order.
 */
export class Outbox {
  #nextSeq = 1;
  #entries: Entry[] = [];
  #transmit: Transmit | null = null;
  readonly #onProtocolError: (message: string) => void;

  constructor(onProtocolError: (message: string) => void = () => {}) {
    this.#onProtocolError = onProtocolError;
  }

  /** How many messages still wait for an answer. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Queues `msg`; sends it at once when a socket is attached. Resolves on the server's ok; rejects with
   * a {@link HoldfastError} carrying the server's code on refusal, or the client's when the message is
   * dropped (the membership ended) or cannot be sent at all (too large, not JSON).
   */
  enqueue(msg: ClientMessage, meta?: unknown): Promise<void> {
    const invalid = checkSize(msg);
    if (invalid) return Promise.reject(invalid);
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = { seq: this.#nextSeq, msg, meta, sent: false, everSent: false, resolve, reject };
      this.#nextSeq += 1;
      this.#entries.push(entry);
      if (this.#transmit) this.#send(entry, this.#transmit);
    });
  }

  /** A socket is up: (re)sends, in order, every message without an answer. */
  attach(transmit: Transmit): void {
    this.#transmit = transmit;
    for (const entry of [...this.#entries]) {
      if (this.#transmit !== transmit) return;
      if (!entry.sent) this.#send(entry, transmit);
    }
  }

  /** The socket is down: every unanswered message will be sent again on the next socket. */
  detach(): void {
    this.#transmit = null;
    for (const entry of this.#entries) entry.sent = false;
  }

  /**
   * A new connection replaces the old one (re-join): sequences restart at 1 and each pending message
   * is kept (possibly rewritten, e.g. re-targeted) or rejected, as `decide` says. Order is kept.
   */
  restart(decide: (message: PendingMessage) => RestartDecision): void {
    this.detach();
    const entries = this.#entries;
    this.#entries = [];
    this.#nextSeq = 1;
    for (const entry of entries) {
      const decision = decide(entry);
      if ('reject' in decision) {
        entry.reject(decision.reject);
        continue;
      }
      entry.msg = decision.keep;
      if ('meta' in decision) entry.meta = decision.meta;
      entry.seq = this.#nextSeq;
      entry.everSent = false;
      this.#nextSeq += 1;
      this.#entries.push(entry);
    }
  }

  /** Rejects every pending message with `error` and stops sending. */
  failAll(error: HoldfastError): void {
    this.#transmit = null;
    const entries = this.#entries;
    this.#entries = [];
    for (const entry of entries) entry.reject(error);
  }

  #send(entry: Entry, transmit: Transmit): void {
    const sent = transmit({ seq: entry.seq, msg: entry.msg }, (raw) => this.#onReply(entry, raw));
    if (!sent) {
      this.detach();
      return;
    }
    entry.sent = true;
    entry.everSent = true;
  }

  #onReply(entry: Entry, raw: unknown): void {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    const parsed = v.safeParse(MessageReplySchema, raw);
    if (!parsed.success || parsed.output.seq !== entry.seq) {
      const message = parsed.success
        ? `answer for message ${entry.seq} carries sequence ${parsed.output.seq}`
        : `invalid answer for message ${entry.seq}: ${firstIssue(parsed.issues)}`;
      this.#onProtocolError(message);
      this.#entries.splice(index, 1);
      entry.reject(new HoldfastError('PROTOCOL_ERROR', message));
      return;
    }
    this.#entries.splice(index, 1);
    const reply = parsed.output;
    if (reply.ok) entry.resolve();
    else entry.reject(HoldfastError.fromProtocol(reply.error));
  }
}

function checkSize(msg: ClientMessage): HoldfastError | null {
  const problem = jsonShapeProblem(msg);
  if (problem) return new HoldfastError('MESSAGE_MALFORMED', `message holds ${problem}`);
  let json: string | undefined;
  try {
    json = JSON.stringify(msg);
  } catch (error) {
    return new HoldfastError('MESSAGE_MALFORMED', `message is not JSON: ${String(error)}`, { cause: error });
  }
  if (json === undefined) return new HoldfastError('MESSAGE_MALFORMED', 'message is not JSON');
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > LIMITS.maxMessageBytes) {
    return new HoldfastError(
      'MESSAGE_TOO_LARGE',
      `message is ${bytes} bytes of JSON; the limit is ${LIMITS.maxMessageBytes}`,
    );
  }
  return null;
}
