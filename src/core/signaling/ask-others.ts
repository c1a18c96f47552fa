import type { Clock } from '../clock';
import { listen } from '../listen';
import type { AttemptOutcome } from './attempt';

/** How long a resume at home goes unanswered before the other known nodes are asked as well. */
export const ASK_OTHERS_AFTER_MS = 1_000;

/** One attempt at a URL, abandoned by `signal`; its socket is open (and held) only on success. */
export type AttemptAt<S extends { close(reason?: string): void }> = (
  url: string,
  signal: AbortSignal,
) => Promise<{ outcome: AttemptOutcome; socket: S }>;

/**
 * The resume at home, and meanwhile the same resume asked of the other nodes in turn: one at a time,
 * the first after {@link ASK_OTHERS_AFTER_MS}, each next one at least that long and the last answer's
 * `retryAfterMs` after it. A hung home node never answers, and any other node can say it was declared
 * crashed (`NODE_CRASHED`) or host the connection now (`resumed`). Whichever settles first wins: home's
 * answer (any), or such a word from another node; the loser is abandoned and its socket closed. Another
 * node's `NOT_OWNER` (home is alive, or not declared yet) changes nothing.
 */
export async function resumeAtHomeOrAsk<S extends { close(reason?: string): void }>(
  attemptAt: AttemptAt<S>,
  homeUrl: string,
  others: readonly string[],
  signal: AbortSignal,
  clock: Clock,
): Promise<{ url: string; outcome: AttemptOutcome; socket: S }> {
  const homeAbort = new AbortController();
  const askAbort = new AbortController();
  const unwatch = listen(signal, 'abort', () => {
    homeAbort.abort();
    askAbort.abort();
  });
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = clock.setTimeout(done, ms);
      const stop = listen(askAbort.signal, 'abort', done);
      function done() {
        clock.clearTimeout(timer);
        stop();
        resolve();
      }
    });
  const home = attemptAt(homeUrl, homeAbort.signal).then((r) => ({ url: homeUrl, home: true, ...r }));
  const ask = async () => {
    await pause(ASK_OTHERS_AFTER_MS);
    for (let turn = 0; !askAbort.signal.aborted && others.length > 0; turn += 1) {
      const url = others[turn % others.length] as string;
      const r = await attemptAt(url, askAbort.signal);
      if (askAbort.signal.aborted) {
        r.socket.close('home answered first');
        break;
      }
      const { outcome } = r;
      const decides =
        outcome.kind === 'resumed' || (outcome.kind === 'refused' && outcome.error.code === 'NODE_CRASHED');
      if (decides) return { url, home: false, ...r };
      const retryAfterMs = outcome.kind === 'refused' ? (outcome.error.retryAfterMs ?? 0) : 0;
      await pause(Math.max(ASK_OTHERS_AFTER_MS, retryAfterMs));
    }
    // Never settles: home's answer decides.
    return new Promise<never>(() => {});
  };
  try {
    const winner = await Promise.race([home, ask()]);
    if (winner.home) askAbort.abort();
    else {
      homeAbort.abort();
      // Home's attempt ends at once when abandoned (had it just succeeded, its socket goes too).
      (await home).socket.close('another node answered');
    }
    return { url: winner.url, outcome: winner.outcome, socket: winner.socket };
  } finally {
    unwatch();
  }
}
