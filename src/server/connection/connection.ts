import type { ConnectionInfo, MessageReply, MoveNotice, ServerEnvelope, ServerEvent } from '../../protocol';
import type { ServerClock, ServerTimer } from '../clock';
import { secretsEqual } from '../ids';
import type { LogContext } from '../logger';
import { ReplayBuffer, type ReplayCaps, type ReplayEntry } from './replay-buffer';
import { ReplyStore } from './reply-store';

/** Where a connection's sequenced events go while it has a socket. */
export interface EventSink {
  /** Socket id, for logs. */
  readonly id: string;
  send(envelope: ServerEnvelope): void;
  /** Sends the unsequenced `hf:move` (the session moved to another node). */
  move(notice: MoveNotice): void;
  /** Drops the socket. */
  close(): void;
}

/**
 * - `live`: a member with a socket;
 * - `grace`: a member whose socket was lost; it keeps its place until the grace runs out;
 * - `ended`: no longer a member; kept a little while so a resume can still fetch its final event.
 */
export type ConnectionStatus = 'live' | 'grace' | 'ended';

/** What a connection is built from. */
export interface ConnectionInit {
  info: ConnectionInfo;
  sessionId: string;
  resumeSecret: string;
  replayCaps: ReplayCaps;
  storedReplies: number;
  clock: ServerClock;
  /** The client follows `hf:move` (it said so in its join). @default false */
  migratable?: boolean;
}

/** Everything a connection carries to another node when its session migrates (plain JSON). */
export interface ConnectionSnapshot {
  info: ConnectionInfo;
  resumeSecret: string;
  migratable: boolean;
  lastSeq: number;
  lastClientSeq: number;
  /** Events not yet acknowledged, in sequence order. */
  events: ReplayEntry[];
  replies: MessageReply[];
}

/**
 * Per-connection state: server event sequence and replay buffer, client message sequence and stored
 * replies, the socket it is attached to, and its one timer (grace or retention).
 */
export class Connection {
  readonly info: ConnectionInfo;
  readonly sessionId: string;
  status: ConnectionStatus = 'live';
  /** Highest client message sequence processed. */
  lastClientSeq = 0;
  /** The client follows `hf:move`. */
  readonly migratable: boolean;
  /**
   * The session is being (or was) handed to another node: nothing more is processed for this
   * connection here — no message is answered (the client resends them after resuming there).
   */
  frozen = false;
  /** Where the session moved (set once handed over): a resume here is answered, then told to follow. */
  movedTo: MoveNotice | null = null;
  readonly #resumeSecret: string;
  readonly #buffer: ReplayBuffer;
  readonly #replies: ReplyStore;
  readonly #clock: ServerClock;
  #lastSeq = 0;
  #sink: EventSink | null = null;
  #timer: ServerTimer | null = null;

  constructor(init: ConnectionInit) {
    this.info = init.info;
    this.sessionId = init.sessionId;
    this.#resumeSecret = init.resumeSecret;
    this.#buffer = new ReplayBuffer(init.replayCaps);
    this.#replies = new ReplyStore(init.storedReplies);
    this.#clock = init.clock;
    this.migratable = init.migratable ?? false;
  }

  /** What this connection carries to another node (see {@link restore}). */
  snapshot(): ConnectionSnapshot {
    return {
      info: { ...this.info },
      resumeSecret: this.#resumeSecret,
      migratable: this.migratable,
      lastSeq: this.#lastSeq,
      lastClientSeq: this.lastClientSeq,
      events: this.#buffer.entries(),
      replies: this.#replies.all(),
    };
  }

  /** Takes over the sequences, kept events and stored replies of a {@link snapshot}. */
  restore(snapshot: ConnectionSnapshot): void {
    this.#buffer.clear();
    for (const entry of snapshot.events) {
      if (!this.#buffer.append(entry.envelope, entry.bytes)) throw new Error('replay buffer caps exceeded');
    }
    for (const reply of snapshot.replies) this.#replies.remember(reply);
    this.#lastSeq = snapshot.lastSeq;
    this.lastClientSeq = snapshot.lastClientSeq;
  }

  /** The connection id (server-assigned, random). */
  get id(): string {
    return this.info.connectionId;
  }

  /** The participant's stable identity. */
  get identity(): string {
    return this.info.identity;
  }

  /** Fields identifying this connection in log lines. */
  get logContext(): LogContext {
    return { sessionId: this.sessionId, connectionId: this.id, identity: this.identity };
  }

  /** The socket currently attached, if any. */
  get sink(): EventSink | null {
    return this.#sink;
  }

  /** Sequence of the last event queued for this connection (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Events queued and not yet acknowledged. */
  get buffered(): number {
    return this.#buffer.size;
  }

  /** True when `secret` is this connection's resume secret. */
  resumeSecretMatches(secret: string): boolean {
    return secretsEqual(secret, this.#resumeSecret);
  }

  /**
   * Queues `evt` with the next sequence and sends it when a socket is attached. Returns false when
   * the replay buffer is full (the event is not kept; the owner must evict the connection).
   */
  push(evt: ServerEvent, bytes: number): boolean {
    const envelope: ServerEnvelope = { seq: this.#lastSeq + 1, evt };
    if (!this.#buffer.append(envelope, bytes)) return false;
    this.#lastSeq = envelope.seq;
    this.#sink?.send(envelope);
    return true;
  }

  /** The client processed every event up to `seq`: forget them. */
  acknowledge(seq: number): void {
    this.#buffer.trimThrough(Math.min(seq, this.#lastSeq));
  }

  /** Attaches a socket; nothing is sent until {@link replayAfter} or the next {@link push}. */
  attach(sink: EventSink): void {
    this.#sink = sink;
  }

  /** Unbinds the socket (without closing it) and returns it. */
  detach(): EventSink | null {
    const sink = this.#sink;
    this.#sink = null;
    return sink;
  }

  /** Sends, in order, every kept event after `seq` (what the resuming client has not processed). */
  replayAfter(seq: number): number {
    this.acknowledge(seq);
    const events = this.#buffer.after(seq);
    for (const envelope of events) this.#sink?.send(envelope);
    return events.length;
  }

  /** Remembers the reply to a processed client message and advances the client sequence. */
  recordReply(reply: MessageReply): void {
    this.lastClientSeq = reply.seq;
    this.#replies.remember(reply);
  }

  /** The reply stored for an already processed `seq`. */
  storedReply(seq: number): MessageReply | undefined {
    return this.#replies.get(seq);
  }

  /** Runs `fn` after `ms`, replacing any timer already set. */
  schedule(ms: number, fn: () => void): void {
    this.cancelTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      fn();
    }, ms);
  }

  /** Cancels the pending timer, if any. */
  cancelTimer(): void {
    if (this.#timer === null) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Drops every kept event (the connection is gone for good). */
  dropBuffer(): void {
    this.#buffer.clear();
  }
}
