import * as v from 'valibot';
import {
  type ClientMessage,
  type ErrorNotice,
  ErrorNoticeSchema,
  JoinReplySchema,
  type MoveNotice,
  MoveNoticeSchema,
  NodesNoticeSchema,
  PROTOCOL_VERSION,
  type ProtocolError,
  ProtocolErrorSchema,
  ResumeReplySchema,
  ServerEnvelopeSchema,
  type ServerEvent,
  type ServerTimingSchema,
  WIRE,
} from '../../protocol';
import type { Clock } from '../clock';
import { HoldfastError } from '../errors';
import { listen } from '../listen';
import { resumeAtHomeOrAsk } from './ask-others';
import type { AttemptOutcome, AttemptRequest, NodeInfo } from './attempt';
import { firstIssue } from './first-issue';
import { Inbox } from './inbox';
import { Outbox } from './outbox';
import type { SocketFactory } from './socket';
import { SocketClosedError, SocketLife } from './socket-life';
import { tokenUrl } from './token-url';

/** Timing the server enforces (from the join/resume answer). */
export type ServerTiming = v.InferOutput<typeof ServerTimingSchema>;

/** What a channel needs from its owner. */
export interface ChannelDeps {
  serverUrl: string;
  path: string;
  sessionId: string;
  identity: string;
  /** Whether the join says this client follows `hf:move`. */
  sessionMigration: boolean;
  clock: Clock;
  socketFactory: SocketFactory;
  attemptTimeoutMs: number;
  /** A validated, first-seen server event, in sequence order. */
  onEvent(event: ServerEvent): void;
  /** An unsequenced `hf:error` notice from the server. */
  onErrorNotice(notice: ErrorNotice): void;
  /** A validated `hf:move`: the session now lives on another node. */
  onMove(notice: MoveNotice): void;
  /** Something from the server broke the protocol and was dropped. */
  onProtocolError(message: string): void;
  /** The live socket closed without the client asking. */
  onLost(reason: string): void;
}

/** Cluster nodes one membership remembers at most. */
const MAX_KNOWN_NODES = 32;

/** Only the envelope's sequence (the same rule), to count a poisoned event that still carries one. */
const SeqOnlySchema = v.object({ seq: ServerEnvelopeSchema.entries.seq });

/**
 * The signaling side of ONE membership (join → … → end): the live socket, the connection's
 * credentials (id, resume secret, node), the inbound sequence tracker and the reliable outbox.
 * Attempts open a new socket each; the owner decides which attempt's result to adopt.
 */
export class SignalingChannel {
  readonly outbox: Outbox;
  readonly #inbox: Inbox;
  readonly #deps: ChannelDeps;
  #socket: SocketLife | null = null;
  #connectionId: string | null = null;
  #resumeSecret: string | null = null;
  #node: NodeInfo | null = null;
  #timing: ServerTiming | null = null;
  /** This client's address as the server saw the latest join or resume (when the server says). */
  #address: string | null = null;
  #addressChanged = false;
  #closed = false;
  /** Where the latest join or resume succeeded (a cluster node's URL, or `serverUrl`). */
  #homeUrl: string;
  /**
   * Every cluster node this membership has heard of: the nodes that answered and the healthy nodes
   * each answer (even a refusal) listed, most recent first. Dead ones stay: trying them costs a
   * refused connection.
   */
  #peers: string[] = [];
  /** Resume attempts since the last success: the first goes home, the next ones try the peers in turn. */
  #resumeTurn = 0;
  /** The URL the attempt in flight connects to. */
  #attemptUrl: string;

  constructor(deps: ChannelDeps) {
    this.#deps = deps;
    this.#homeUrl = deps.serverUrl;
    this.#attemptUrl = deps.serverUrl;
    this.#inbox = new Inbox(deps.clock);
    this.outbox = new Outbox((message) => deps.onProtocolError(message));
  }

  /** The node that answered the latest join or resume. */
  get node(): NodeInfo | null {
    return this.#node;
  }

  /**
   * True when the latest resume came from another address than the join or resume before it (as the
   * server saw them): this page's network changed, e.g. a Wi-Fi → cellular handoff.
   */
  get addressChanged(): boolean {
    return this.#addressChanged;
  }

  /** The server's timing from the latest join or resume. */
  get timing(): ServerTiming | null {
    return this.#timing;
  }

  /** True while a socket is adopted and open. */
  get isUp(): boolean {
    return this.#socket?.isOpen ?? false;
  }

  /**
   * Opens a new socket and sends a join (with `token`) or, when `token` is undefined, a resume of the
   * current connection. The whole attempt is bounded by `attemptTimeoutMs`; `signal` abandons it. On
   * `joined`/`resumed` the returned socket is open and held; pass it to {@link adopt} or close it.
   * `moveTo`: resume at that node (a migration); adopting the result makes it where later resumes go.
   *
   * A resume at home while other cluster nodes are known also asks them while home does not answer
   * (see {@link resumeAtHomeOrAsk}).
   */
  async attempt(
    token: string | undefined,
    signal: AbortSignal,
    moveTo?: string,
  ): Promise<{ outcome: AttemptOutcome; socket: SocketLife }> {
    const request = this.#request(token);
    // A move (migration) resumes at the node it names; adopting it makes that node home.
    const url = moveTo ?? this.#target(token);
    const others = this.#peers.filter((peer) => peer !== this.#homeUrl);
    const result =
      request?.kind === 'resume' && moveTo === undefined && url === this.#homeUrl && others.length > 0
        ? await resumeAtHomeOrAsk(
            (at, abandon) => this.#attemptAt(at, request, abandon),
            url,
            others,
            signal,
            this.#deps.clock,
          )
        : { url, ...(await this.#attemptAt(url, request, signal, moveTo)) };
    this.#attemptUrl = result.url;
    return { outcome: result.outcome, socket: result.socket };
  }

  /** One attempt at `url`, on a socket of its own. */
  async #attemptAt(
    url: string,
    request: AttemptRequest | null,
    signal: AbortSignal,
    moveTo?: string,
  ): Promise<{ outcome: AttemptOutcome; socket: SocketLife }> {
    const socket = new SocketLife(
      this.#deps.socketFactory(url, {
        path: this.#deps.path,
        timeoutMs: this.#deps.attemptTimeoutMs,
      }),
    );
    if (!request) return { outcome: { kind: 'failed', message: 'nothing to resume' }, socket };
    const timer = this.#deps.clock.setTimeout(
      () => socket.close('attempt timed out'),
      this.#deps.attemptTimeoutMs,
    );
    const unwatch = listen(signal, 'abort', () => socket.close('attempt aborted'));
    let requestSent = false;
    try {
      if (signal.aborted) return { outcome: { kind: 'aborted' }, socket };
      await socket.open();
      requestSent = true;
      const raw = await socket.request(WIRE[request.kind], request.request);
      const outcome = this.#readReply(request.kind, raw, moveTo, url);
      if (outcome.kind !== 'joined' && outcome.kind !== 'resumed') socket.close(outcome.kind);
      return { outcome: signal.aborted ? { kind: 'aborted', requestSent } : outcome, socket };
    } catch (error) {
      socket.close('attempt failed');
      if (signal.aborted) return { outcome: { kind: 'aborted', requestSent }, socket };
      const refusal = error instanceof SocketClosedError ? this.#readRefusal(error.refusal) : undefined;
      if (refusal) return { outcome: { kind: 'refused', error: refusal, node: undefined }, socket };
      const message = error instanceof SocketClosedError ? error.message : String(error);
      return { outcome: { kind: 'failed', message, requestSent }, socket };
    } finally {
      this.#deps.clock.clearTimeout(timer);
      unwatch();
    }
  }

  /**
   * Makes `socket` the live socket for the attempt's outcome. Nothing flows yet: call
   * {@link startSending} and {@link releaseInbound} when the owner is ready.
   */
  adopt(socket: SocketLife, outcome: AttemptOutcome): void {
    this.dropSocket();
    this.#homeUrl = this.#attemptUrl;
    this.#resumeTurn = 0;
    if (outcome.kind === 'joined') {
      this.#connectionId = outcome.reply.connectionId;
      this.#resumeSecret = outcome.reply.resumeSecret;
      this.#node = outcome.reply.node;
      this.#timing = outcome.reply.timing;
      this.#inbox.reset(outcome.reply.seq);
      this.#addressChanged = false;
      this.#address = plainAddress(outcome.reply.address);
    } else if (outcome.kind === 'resumed') {
      this.#node = outcome.reply.node;
      this.#timing = outcome.reply.timing;
      const address = plainAddress(outcome.reply.address);
      this.#addressChanged = address !== null && this.#address !== null && address !== this.#address;
      this.#address = address ?? this.#address;
    }
    this.#socket = socket;
    socket.activate({
      onEvent: (raw) => this.#onRawEvent(raw),
      onErrorNotice: (raw) => this.#onRawErrorNotice(raw),
      onMove: (raw) => this.#onRawMove(raw),
      onNodes: (raw) => this.#onRawNodes(raw),
      onClose: (reason) => {
        if (this.#socket !== socket) return;
        this.#unplug();
        this.#deps.onLost(reason);
      },
    });
  }

  /** Starts sending: every pending message in order, then acknowledgements. */
  startSending(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#inbox.attach((seq) => socket.emit(WIRE.ack, { seq }));
    this.outbox.attach((envelope, onReply) => socket.emit(WIRE.msg, envelope, onReply));
  }

  /** Delivers what the server sent since the answer (the replay), then live events. */
  releaseInbound(): void {
    this.#socket?.release();
  }

  /** Sends a message through the outbox (queued while down). */
  send(msg: ClientMessage, meta?: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new HoldfastError('SESSION_ENDED', 'the membership has ended'));
    return this.outbox.enqueue(msg, meta);
  }

  /** Closes the live socket (keeps the connection, the queue and the sequences for a resume). */
  dropSocket(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#unplug();
    socket.close();
  }

  /**
   * Ends the membership. With `leave`, first tells the server (`leave` message, waits for its answer at
   * most `timeoutMs`), so the others see `disconnect` and not a network loss. Pending messages are
   * rejected with `error` once the leave is through.
   */
  async close(options: { leave: boolean; timeoutMs: number; error: HoldfastError }): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (options.leave && this.isUp) {
      const left = this.outbox.enqueue({ kind: 'leave' }).catch(() => {});
      await new Promise<void>((resolve) => {
        const timer = this.#deps.clock.setTimeout(resolve, options.timeoutMs);
        void left.then(() => {
          this.#deps.clock.clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#inbox.dispose();
    this.outbox.failAll(options.error);
    this.dropSocket();
  }

  /**
   * Where an attempt connects: a join goes to the node its token names (else `serverUrl`); a resume
   * goes home first, then, while the home node does not answer, alternately to another known node (any
   * node can say whether the home node was declared crashed; each in turn) and home again (a home
   * node cut off from this page for longer than one attempt is still where the connection lives).
   */
  #target(token: string | undefined): string {
    if (token !== undefined) return tokenUrl(token) ?? this.#deps.serverUrl;
    const others = this.#peers.filter((url) => url !== this.#homeUrl);
    const turn = this.#resumeTurn;
    this.#resumeTurn += 1;
    if (turn % 2 === 0 || others.length === 0) return this.#homeUrl;
    return others[((turn - 1) / 2) % others.length] ?? this.#homeUrl;
  }

  #learnNodes(urls: readonly string[]): void {
    this.#peers = [...new Set([...urls, ...this.#peers])].slice(0, MAX_KNOWN_NODES);
  }

  #request(token: string | undefined): AttemptRequest | null {
    const { sessionId, identity } = this.#deps;
    if (token !== undefined) {
      const migration = this.#deps.sessionMigration;
      return { kind: 'join', request: { v: PROTOCOL_VERSION, sessionId, token, identity, migration } };
    }
    if (this.#connectionId === null || this.#resumeSecret === null) return null;
    return {
      kind: 'resume',
      request: {
        v: PROTOCOL_VERSION,
        sessionId,
        connectionId: this.#connectionId,
        resumeSecret: this.#resumeSecret,
        lastSeq: this.#inbox.lastSeq,
      },
    };
  }

  #readReply(
    kind: AttemptRequest['kind'],
    raw: unknown,
    moveTo: string | undefined,
    url: string,
  ): AttemptOutcome {
    const parsed = kind === 'join' ? v.safeParse(JoinReplySchema, raw) : v.safeParse(ResumeReplySchema, raw);
    if (!parsed.success) {
      const message = `invalid ${kind} answer: ${firstIssue(parsed.issues)}`;
      this.#deps.onProtocolError(message);
      return { kind: 'failed', message };
    }
    const reply = parsed.output;
    if (reply.nodes !== undefined) this.#learnNodes([url, ...reply.nodes.map((node) => node.url)]);
    if (!reply.ok) return { kind: 'refused', error: reply.error, node: reply.node };
    if ('resumeSecret' in reply) return { kind: 'joined', reply };
    if (reply.connectionId !== this.#connectionId) {
      const message = `resume answered for connection ${reply.connectionId}, not ${this.#connectionId}`;
      this.#deps.onProtocolError(message);
      return { kind: 'failed', message };
    }
    return moveTo === undefined ? { kind: 'resumed', reply } : { kind: 'resumed', reply, movedTo: moveTo };
  }

  /** A handshake refused with a reason (`connect_error` data): the protocol error, if it is one. */
  #readRefusal(raw: unknown): ProtocolError | undefined {
    if (raw === undefined) return undefined;
    const parsed = v.safeParse(ProtocolErrorSchema, raw);
    if (parsed.success) return parsed.output;
    this.#deps.onProtocolError(`invalid handshake refusal: ${firstIssue(parsed.issues)}`);
    return undefined;
  }

  #onRawEvent(raw: unknown): void {
    const parsed = v.safeParse(ServerEnvelopeSchema, raw);
    if (!parsed.success) {
      // A poisoned event is skipped for good: counting its sequence keeps acknowledgements moving.
      const seq = v.safeParse(SeqOnlySchema, raw);
      if (seq.success) this.#inbox.accept(seq.output.seq);
      this.#deps.onProtocolError(`invalid server event: ${firstIssue(parsed.issues)}`);
      return;
    }
    if (!this.#inbox.accept(parsed.output.seq)) return;
    this.#deps.onEvent(parsed.output.evt);
  }

  #onRawErrorNotice(raw: unknown): void {
    const notice = this.#parseNotice(ErrorNoticeSchema, raw, 'error notice');
    if (notice) this.#deps.onErrorNotice(notice);
  }

  #onRawMove(raw: unknown): void {
    const notice = this.#parseNotice(MoveNoticeSchema, raw, 'move notice');
    if (notice) this.#deps.onMove(notice);
  }

  /** The cluster's healthy nodes changed while connected: a later failover tries them too. */
  #onRawNodes(raw: unknown): void {
    const notice = this.#parseNotice(NodesNoticeSchema, raw, 'nodes notice');
    if (notice) this.#learnNodes([this.#homeUrl, ...notice.nodes.map((node) => node.url)]);
  }

  /** A notice from the server, validated; a malformed one is reported as a protocol error and dropped. */
  #parseNotice<S extends v.GenericSchema>(schema: S, raw: unknown, what: string): v.InferOutput<S> | null {
    const parsed = v.safeParse(schema, raw);
    if (parsed.success) return parsed.output;
    this.#deps.onProtocolError(`invalid ${what}: ${firstIssue(parsed.issues)}`);
    return null;
  }

  #unplug(): void {
    this.#socket = null;
    this.outbox.detach();
    this.#inbox.attach(null);
  }
}

/**
 * The address a server saw, comparable across nodes: a dual-stack listener shows an IPv4 client as
 * `::ffff:a.b.c.d`, a plain IPv4 one as `a.b.c.d` (the same client must not look like a handoff).
 */
function plainAddress(address: string | undefined): string | null {
  if (!address) return null;
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
