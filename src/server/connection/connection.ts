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
 * replies, the socket it is attached to, and its lifecycle (`status`) with the one timer that belongs to
 * it (grace or retention). Only this class writes `status`; the hub drives it through the lifecycle
 * methods: {@link enterGrace}, {@link resumeOn}, {@link retire}, {@link end}, and for a migration
 * {@link freeze}, {@link thaw}, {@link moveAway}.
 */
export class Connection {
  readonly info: ConnectionInfo;
  readonly sessionId: string;
  /** The client follows `hf:move`. */
  readonly migratable: boolean;
  readonly #resumeSecret: string;
  readonly #buffer: ReplayBuffer;
  readonly #replies: ReplyStore;
  readonly #clock: ServerClock;
  #status: ConnectionStatus = 'live';
  #frozen = false;
  #movedTo: MoveNotice | null = null;
  #lastSeq = 0;
  #lastClientSeq = 0;
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
      lastClientSeq: this.#lastClientSeq,
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
    this.#lastClientSeq = snapshot.lastClientSeq;
  }

  /** The connection id (server-assigned, random). */
  get id(): string {
    return this.info.connectionId;
  }

  /** The participant's stable identity. */
  get identity(): string {
    return this.info.identity;
  }

  /** Where it is in its lifecycle (see {@link ConnectionStatus}). */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /**
   * The session is being (or was) handed to another node: nothing more is processed for this
   * connection here — no message is answered (the client resends them after resuming there).
   */
  get frozen(): boolean {
    return this.#frozen;
  }

  /** Where the session moved (set once handed over): a resume here is answered, then told to follow. */
  get movedTo(): MoveNotice | null {
    return this.#movedTo;
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

  /** Highest client message sequence processed. */
  get lastClientSeq(): number {
    return this.#lastClientSeq;
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
    this.#lastClientSeq = reply.seq;
    this.#replies.remember(reply);
  }

  /** The reply stored for an already processed `seq`. */
  storedReply(seq: number): MessageReply | undefined {
    return this.#replies.get(seq);
  }

  /**
   * live → grace: the socket was lost. `onTimeout` runs after `ms` unless the client resumes first
   * (the grace's owner decides then whether the grace is really over; see {@link extendGrace}).
   * Returns false, changing nothing, when the connection was not live.
   */
  enterGrace(ms: number, onTimeout: () => void): boolean {
    if (this.#status !== 'live') return false;
    this.#status = 'grace';
    this.#schedule(ms, onTimeout);
    return true;
  }

  /** Re-arms the grace's timer: `onTimeout` runs after `ms` more. Ignored when not in a grace. */
  extendGrace(ms: number, onTimeout: () => void): void {
    if (this.#status === 'grace') this.#schedule(ms, onTimeout);
  }

  /**
   * The client is back on `sink`. A member in its grace is live again (its grace timer stopped); a
   * connection that moved away or ended only takes the socket, to be told where to go or to fetch its
   * final event. Returns the socket it replaces, unbound but still open.
   */
  resumeOn(sink: EventSink): EventSink | null {
    const previous = this.detach();
    if (this.#status === 'grace' && this.#movedTo === null) {
      this.#cancelTimer();
      this.#status = 'live';
    }
    this.attach(sink);
    return previous;
  }

  /**
   * Ends the membership with a final event (`sessionDisconnected`): it is queued, the socket closed,
   * and the connection kept `retainMs` so a client that missed the event can resume and fetch it;
   * then `onRetained` runs (it forgets the connection, see {@link end}).
   */
  retire(finalEvent: ServerEvent, bytes: number, retainMs: number, onRetained: () => void): void {
    this.#status = 'ended';
    this.push(finalEvent, bytes);
    this.detach()?.close();
    this.#schedule(retainMs, onRetained);
  }

  /** Ends for good: its timer stopped, kept events dropped, its socket closed. */
  end(): void {
    this.#status = 'ended';
    this.#cancelTimer();
    this.#buffer.clear();
    this.detach()?.close();
  }

  /** The session is about to be handed to another node: stop processing anything for it here. */
  freeze(): void {
    this.#frozen = true;
  }

  /**
   * The handover failed and the session stays: processing resumes, and the socket is dropped so the
   * client resumes here and resends what the freeze left unanswered (a live member enters its grace
   * next, see {@link enterGrace}).
   */
  thaw(): void {
    this.#frozen = false;
    this.detach()?.close();
  }

  /**
   * The session was handed over to another node: its timer stopped and its kept events dropped, it
   * stays findable so a resume that missed the notice is answered and told again where to go.
   */
  moveAway(notice: MoveNotice): void {
    this.#cancelTimer();
    this.#buffer.clear();
    this.#movedTo = notice;
  }

  /** Stops its timer and drops its socket (server shutdown). */
  shutdown(): void {
    this.#cancelTimer();
    this.detach()?.close();
  }

  #schedule(ms: number, fn: () => void): void {
    this.#cancelTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      fn();
    }, ms);
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
