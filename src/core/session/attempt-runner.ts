import { errorMessage } from '../errors';
import type { AttemptOutcome } from '../signaling/attempt';
import type { SignalingChannel } from '../signaling/channel';
import type { SocketLife } from '../signaling/socket-life';
import type { AttemptMode, MachineEvent } from './machine';
import type { Logger } from './resolve-options';

/** A successful attempt waiting to be adopted (or dropped) by the session. */
export interface Landing {
  socket: SocketLife;
  outcome: AttemptOutcome;
}

/** What an {@link AttemptRunner} needs from its session. */
export interface AttemptRunnerDeps {
  /** The current membership's channel (attempts of an older channel are stale). */
  channel(): SignalingChannel | null;
  /** The app's `getToken` for this session id. */
  getToken(): Promise<string>;
  now(): number;
  random(): number;
  /** The server's grace as last announced. */
  graceMs(): number;
  log: Logger;
  /** Feeds an attempt's result to the state machine. */
  dispatch(event: MachineEvent, landing: Landing | null): void;
}

/**
 * Runs connect attempts one at a time: each gets a new epoch, and starting or aborting one makes
 * every older one stale, so a late result (a token, an answer) is dropped instead of acted on.
 * Owns the join token: keeps it for the retries of one join on one channel and fetches a fresh one
 * for every new membership (a new channel), after a join succeeded or was refused, for a retry after a
 * join that reached the server unanswered (it may have used the token up), and for every attempt of a
 * re-join (in a cluster, each new token names the node the session is placed on).
 */
export class AttemptRunner {
  readonly #deps: AttemptRunnerDeps;
  #epoch = 0;
  #abort: AbortController | null = null;
  /** The join token and the channel (membership) it was fetched for. */
  #token: { channel: SignalingChannel; token: string } | null = null;
  #stopped = false;

  constructor(deps: AttemptRunnerDeps) {
    this.#deps = deps;
  }

  /** Abandons the attempt in flight, then starts a new one (`moveTo`: the node a `migrate` resumes at). */
  start(mode: AttemptMode, moveTo?: string): void {
    this.abort();
    const abort = new AbortController();
    this.#abort = abort;
    void this.#run(mode, this.#epoch, abort.signal, moveTo);
  }

  /** Abandons the attempt in flight (its result will be dropped). */
  abort(): void {
    this.#epoch += 1;
    this.#abort?.abort();
    this.#abort = null;
  }

  /** Aborts and refuses to run again. */
  stop(): void {
    this.#stopped = true;
    this.abort();
  }

  /** The token a retry of the join on `channel` may reuse (none for another membership). */
  #keptToken(channel: SignalingChannel): string | null {
    return this.#token?.channel === channel ? this.#token.token : null;
  }

  /** The next join fetches a new token. The only place the token is dropped. */
  #forgetToken(): void {
    this.#token = null;
  }

  async #run(mode: AttemptMode, epoch: number, signal: AbortSignal, moveTo?: string): Promise<void> {
    const deps = this.#deps;
    const channel = deps.channel();
    if (!channel) return;
    const startedAt = deps.now();
    const current = () => epoch === this.#epoch && channel === deps.channel() && !this.#stopped;
    let token: string | undefined;
    if (mode === 'join' || mode === 'rejoin') {
      try {
        // A re-join asks for a new token every time: in a cluster each names the node to go to.
        token = (mode === 'join' ? this.#keptToken(channel) : null) ?? (await deps.getToken());
        if (typeof token !== 'string' || token.length === 0) throw new Error('getToken returned no token');
      } catch (error) {
        if (!current()) return;
        const message = `getToken failed: ${errorMessage(error)}`;
        deps.dispatch(
          { type: 'tokenFailed', now: deps.now(), random: deps.random(), startedAt, message },
          null,
        );
        return;
      }
      if (!current()) return;
      this.#token = { channel, token };
    }
    const { outcome, socket } = await channel.attempt(token, signal, moveTo);
    if ((outcome.kind === 'failed' || outcome.kind === 'aborted') && outcome.requestSent) this.#forgetToken();
    if (!current()) {
      socket.close('stale attempt');
      return;
    }
    const now = deps.now();
    switch (outcome.kind) {
      case 'joined':
      case 'resumed':
        if (outcome.kind === 'joined') this.#forgetToken();
        deps.dispatch(
          { type: outcome.kind, now, connectionId: outcome.reply.connectionId },
          { socket, outcome },
        );
        return;
      case 'refused': {
        this.#forgetToken();
        const joinedBoot = channel.node?.bootId;
        const nodeRestarted =
          joinedBoot !== undefined && outcome.node !== undefined && outcome.node.bootId !== joinedBoot;
        deps.log('info', `${mode} refused`, { code: outcome.error.code, nodeRestarted });
        deps.dispatch(
          {
            type: 'refused',
            now,
            error: outcome.error,
            nodeRestarted,
            random: deps.random(),
            startedAt,
            graceMs: deps.graceMs(),
          },
          null,
        );
        return;
      }
      case 'failed':
        deps.log('debug', `${mode} attempt failed`, {
          message: outcome.message,
          requestSent: outcome.requestSent ?? false,
          afterMs: now - startedAt,
        });
        deps.dispatch(
          { type: 'attemptFailed', now, random: deps.random(), startedAt, message: outcome.message },
          null,
        );
        return;
      // `aborted`: whoever aborted it has moved on; nothing to report.
    }
  }
}
