import type { Socket } from 'socket.io';
import type * as v from 'valibot';
import {
  ClientAckSchema,
  type ClusterPeer,
  JoinRequestSchema,
  type ProtocolError,
  ResumeRequestSchema,
  WIRE,
} from '../../protocol';
import type { ServerClock, ServerTimer } from '../clock';
import type { Connection, EventSink } from '../connection/connection';
import type { NodeInfo, SessionHub } from '../hub/session-hub';
import { type LogContext, logEvent, type ServerLogger } from '../logger';
import type { ServerOps } from '../ops/server-ops';
import { ProtocolFailure, protocolError, toProtocolError } from '../protocol-failure';
import type { FloodGuard } from './flood-guard';
import {
  type AckFn,
  checkPayload,
  checkVersion,
  isProtocolError,
  KNOWN_EVENTS,
  parseWith,
  splitArgs,
} from './inbound';
import { takeMessage } from './message-intake';

/** What a {@link SocketSession} needs besides its socket. */
export interface SocketSessionDeps {
  hub: SessionHub;
  guard: FloodGuard;
  logger: ServerLogger;
  clock: ServerClock;
  joinTimeoutMs: number;
  /** Admission pacing, sampled refusal logs and metrics. */
  ops: Pick<ServerOps, 'admission' | 'handshakes' | 'refusals' | 'metrics'>;
}

/** How long past its retry slot a refused resume keeps its place (time for the attempt itself). */
const RETRY_HOLD_MARGIN_MS = 5_000;

/**
 * One socket's side of the protocol: rate limiting, validation of every packet, join or resume (once),
 * sequenced messages with stored replies, acknowledgements, and handing a lost socket to the hub.
 */
export class SocketSession {
  readonly #socket: Socket;
  readonly #deps: SocketSessionDeps;
  readonly #sink: EventSink;
  #phase: 'fresh' | 'pending' | 'joined' = 'fresh';
  #connection: Connection | null = null;
  #joinTimer: ServerTimer | null;

  constructor(socket: Socket, deps: SocketSessionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    this.#sink = {
      id: socket.id,
      send: (envelope) => this.#guarded('event send', null, () => socket.emit(WIRE.evt, envelope)),
      move: (notice) => this.#guarded('move send', null, () => socket.emit(WIRE.move, notice)),
      close: () => socket.disconnect(true),
    };
    const onTimeout = () => this.#guarded('join timeout', null, () => this.#onJoinTimeout());
    this.#joinTimer = deps.clock.setTimeout(onTimeout, deps.joinTimeoutMs);
    const on = (event: string, handler: (args: unknown[]) => void) =>
      socket.on(event, (...args: unknown[]) => this.#guarded(event, args, () => handler(args)));
    on(WIRE.join, (args) => this.#onJoin(args));
    on(WIRE.resume, (args) => this.#onResume(args));
    on(WIRE.msg, (args) => this.#onMessage(args));
    on(WIRE.ack, (args) => this.#onAck(args));
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return;
      this.#guarded('unknown event', args, () => this.#onUnknown(event, args));
    });
    socket.on('disconnect', (reason) => this.#guarded('disconnect', null, () => this.#onDisconnect(reason)));
  }

  /**
   * Runs one handler so that nothing it throws can end the process or touch another socket: a fault is
   * logged, answered `INTERNAL` (through the packet's acknowledgement, else `hf:error`) and this
   * socket is closed, since its state may be half updated; the server keeps serving everyone else.
   */
  #guarded(what: string, args: unknown[] | null, run: () => void): void {
    try {
      run();
    } catch (fault) {
      this.#fault(what, args ? splitArgs(args).ack : null, fault);
    }
  }

  #fault(what: string, ack: AckFn | null, fault: unknown): void {
    this.#logFault(what, fault);
    try {
      this.#reply(ack, { ok: false, error: toProtocolError(fault) });
      this.#socket.disconnect(true);
    } catch {
      // The socket itself is broken; the server goes on without it.
    }
  }

  #logFault(what: string, fault: unknown): void {
    logEvent(this.#deps.logger, 'error', 'handler fault', this.#context({ handler: what, err: fault }));
  }

  /** The socket's remote address, for the join and resume answers (see `JoinSuccess.address`). */
  #address(): { address?: string } {
    const address = this.#socket.handshake.address;
    return typeof address === 'string' && address.length > 0 && address.length <= 64 ? { address } : {};
  }

  /**
   * What a join and a resume check alike before acting: an acknowledgement, a socket that has not
   * joined, a payload of this protocol version that `schema` parses, and a node that may serve. Each
   * failure is answered (`refuse`) and yields null.
   */
  #intake<TSchema extends typeof JoinRequestSchema | typeof ResumeRequestSchema>(
    kind: 'join' | 'resume',
    schema: TSchema,
    args: unknown[],
  ): { request: v.InferOutput<TSchema>; ack: AckFn; refuse: (error: ProtocolError) => void } | null {
    const { payload, ack } = splitArgs(args);
    const refuse = (error: ProtocolError) => {
      this.#refused(`${kind} refused`, error);
      this.#reply(ack, { ok: false, error, node: this.#deps.hub.node, ...this.#deps.hub.peers() });
    };
    if (!this.#admit(ack, refuse)) return null;
    if (!ack) {
      refuse(protocolError('MESSAGE_MALFORMED', `${WIRE[kind]} needs an acknowledgement`));
      return null;
    }
    if (this.#phase !== 'fresh') {
      refuse(protocolError('ALREADY_JOINED', 'socket has already joined'));
      return null;
    }
    const request =
      checkPayload(payload) ?? checkVersion(payload) ?? parseWith(schema, payload, `${kind} request`);
    if (isProtocolError(request)) {
      refuse(request);
      return null;
    }
    // A node that may not serve says so before anything else (even while its loop is still lagging).
    const clusterRefusal = this.#deps.hub.clusterRefusal();
    if (clusterRefusal) {
      refuse(clusterRefusal);
      return null;
    }
    return { request, ack, refuse };
  }

  #onJoin(args: unknown[]): void {
    const intake = this.#intake('join', JoinRequestSchema, args);
    if (!intake) return;
    const { request, ack, refuse } = intake;
    const admission = this.#deps.ops.admission.admit();
    if (!admission.ok) {
      refuse(overloaded(admission.retryAfterMs));
      return;
    }
    this.#phase = 'pending';
    const joining = this.#deps.hub.authorize(request).then(
      (grant) => {
        if (!this.#socket.connected) return;
        let admitted: ReturnType<SessionHub['admit']>;
        try {
          admitted = this.#deps.hub.admit(request, grant, this.#sink);
        } catch (error) {
          // A refusal (the session is full, the token used meanwhile): answered, the socket stays.
          // Anything else is a fault: the catch below answers INTERNAL and closes the socket.
          if (!(error instanceof ProtocolFailure)) throw error;
          this.#phase = 'fresh';
          refuse(error.toWire());
          return;
        }
        this.#joined(admitted.connection);
        this.#deps.ops.metrics.joined();
        ack({ ...admitted.reply, ...this.#address() });
        this.#deps.hub.welcome(admitted.connection);
      },
      (error: unknown) => {
        this.#phase = 'fresh';
        if (this.#socket.connected) refuse(toProtocolError(error));
      },
    );
    // What the callbacks throw would otherwise be an unhandled rejection, which ends the process.
    joining.catch((fault: unknown) => this.#fault('join', ack, fault));
  }

  #onResume(args: unknown[]): void {
    const intake = this.#intake('resume', ResumeRequestSchema, args);
    if (!intake) return;
    const { request, ack, refuse } = intake;
    // A resume of a connection this node does not hold (it restarted) is refused at the cost of a
    // lookup: it takes no admission slot, so the re-joins that follow are not paced twice.
    const admission = this.#deps.hub.holds(request)
      ? this.#deps.ops.admission.admit()
      : { ok: true as const };
    if (!admission.ok) {
      this.#deps.hub.holdForRetry(
        request,
        this.#deps.clock.now() + admission.retryAfterMs + RETRY_HOLD_MARGIN_MS,
      );
      refuse(overloaded(admission.retryAfterMs));
      return;
    }
    let outcome: ReturnType<SessionHub['resume']>;
    try {
      outcome = this.#deps.hub.resume(request, this.#sink);
    } catch (error) {
      const explained = this.#deps.hub.explainResumeRefusal(request, error);
      if (explained) {
        void explained.then((answer) => {
          if (this.#socket.connected) refuse(answer);
        });
      } else refuse(toProtocolError(error));
      return;
    }
    this.#joined(outcome.connection);
    this.#deps.ops.metrics.resumed();
    ack({ ...outcome.reply, ...this.#address() });
    outcome.replay();
  }

  #onMessage(args: unknown[]): void {
    const arrivedAt = performance.now();
    // The session is moving or moved: unanswered, the message stays in the client's queue and is
    // resent to the node that now holds the session.
    if (this.#connection?.frozen) return;
    const { payload, ack } = splitArgs(args);
    const admission = this.#deps.guard.admit();
    if (admission === 'disconnect') {
      this.#floodDisconnect();
      return;
    }
    const rateRefusal = admission === 'limited' ? this.#deps.guard.refusal() : null;
    const { reply, after, fault } = takeMessage(this.#deps.hub, this.#connection, payload, rateRefusal);
    if (fault !== undefined) this.#logFault('message', fault);
    else if (!reply.ok) this.#refused('message refused', reply.error, { seq: reply.seq });
    if (ack) ack(reply);
    else if (!reply.ok) this.#socket.emit(WIRE.error, reply.error);
    after?.();
    if (reply.ok) this.#deps.ops.metrics.relayed((performance.now() - arrivedAt) / 1000);
  }

  #onAck(args: unknown[]): void {
    const { payload, ack } = splitArgs(args);
    const notice = (error: ProtocolError) => {
      this.#refused('ack refused', error);
      this.#reply(ack, { ok: false, error });
    };
    if (!this.#admit(ack, notice)) return;
    const connection = this.#connection;
    if (!connection) {
      notice(protocolError('NOT_JOINED', 'join or resume first'));
      return;
    }
    const parsed = parseWith(ClientAckSchema, payload, 'ack');
    if (isProtocolError(parsed)) {
      notice(parsed);
      return;
    }
    connection.acknowledge(parsed.seq);
    ack?.({ ok: true });
  }

  #onUnknown(event: unknown, args: unknown[]): void {
    const { ack } = splitArgs(args);
    const notice = (error: ProtocolError) => {
      this.#refused('event refused', error, { wireEvent: String(event).slice(0, 64) });
      this.#reply(ack, { ok: false, error });
    };
    if (!this.#admit(ack, notice)) return;
    notice(protocolError('MESSAGE_UNKNOWN', `unknown event ${JSON.stringify(String(event).slice(0, 64))}`));
  }

  #onDisconnect(reason: string): void {
    this.#clearJoinTimer();
    if (this.#connection) this.#deps.hub.socketClosed(this.#connection, this.#sink, reason);
  }

  #onJoinTimeout(): void {
    this.#joinTimer = null;
    if (this.#phase === 'joined' || !this.#socket.connected) return;
    logEvent(this.#deps.logger, 'debug', 'join timeout', { socketId: this.#socket.id });
    this.#socket.disconnect(true);
  }

  #joined(connection: Connection): void {
    this.#deps.ops.handshakes.settled(this.#socket.conn);
    this.#phase = 'joined';
    this.#connection = connection;
    this.#clearJoinTimer();
  }

  #clearJoinTimer(): void {
    if (this.#joinTimer === null) return;
    this.#deps.clock.clearTimeout(this.#joinTimer);
    this.#joinTimer = null;
  }

  /** Rate limit for every packet but `hf:msg` (which folds the verdict into its sequencing). */
  #admit(ack: AckFn | null, refuse: (error: ProtocolError) => void): boolean {
    const admission = this.#deps.guard.admit();
    if (admission === 'ok') return true;
    if (admission === 'disconnect') this.#floodDisconnect();
    else if (ack) refuse(this.#deps.guard.refusal());
    else this.#socket.emit(WIRE.error, this.#deps.guard.refusal());
    return false;
  }

  #floodDisconnect(): void {
    if (!this.#socket.connected) return;
    const context = this.#context({ refusals: this.#deps.guard.refusals });
    this.#deps.ops.refusals.refused('warn', 'flood disconnect', 'RATE_LIMITED', context);
    this.#socket.emit(WIRE.error, protocolError('RATE_LIMITED', 'too many messages: disconnecting'));
    this.#socket.disconnect(true);
  }

  /** Answers through the acknowledgement when there is one, else as an unsequenced `hf:error`. */
  #reply(
    ack: AckFn | null,
    answer: { ok: false; error: ProtocolError; node?: NodeInfo; nodes?: ClusterPeer[] },
  ): void {
    if (ack) ack(answer);
    else this.#socket.emit(WIRE.error, answer.error);
  }

  #refused(event: string, error: ProtocolError, extra: LogContext = {}): void {
    const level = error.code === 'RATE_LIMITED' || error.code === 'OVERLOADED' ? 'debug' : 'warn';
    this.#deps.ops.metrics.refused(error.code);
    this.#deps.ops.refusals.refused(
      level,
      event,
      error.code,
      this.#context({ reason: error.message, retryAfterMs: error.retryAfterMs, ...extra }),
    );
  }

  #context(extra: LogContext): LogContext {
    const c = this.#connection;
    const ids = c ? { sessionId: c.sessionId, connectionId: c.id } : {};
    return { ...ids, socketId: this.#socket.id, ...extra };
  }
}

const overloaded = (retryAfterMs: number): ProtocolError => ({
  ...protocolError(
    'OVERLOADED',
    `server is admitting joins and resumes at its pace; retry in ${retryAfterMs} ms`,
  ),
  retryAfterMs,
});
