import type { ClientMessage, DisconnectReason } from '../../protocol';
import { type Deferred, deferred } from '../deferred';
import { type Disposer, Emitter } from '../emitter';
import { HoldfastError } from '../errors';
import type { MediaPlane } from '../media/media-plane';
import { createMeshMediaPlane } from '../media/mesh-media-plane';
import type { LocalStream, Participant, PublishOptions, RemoteStream } from '../media/types';
import { SignalingChannel } from '../signaling/channel';
import { browserEnvironment } from '../signaling/environment';
import { ioSocketFactory } from '../signaling/socket';
import { applyJoinAnswer, releaseHeld } from './apply-join';
import { AttemptRunner, type Landing } from './attempt-runner';
import type { SessionEventMap } from './events';
import type { SessionInternals } from './internals';
import type { AttemptMode, Effect, MachineEvent } from './machine';
import { createMediaHost } from './media-host';
import { NamedTimers } from './named-timers';
import { DEFAULT_GRACE_MS, LEAVE_TIMEOUT_MS, type ResolvedSessionOptions } from './resolve-options';
import { signalTargets } from './retarget';
import { Roster } from './roster';
import { routeServerEvent } from './server-event-router';
import type { Session, SignalOptions } from './session';
import { isOutOfSession, type SessionState } from './state';
import { createTransition, type TransitionFn } from './transitions';
import { UpWaiters } from './up-waiters';

type Queued = { event: MachineEvent; landing: Landing | null };
type RunnableEffect = Exclude<Effect, { type: 'adopt' }>;
type EffectRunners = { [T in RunnableEffect['type']]: (effect: Extract<Effect, { type: T }>) => void };

/**
 * The session: holds the state, feeds events to the pure transition function and runs the effects it
 * returns (sockets, timers, media calls, events). Nothing else changes the state.
 */
export class SessionRuntime implements Session {
  readonly sessionId: string;
  readonly identity: string;
  readonly #opts: ResolvedSessionOptions;
  readonly #internals: SessionInternals;
  readonly #emitter = new Emitter<SessionEventMap>();
  readonly #transition: TransitionFn;
  readonly #roster: Roster;
  readonly #media: MediaPlane;
  /** `online` / visibility subscriptions, held only while a membership exists. */
  #environmentDisposers: Disposer[] = [];
  readonly #upWaiters = new UpWaiters();
  readonly #timers: NamedTimers<'retry' | 'giveUp' | 'releaseHeld'>;
  readonly #attempts: AttemptRunner;
  #state: SessionState = { status: 'idle' };
  #queue: Queued[] = [];
  #dispatching = false;
  #channel: SignalingChannel | null = null;
  #connectionId: string | null = null;
  #join: Deferred | null = null;
  #leaving: Promise<void> = Promise.resolve();
  #destroyed = false;

  constructor(options: ResolvedSessionOptions, internals: SessionInternals = {}) {
    this.#opts = options;
    this.#internals = internals;
    this.sessionId = options.sessionId;
    this.identity = options.identity;
    this.#transition = createTransition(options.reconnect);
    this.#timers = new NamedTimers(options.clock);
    this.#attempts = new AttemptRunner({
      channel: () => this.#channel,
      getToken: () => options.getToken(options.sessionId, { identity: options.identity }),
      now: () => this.#now(),
      random: options.random,
      graceMs: () => this.#graceMs(),
      log: options.log,
      dispatch: (event, landing) => this.#dispatch(event, landing),
    });
    this.#roster = new Roster(options.identity);
    const host = createMediaHost({
      identity: options.identity,
      clock: options.clock,
      random: options.random,
      settings: options.media,
      log: options.log,
      emit: (event, payload) => this.#emitter.emit(event, payload),
      whenSignalingUp: (signal) => this.#whenSignalingUp(signal),
      roster: this.#roster,
      connectionId: () => this.connectionId,
      isSignalingUp: () => this.#isSignalingUp(),
      send: (msg) => this.#send(msg),
    });
    this.#media = (internals.mediaPlaneFactory ?? createMeshMediaPlane)(host);
  }

  get state(): SessionState {
    return this.#state;
  }

  get connectionId(): string | null {
    return this.#connectionId;
  }

  get participants(): ReadonlyMap<string, Participant> {
    return this.#roster.participants;
  }

  get streams(): ReadonlyMap<string, RemoteStream> {
    return this.#media.streams;
  }

  get localStream(): LocalStream | null {
    return this.#media.localStream;
  }

  join(): Promise<void> {
    if (this.#destroyed)
      return Promise.reject(new HoldfastError('SESSION_DESTROYED', 'the session was destroyed'));
    if (!isOutOfSession(this.#state.status)) return this.#join?.promise ?? Promise.resolve();
    const join = deferred();
    this.#join = join;
    this.#dispatch({ type: 'join', now: this.#now() });
    return join.promise;
  }

  leave(): Promise<void> {
    this.#dispatch({ type: 'leave', now: this.#now() });
    // Called from an event handler, the leave is queued behind the running transition: read the
    // promise once it has been processed.
    return Promise.resolve().then(() => this.#leaving);
  }

  reconnectNow(): void {
    this.#dispatch({ type: 'retryNow', now: this.#now() });
  }

  signal(options: SignalOptions): Promise<void> {
    // `data` is required on the wire (JSON drops `undefined`): no data travels as null.
    const msg: ClientMessage = { kind: 'signal', type: options.type, data: options.data ?? null };
    if (options.to !== undefined) msg.to = [...options.to];
    return this.#send(msg, signalTargets(msg, this.#roster)).catch((error: unknown) => {
      if (error instanceof HoldfastError && error.protocolError) {
        this.#emitter.emit('exception', {
          name: 'SIGNAL_REJECTED',
          message: error.message,
          origin: null,
          error: error.protocolError,
        });
      }
      throw error;
    });
  }

  forceDisconnect(connectionId: string): Promise<void> {
    return this.#send({ kind: 'forceDisconnect', connectionId });
  }

  publish(options?: PublishOptions): Promise<LocalStream> {
    return this.#media.publish(options);
  }

  unpublish(): Promise<void> {
    return this.#media.unpublish();
  }

  setMediaEnabled(kind: 'audio' | 'video', enabled: boolean): void {
    this.#media.setMediaEnabled(kind, enabled);
  }

  on<K extends keyof SessionEventMap>(event: K, handler: (payload: SessionEventMap[K]) => void): Disposer {
    return this.#emitter.on(event, handler);
  }

  once<K extends keyof SessionEventMap>(event: K, handler: (payload: SessionEventMap[K]) => void): Disposer {
    return this.#emitter.once(event, handler);
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#dispatch({ type: 'leave', now: this.#now() });
    this.#destroyed = true;
    this.#attempts.stop();
    this.#unwatchEnvironment();
    this.#timers.clearAll();
    this.#media.destroy();
    this.#emitter.clear();
  }

  #now(): number {
    return this.#opts.clock.now();
  }

  #graceMs(): number {
    return this.#channel?.timing?.graceMs ?? DEFAULT_GRACE_MS;
  }

  #dispatch(event: MachineEvent, landing: Landing | null = null): void {
    if (this.#destroyed) {
      landing?.socket.close('session destroyed');
      return;
    }
    this.#queue.push({ event, landing });
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let item = this.#queue.shift(); item; item = this.#queue.shift()) this.#step(item);
    } finally {
      this.#dispatching = false;
    }
  }

  #step({ event, landing }: Queued): void {
    const previous = this.#state;
    const { state, effects } = this.#transition(previous, event);
    this.#state = state;
    if (state !== previous) {
      this.#opts.log('debug', `session ${previous.status} → ${state.status}`, { event: event.type });
      this.#emitter.emit('stateChanged', { state, previous });
    }
    let adopted = false;
    for (const effect of effects) {
      try {
        if (effect.type === 'adopt') adopted = this.#adopt(effect.mode, landing, previous);
        else this.#run(effect as RunnableEffect);
      } catch (error) {
        this.#opts.log('error', `effect ${effect.type} failed`, { error: String(error) });
      }
    }
    // A successful attempt the machine did not take (the state moved on) is a stale result: drop it.
    if (landing && !adopted) landing.socket.close('stale attempt');
    if (state !== previous) this.#settleUpWaiters(state);
  }

  readonly #runners: EffectRunners = {
    openChannel: () => this.#openChannel(),
    startAttempt: (effect) => this.#attempts.start(effect.mode, effect.moveTo),
    abortAttempt: () => this.#attempts.abort(),
    scheduleRetry: (effect) =>
      this.#timers.setAt('retry', effect.at, () => this.#dispatch({ type: 'retryTimer', now: this.#now() })),
    cancelRetry: () => this.#timers.clear('retry'),
    scheduleGiveUp: (effect) =>
      this.#timers.setAt('giveUp', effect.at, () =>
        this.#dispatch({ type: 'giveUpTimer', now: this.#now() }),
      ),
    cancelGiveUp: () => this.#timers.clear('giveUp'),
    flushOutbox: () => this.#channel?.startSending(),
    releaseInbound: () => this.#channel?.releaseInbound(),
    dropSocket: () => this.#channel?.dropSocket(),
    endChannel: (effect) => this.#endChannel(effect.leave, HoldfastError.fromData(effect.error)),
    mediaSignalingLost: () => this.#media.onSignalingLost(),
    mediaSignalingRestored: (effect) =>
      this.#media.onSignalingRestored({
        downtimeMs: effect.downtimeMs,
        addressChanged: this.#channel?.addressChanged ?? false,
      }),
    mediaRejoining: (effect) => this.#media.onRejoining(effect.cause),
    closeMedia: (effect) => this.#media.close(effect.reason),
    settleJoin: (effect) => {
      const join = this.#join;
      this.#join = null;
      if (!join) return;
      if (effect.error === null) join.resolve();
      else join.reject(HoldfastError.fromData(effect.error));
    },
    emit: (effect) => this.#emitter.emit(effect.event, effect.payload as never),
  };

  #run(effect: RunnableEffect): void {
    // Each runner is typed for its own effect in #runners; only this lookup is untyped.
    const runner = this.#runners[effect.type] as (effect: RunnableEffect) => void;
    runner(effect);
  }

  #openChannel(): void {
    this.#channel?.close({
      leave: false,
      timeoutMs: 0,
      error: new HoldfastError('SESSION_ENDED', 'replaced'),
    });
    this.#roster.clear();
    this.#timers.clear('releaseHeld');
    this.#connectionId = null;
    this.#watchEnvironment();
    const channel: SignalingChannel = new SignalingChannel({
      // The server URL, path, session id, identity and clock, as resolved.
      ...this.#opts,
      socketFactory: this.#internals.socketFactory ?? ioSocketFactory,
      attemptTimeoutMs: this.#opts.reconnect.attemptTimeoutMs,
      onEvent: (event) => {
        if (this.#channel !== channel || !this.#isSignalingUp()) return;
        routeServerEvent(event, {
          roster: this.#roster,
          media: this.#media,
          emit: (name, payload) => this.#emitter.emit(name, payload),
          onServerEnded: (reason) => this.#serverEnded(reason),
        });
      },
      onErrorNotice: (notice) =>
        this.#emitter.emit('exception', {
          name: 'PROTOCOL_ERROR',
          message: notice.message,
          origin: null,
          error: notice,
        }),
      onMove: (notice) => {
        if (this.#channel !== channel) return;
        if (!this.#opts.sessionMigration) {
          this.#opts.log('warn', 'move notice ignored: sessionMigration is off', { nodeId: notice.nodeId });
          return;
        }
        this.#opts.log('info', 'session moved', { nodeId: notice.nodeId, url: notice.url });
        this.#dispatch({ type: 'moveOrdered', now: this.#now(), ...notice });
      },
      onProtocolError: (message) => {
        this.#opts.log('warn', 'protocol error', { message });
        this.#emitter.emit('exception', { name: 'PROTOCOL_ERROR', message, origin: null });
      },
      onLost: (reason) => {
        if (this.#channel !== channel) return;
        this.#opts.log('info', 'signaling lost', { reason });
        const holdMs = this.#channel?.timing?.holdMs;
        this.#dispatch({
          type: 'signalingLost',
          now: this.#now(),
          graceMs: this.#graceMs(),
          ...(holdMs === undefined ? {} : { holdMs }),
        });
      },
    });
    this.#channel = channel;
  }

  /**
   * While a member: retry at once when the device comes back online or the page becomes visible, and
   * leave when the page goes away (with `leaveOnPageHide`): the leave message goes out before the page
   * unloads, so the others see `disconnect` at once rather than a network loss held for the grace.
   */
  #watchEnvironment(): void {
    if (this.#environmentDisposers.length > 0) return;
    const environment = this.#internals.environment ?? browserEnvironment();
    const retry = () => this.reconnectNow();
    const online = () => {
      this.reconnectNow();
      this.#media.onNetworkChanged();
    };
    this.#environmentDisposers = [environment.onOnline(online), environment.onVisible(retry)];
    if (this.#opts.leaveOnPageHide) {
      const pageHidden = () => {
        this.#opts.log('info', 'page going away: leaving', {});
        void this.leave().catch(() => {});
      };
      this.#environmentDisposers.push(environment.onPageHide(pageHidden));
    }
  }

  #unwatchEnvironment(): void {
    for (const dispose of this.#environmentDisposers.splice(0)) dispose();
  }

  #serverEnded(reason: DisconnectReason): void {
    this.#dispatch({ type: 'serverEnded', now: this.#now(), reason, graceMs: this.#graceMs() });
  }

  #adopt(mode: AttemptMode, landing: Landing | null, previous: SessionState): boolean {
    const channel = this.#channel;
    if (!landing || !channel) return false;
    channel.adopt(landing.socket, landing.outcome);
    if (landing.outcome.kind !== 'joined') return true;
    const reply = landing.outcome.reply;
    this.#connectionId = reply.connectionId;
    const cause = previous.status === 'rejoining' ? previous.cause : 'networkDisconnect';
    const deps = {
      roster: this.#roster,
      media: this.#media,
      emit: <K extends keyof SessionEventMap>(event: K, payload: SessionEventMap[K]) =>
        this.#emitter.emit(event, payload),
    };
    applyJoinAnswer(reply, mode === 'rejoin' ? 'rejoin' : 'join', cause, { channel, ...deps });
    // Those a re-join holds get the server's eviction grace to come back, as if they had lost signaling.
    if (mode === 'rejoin')
      this.#timers.setAt('releaseHeld', this.#now() + this.#graceMs(), () => releaseHeld(cause, deps));
    return true;
  }

  #endChannel(leave: boolean, error: HoldfastError): void {
    const channel = this.#channel;
    this.#channel = null;
    this.#unwatchEnvironment();
    this.#roster.clear();
    this.#timers.clear('releaseHeld');
    if (!channel) return;
    this.#leaving = channel.close({ leave, timeoutMs: LEAVE_TIMEOUT_MS, error });
  }

  #send(msg: ClientMessage, meta?: unknown): Promise<void> {
    if (!this.#channel || isOutOfSession(this.#state.status)) {
      return Promise.reject(new HoldfastError('NOT_JOINED', 'join the session first'));
    }
    return this.#channel.send(msg, meta);
  }

  #isSignalingUp(): boolean {
    const status = this.#state.status;
    return (status === 'connected' || status === 'migrating') && (this.#channel?.isUp ?? false);
  }

  #whenSignalingUp(signal?: AbortSignal): Promise<void> {
    if (this.#isSignalingUp()) return Promise.resolve();
    if (this.#destroyed || isOutOfSession(this.#state.status)) {
      return Promise.reject(new HoldfastError('SESSION_ENDED', 'the session is not joined'));
    }
    return this.#upWaiters.wait(signal);
  }

  #settleUpWaiters(state: SessionState): void {
    if (state.status === 'connected') this.#upWaiters.release();
    else if (isOutOfSession(state.status)) this.#upWaiters.fail();
  }
}
