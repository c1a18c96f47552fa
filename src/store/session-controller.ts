import { type Clock, systemClock } from '../core/clock';
import { type Disposer, Emitter } from '../core/emitter';
import type { LocalStream, PublishOptions } from '../core/media/types';
import type { SessionEventMap } from '../core/session/events';
import type { Session, SignalOptions } from '../core/session/session';
import { SESSION_EVENT_NAMES } from '../core/session/session-event-names';
import { isOutOfSession } from '../core/session/state';
import { bindSessionToStore, readSessionIntoState } from './bind-session-to-store';
import { createSessionStore, type SessionStore } from './create-session-store';

/** Options of {@link SessionController}. */
export interface SessionControllerOptions {
  /** Creates the session this controller owns (joins, leaves and destroys it). Called on first mount only. */
  createSession?: () => Session;
  /** An app-owned session: shown and driven, but never joined on mount nor destroyed by the controller. */
  session?: Session;
  /** Time source for the store and the elapsed-time displays. @default the system clock */
  clock?: Clock;
  /** How long the reconnect phase stays `recovered`. @default 3000 */
  recoveredVisibleMs?: number;
  /** Receives errors of the joins and publishes the controller starts by itself. @default console.error */
  onError?: (error: unknown) => void;
  /**
   * What every join publishes until {@link SessionController.setConnect} says otherwise (a child may
   * join in its first effect, before the provider's own effects run). @default null (nothing)
   */
  publish?: PublishOptions | null;
}

const noSession = (action: string) =>
  new Error(`holdfast: ${action}() has no session yet (the provider creates it when it mounts in a browser)`);

/**
 * What a `SessionProvider` holds: one store and, while mounted, one session bound to it. Like TanStack
 * Query's client, it owns the lifecycle and the provider only mounts and unmounts it. A release is
 * deferred by a microtask and cancelled by a re-mount, so React StrictMode's mount → unmount → mount
 * keeps the same session and its single connection.
 */
export class SessionController {
  readonly store: SessionStore;
  readonly clock: Clock;
  readonly #options: SessionControllerOptions;
  readonly #relay = new Emitter<SessionEventMap>();
  readonly #sessionListeners = new Set<() => void>();
  #session: Session | null;
  #disposers: Disposer[] = [];
  #mounts = 0;
  #releaseToken = 0;
  #wantConnected = false;
  /** The provider's `publish` settings. */
  #publish: PublishOptions | null = null;
  /**
   * What the app asked for since: the settings of its last `publish()`, or null after `unpublish()`;
   * undefined while it follows the provider's settings.
   */
  #intent: PublishOptions | null | undefined = undefined;
  /** The publish a join started, while it runs. */
  #autoPublish: Promise<void> | null = null;
  /**
   * The user's last camera / microphone choice (`setMediaEnabled`, an explicit `publishVideo` /
   * `publishAudio`): every later publish of this controller keeps it, so a camera turned off stays off
   * through Leave → Join and the banner's Rejoin.
   */
  readonly #enabled: { audio?: boolean; video?: boolean } = {};

  constructor(options: SessionControllerOptions) {
    if (!options.session && !options.createSession)
      throw new Error('holdfast: give a session or a way to create one');
    this.#options = options;
    this.#publish = options.publish ?? null;
    this.clock = options.clock ?? systemClock;
    this.store = createSessionStore();
    this.#session = options.session ?? null;
    // Pure: an app-owned session shows in the very first render (and on a server render).
    if (this.#session)
      this.store.setState(readSessionIntoState(this.store.getState(), this.#session, this.#context()), true);
  }

  /** The bound session, or null before the first mount (and during a server render). */
  get session(): Session | null {
    return this.#session;
  }

  /** True when this controller created the session (and so destroys it). */
  get ownsSession(): boolean {
    return !this.#options.session;
  }

  /** For `useSyncExternalStore`: notified when {@link session} changes. */
  readonly subscribeSession = (listener: () => void): Disposer => {
    this.#sessionListeners.add(listener);
    return () => {
      this.#sessionListeners.delete(listener);
    };
  };

  readonly getSession = (): Session | null => this.#session;

  /** The provider mounted: cancels a pending release, or creates and binds the session. */
  mount(): void {
    this.#mounts += 1;
    this.#releaseToken += 1;
    if (this.#disposers.length > 0) return;
    let session = this.#session;
    if (!session) {
      session = (this.#options.createSession as () => Session)();
      this.#setSession(session);
    }
    this.#disposers.push(bindSessionToStore(session, this.store, this.#context()));
    for (const name of SESSION_EVENT_NAMES) {
      this.#disposers.push(session.on(name, (payload) => this.#relay.emit(name, payload as never)));
    }
    if (this.#wantConnected) this.#connect();
  }

  /** The provider unmounted: releases after a microtask unless it mounts again first. */
  unmount(): void {
    this.#mounts = Math.max(0, this.#mounts - 1);
    if (this.#mounts > 0) return;
    const token = ++this.#releaseToken;
    queueMicrotask(() => {
      if (token === this.#releaseToken && this.#mounts === 0) this.#release();
    });
  }

  /**
   * Whether an owned session should be in the call (and what to publish once it is). Joins or leaves
   * accordingly; an app-owned session is never joined or left by this.
   */
  setConnect(connect: boolean, publish: PublishOptions | null): void {
    this.#publish = publish;
    this.#intent = undefined;
    const changed = this.#wantConnected !== connect;
    this.#wantConnected = connect;
    if (!this.ownsSession || !this.#session || this.#disposers.length === 0) return;
    if (connect) this.#connect();
    else if (changed) void this.#session.leave().catch(this.reportError);
  }

  /** Subscribes to a session event, across session changes; returns the disposer. */
  on<K extends keyof SessionEventMap>(event: K, handler: (payload: SessionEventMap[K]) => void): Disposer {
    return this.#relay.on(event, handler);
  }

  /** Joins, then publishes what the app asked for (the provider's settings or its last `publish()`). */
  readonly join = (): Promise<void> => this.#with('join', (s) => this.#joinAndPublish(s));
  readonly leave = (): Promise<void> => this.#with('leave', (s) => s.leave());
  readonly publish = (options?: PublishOptions): Promise<LocalStream> =>
    this.#with('publish', (s) => {
      if (options?.publishAudio !== undefined) this.#enabled.audio = options.publishAudio;
      if (options?.publishVideo !== undefined) this.#enabled.video = options.publishVideo;
      const settings = options ?? this.#publish ?? {};
      this.#intent = settings;
      return s.publish(this.#withChoices(settings));
    });
  readonly unpublish = (): Promise<void> =>
    this.#with('unpublish', (s) => {
      this.#intent = null;
      return s.unpublish();
    });
  /**
   * What every join publishes: the app's last choice, else the provider's settings (null: nothing),
   * with the camera and microphone on or off as the user last set them.
   */
  get publishSettings(): PublishOptions | null {
    const settings = this.#intent === undefined ? this.#publish : this.#intent;
    return settings && this.#withChoices(settings);
  }
  readonly signal = (options: SignalOptions): Promise<void> => this.#with('signal', (s) => s.signal(options));
  readonly reconnectNow = (): void => {
    this.#session?.reconnectNow();
  };
  readonly setMediaEnabled = (kind: 'audio' | 'video', enabled: boolean): void => {
    this.#enabled[kind] = enabled;
    this.#session?.setMediaEnabled(kind, enabled);
  };

  /** `settings` with the user's camera / microphone choices applied. */
  #withChoices(settings: PublishOptions): PublishOptions {
    const { audio, video } = this.#enabled;
    if (audio === undefined && video === undefined) return settings;
    return {
      ...settings,
      ...(audio === undefined ? {} : { publishAudio: audio }),
      ...(video === undefined ? {} : { publishVideo: video }),
    };
  }

  #context() {
    return {
      clock: this.clock,
      now: this.clock.now(),
      recoveredVisibleMs: this.#options.recoveredVisibleMs ?? 3000,
    };
  }

  #with<T>(action: string, run: (session: Session) => Promise<T>): Promise<T> {
    const session = this.#session;
    return session ? run(session) : Promise.reject(noSession(action));
  }

  /**
   * Hands `error` to the provider's `onError`: the joins and publishes the controller starts, and a
   * component's own action that failed (a toggle's publish).
   */
  readonly reportError = (error: unknown): void => {
    (this.#options.onError ?? ((e: unknown) => console.error('[holdfast]', e)))(error);
  };

  #setSession(session: Session | null): void {
    this.#session = session;
    for (const listener of [...this.#sessionListeners]) listener();
  }

  #connect(): void {
    const session = this.#session;
    if (!session || !this.ownsSession) return;
    if (!isOutOfSession(session.state.status)) return;
    this.#joinAndPublish(session).catch((error: unknown) => {
      // A failed join shows in the store (`disconnected` with its reason); only report it.
      if (this.#session === session) this.reportError(error);
    });
  }

  /**
   * Every join (on mount, `join()`, the banner's Rejoin) publishes what the app asked for, unless the
   * session still publishes (a re-join keeps its stream). The camera opens while the join is in flight,
   * so the stream is there when the links are built and rides their first offers (no renegotiation
   * once joined: a returning participant's video is back sooner). A failed publish is reported once
   * the join is through, not thrown: the join itself worked. One that failed with the join is not: the
   * join's error says it.
   */
  async #joinAndPublish(session: Session): Promise<void> {
    const joined = session.join();
    // Not joining (refused, or queued behind a running transition): publish once joined.
    const started = !isOutOfSession(session.state.status) && this.#startAutoPublish(session, joined);
    await joined;
    // Settings that came during the join publish now.
    if (!started) this.#startAutoPublish(session, joined);
    await this.#autoPublish;
  }

  /** Starts publishing the settings unless there are none or it publishes already; true if it does. */
  #startAutoPublish(session: Session, joined: Promise<void>): boolean {
    const settings = this.publishSettings;
    // Two joins at once (mount and a click) publish once.
    if (this.#autoPublish) return true;
    if (!settings || this.#session !== session || session.localStream) return false;
    const publishing = session
      .publish(settings)
      .then(
        (local) => this.#reportMissing(settings, local),
        async (error: unknown) => {
          const joinWorked = await joined.then(
            () => true,
            () => false,
          );
          if (joinWorked && this.#session === session && session.state.status === 'connected')
            this.reportError(error);
        },
      )
      .finally(() => {
        if (this.#autoPublish === publishing) this.#autoPublish = null;
      });
    this.#autoPublish = publishing;
    return true;
  }

  /** A camera or microphone asked for that did not open (the stream went out without it) goes to onError. */
  #reportMissing(settings: PublishOptions, local: LocalStream): void {
    if (settings.mediaStream) return;
    const missing = [
      settings.audio !== false && !local.properties.hasAudio ? 'microphone' : null,
      settings.video !== false && !local.properties.hasVideo ? 'camera' : null,
    ].filter((device) => device !== null);
    if (missing.length > 0)
      this.reportError(
        new Error(`holdfast: the ${missing.join(' and ')} could not be opened; publishing without it`),
      );
  }

  #release(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
    if (this.ownsSession && this.#session) {
      this.#session.destroy();
      this.#setSession(null);
    }
  }
}
