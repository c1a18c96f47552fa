import { io, type Socket } from 'socket.io-client';
import { giveUpAfter, resolveReconnectPolicy } from '../../src/core/session/resolve-options';
import { retryDelay } from '../../src/core/signaling/backoff';
import {
  DEFAULT_SOCKET_PATH,
  type JoinReply,
  type JoinSuccess,
  PROTOCOL_VERSION,
  type ProtocolError,
  type ResumeReply,
  type ServerEnvelope,
  WIRE,
} from '../../src/protocol';

/** Where a load client finds the server and its backend. */
export interface LoadTarget {
  url: string;
  secret: string;
}

/** How one recovery (or first join) ended, and when (epoch ms). */
export interface Recovery {
  outcome: 'joined' | 'resumed' | 'rejoined' | 'evicted' | 'gaveUp' | 'failed';
  at: number;
  /** `OVERLOADED` answers on the way. */
  overloaded: number;
  /** Why the last failed attempt failed, if one did. */
  lastFailure?: string;
}

/**
 * The client core's defaults: backoff, attempt timeout, give-up at grace + 10 s (a first join, a re-join),
 * or for a resume as long as the server said it may hold the place (`timing.holdMs`) when that is longer.
 */
const POLICY = resolveReconnectPolicy();
const GRACE_MS = 12_000;
const GIVE_UP_AFTER_MS = giveUpAfter(POLICY, GRACE_MS);
/** How long the app backend's token route may take (the core itself puts no bound on `getToken`). */
const TOKEN_TIMEOUT_MS = 10_000;
/** Attempts of one recovery, whatever happens (a bound, far above what the policy reaches). */
const MAX_ATTEMPTS = 400;

type Answer =
  | { kind: 'ok'; reply: JoinSuccess | (ResumeReply & { ok: true }) }
  | { kind: 'refused'; error: ProtocolError; bootId: string | undefined }
  | { kind: 'failed'; why: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A headless protocol client that follows the client core's recovery policy: resume inside the grace
 * with the core's backoff (250 ms doubling, 1 s cap, half jitter), never before an `OVERLOADED`
 * answer's `retryAfterMs` (and moving its give-up past that slot, as the session machine does),
 * re-join with a fresh token when the node restarted, give up 22 s after the loss otherwise (a resume: as long as the server may hold the place, `timing.holdMs`).
 */
export class LoadClient {
  readonly #target: LoadTarget;
  readonly sessionId: string;
  readonly identity: string;
  #socket: Socket | null = null;
  #joined: JoinSuccess | null = null;
  #lastSeq = 0;

  constructor(target: LoadTarget, sessionId: string, identity: string) {
    this.#target = target;
    this.sessionId = sessionId;
    this.identity = identity;
  }

  /** This membership's connection id, once joined. */
  get connectionId(): string | undefined {
    return this.#joined?.connectionId;
  }

  /** The live socket, once joined. */
  get socket(): Socket | null {
    return this.#socket;
  }

  /** Joins (first time), honouring `OVERLOADED`. */
  join(): Promise<Recovery> {
    return this.#recover('join', Date.now());
  }

  /** Cuts the transport at once (the server sees it close), then recovers. */
  dropAndRecover(): Promise<Recovery> {
    const lostAt = Date.now();
    this.#socket?.io.engine.close();
    this.#socket = null;
    return this.#recover('resume', lostAt);
  }

  /** Waits for the live socket to drop by itself, then recovers; null if it never drops in `boundMs`. */
  async recoverWhenLost(boundMs: number): Promise<Recovery | null> {
    const socket = this.#socket;
    if (!socket) return null;
    const lost = await new Promise<boolean>((resolve) => {
      if (!socket.connected) return resolve(true);
      const timer = setTimeout(() => resolve(false), boundMs);
      socket.once('disconnect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!lost) return null;
    this.#socket = null;
    return this.#recover('resume', Date.now());
  }

  close(): void {
    this.#socket?.disconnect();
    this.#socket = null;
  }

  async #recover(first: 'join' | 'resume', lostAt: number): Promise<Recovery> {
    let mode: 'join' | 'resume' | 'rejoin' = first;
    let giveUpAt =
      lostAt +
      (first === 'resume' ? giveUpAfter(POLICY, GRACE_MS, this.#joined?.timing.holdMs) : GIVE_UP_AFTER_MS);
    let overloaded = 0;
    let lastFailure: string | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      if (Date.now() >= giveUpAt) return { outcome: 'gaveUp', at: Date.now(), overloaded, lastFailure };
      const startedAt = Date.now();
      const answer = mode === 'resume' ? await this.#resume() : await this.#join();
      if (answer.kind === 'ok') {
        const outcome = mode === 'join' ? 'joined' : mode === 'resume' ? 'resumed' : 'rejoined';
        return { outcome, at: Date.now(), overloaded };
      }
      if (answer.kind === 'failed') lastFailure = answer.why;
      // As the session machine: a first join and a resume inside the grace keep the short cap.
      const inGrace = mode === 'join' || (mode === 'resume' && Date.now() < lostAt + GRACE_MS);
      let waitUntil = startedAt + retryDelay(attempt, inGrace, POLICY, Math.random());
      if (answer.kind === 'refused') {
        const { code, retryAfterMs } = answer.error;
        if (code === 'OVERLOADED' && retryAfterMs !== undefined) {
          overloaded += 1;
          waitUntil = Math.max(waitUntil, Date.now() + retryAfterMs);
          giveUpAt = Math.max(giveUpAt, waitUntil + 2 * POLICY.attemptTimeoutMs);
        } else if (
          mode === 'resume' &&
          (code === 'CONNECTION_NOT_FOUND' || code === 'SESSION_NOT_FOUND') &&
          answer.bootId !== this.#joined?.node.bootId
        ) {
          mode = 'rejoin';
          giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
          continue;
        } else if (!['RATE_LIMITED', 'INTERNAL', 'OVERLOADED'].includes(code)) {
          return { outcome: mode === 'resume' ? 'evicted' : 'failed', at: Date.now(), overloaded };
        }
      }
      await sleep(Math.min(waitUntil, giveUpAt) - Date.now());
    }
    return { outcome: 'gaveUp', at: Date.now(), overloaded, lastFailure };
  }

  async #join(): Promise<Answer> {
    let token: string;
    try {
      await this.#rest('/api/sessions', { customSessionId: this.sessionId });
      token = (
        (await this.#rest(`/api/sessions/${this.sessionId}/connections`, { identity: this.identity })) as {
          token: string;
        }
      ).token;
    } catch (error) {
      return { kind: 'failed', why: `rest: ${String(error)}` };
    }
    const request = { v: PROTOCOL_VERSION, sessionId: this.sessionId, token, identity: this.identity };
    const answer = await this.#request<JoinReply>(WIRE.join, request);
    if (answer.kind === 'ok') {
      this.#joined = answer.reply as JoinSuccess;
      this.#lastSeq = 0;
    }
    return answer;
  }

  #resume(): Promise<Answer> {
    const joined = this.#joined;
    if (!joined) return Promise.resolve({ kind: 'failed', why: 'never joined' });
    return this.#request<ResumeReply>(WIRE.resume, {
      v: PROTOCOL_VERSION,
      sessionId: joined.sessionId,
      connectionId: joined.connectionId,
      resumeSecret: joined.resumeSecret,
      lastSeq: this.#lastSeq,
    });
  }

  /**
   * One attempt: a new socket, one acknowledged request; the socket is kept only on success. As the
   * client core's attempt, the whole of it (connect and answer) is bounded by the attempt timeout, and
   * a socket closed before it connected is a failed attempt.
   */
  async #request<T extends JoinReply | ResumeReply>(event: string, payload: unknown): Promise<Answer> {
    const deadline = Date.now() + POLICY.attemptTimeoutMs;
    const socket = io(this.#target.url, {
      path: DEFAULT_SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: POLICY.attemptTimeoutMs,
    });
    socket.on(WIRE.evt, (envelope: ServerEnvelope) => {
      this.#lastSeq = Math.max(this.#lastSeq, envelope.seq);
    });
    try {
      // As the client core: a handshake refused with a reason (`connect_error` data) is a refusal.
      const connected = await new Promise<true | { data?: ProtocolError; why?: string }>((resolve) => {
        const timer = setTimeout(() => resolve({ why: 'attempt timed out' }), POLICY.attemptTimeoutMs);
        const settle = (outcome: true | { data?: ProtocolError; why?: string }) => {
          clearTimeout(timer);
          resolve(outcome);
        };
        socket.once('connect', () => settle(true));
        socket.once('connect_error', (error: { data?: ProtocolError }) => settle(error));
        socket.once('disconnect', (reason: string) => settle({ why: `closed before connecting: ${reason}` }));
      });
      if (connected !== true) {
        socket.disconnect();
        if (connected.data?.code) return { kind: 'refused', error: connected.data, bootId: undefined };
        return { kind: 'failed', why: connected.why ?? 'connect failed' };
      }
      const left = Math.max(1, deadline - Date.now());
      const reply = (await socket.timeout(left).emitWithAck(event, payload)) as T;
      if (reply.ok) {
        this.#socket = socket;
        return { kind: 'ok', reply: reply as JoinSuccess };
      }
      socket.disconnect();
      return { kind: 'refused', error: reply.error, bootId: reply.node?.bootId };
    } catch (error) {
      socket.disconnect();
      return { kind: 'failed', why: String(error) };
    }
  }

  async #rest(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.#target.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#target.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }
}
