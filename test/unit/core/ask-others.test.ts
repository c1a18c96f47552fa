import { describe, expect, it } from 'vitest';
import { ASK_OTHERS_AFTER_MS, resumeAtHomeOrAsk } from '../../../src/core/signaling/ask-others';
import type { AttemptOutcome } from '../../../src/core/signaling/attempt';
import type { ProtocolError } from '../../../src/protocol';
import { FakeClock, settle } from './support/fake-clock';

const HOME = 'http://home';
const OTHERS = ['http://b', 'http://c'];

/** A socket that remembers being closed. */
class Socket {
  closedWith: string | null = null;
  close(reason = 'closed'): void {
    this.closedWith ??= reason;
  }
}

/** One scripted attempt: settled by the test, or abandoned by its signal (then `aborted`). */
interface Pending {
  url: string;
  at: number;
  socket: Socket;
  answer(outcome: AttemptOutcome): void;
}

/** Fake attempts: each call is recorded and waits for the test to answer it (or for its abandon). */
function fakeAttempts(clock: FakeClock) {
  const calls: Pending[] = [];
  const attemptAt = (url: string, signal: AbortSignal) =>
    new Promise<{ outcome: AttemptOutcome; socket: Socket }>((resolve) => {
      const socket = new Socket();
      const done = (outcome: AttemptOutcome) => resolve({ outcome, socket });
      signal.addEventListener('abort', () => {
        socket.close('attempt aborted');
        done({ kind: 'aborted', requestSent: true });
      });
      calls.push({ url, at: clock.now(), socket, answer: done });
    });
  return { calls, attemptAt };
}

const refused = (code: ProtocolError['code'], retryAfterMs?: number): AttemptOutcome => ({
  kind: 'refused',
  error: { code, message: code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  node: undefined,
});

const resumed = { kind: 'resumed', reply: {} } as unknown as AttemptOutcome;

describe('a resume at home that asks the other nodes while home does not answer', () => {
  it('home answering within the first second: no other node is asked', async () => {
    const clock = new FakeClock();
    const { calls, attemptAt } = fakeAttempts(clock);
    const result = resumeAtHomeOrAsk(attemptAt, HOME, OTHERS, new AbortController().signal, clock);
    await clock.advance(ASK_OTHERS_AFTER_MS - 1);
    calls[0]?.answer(resumed);
    expect(await result).toMatchObject({ url: HOME, outcome: { kind: 'resumed' } });
    await clock.advance(10_000);
    expect(calls.map((c) => c.url)).toEqual([HOME]);
    expect(clock.pending).toBe(0);
  });

  it('a hung home: the others are asked in turn, NOT_OWNER paced by its retryAfterMs; NODE_CRASHED wins and home is abandoned', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { calls, attemptAt } = fakeAttempts(clock);
    const result = resumeAtHomeOrAsk(attemptAt, HOME, OTHERS, new AbortController().signal, clock);
    await clock.advance(ASK_OTHERS_AFTER_MS);
    expect(calls.map((c) => [c.url, c.at - start])).toEqual([
      [HOME, 0],
      ['http://b', ASK_OTHERS_AFTER_MS],
    ]);
    // Not declared yet: come back in 1.5 s (longer than the floor).
    calls[1]?.answer(refused('NOT_OWNER', 1500));
    await clock.advance(1499);
    expect(calls).toHaveLength(2);
    await clock.advance(1);
    expect(calls.map((c) => c.url)).toEqual([HOME, 'http://b', 'http://c']);
    // A failed attempt (no answer) is paced by the floor.
    calls[2]?.answer({ kind: 'failed', message: 'timed out', requestSent: true });
    await clock.advance(ASK_OTHERS_AFTER_MS);
    expect(calls.map((c) => c.url)).toEqual([HOME, 'http://b', 'http://c', 'http://b']);
    calls[3]?.answer(refused('NODE_CRASHED'));
    const winner = await result;
    expect(winner).toMatchObject({
      url: 'http://b',
      outcome: { kind: 'refused', error: { code: 'NODE_CRASHED' } },
    });
    expect(calls[0]?.socket.closedWith).toBe('attempt aborted');
    await clock.advance(10_000);
    expect(calls).toHaveLength(4);
    expect(clock.pending).toBe(0);
  });

  it('home answers while another node is being asked: home wins, that attempt is abandoned, nothing more is asked', async () => {
    const clock = new FakeClock();
    const { calls, attemptAt } = fakeAttempts(clock);
    const result = resumeAtHomeOrAsk(attemptAt, HOME, OTHERS, new AbortController().signal, clock);
    await clock.advance(ASK_OTHERS_AFTER_MS);
    calls[0]?.answer(refused('CONNECTION_EVICTED'));
    expect(await result).toMatchObject({ url: HOME, outcome: { error: { code: 'CONNECTION_EVICTED' } } });
    await settle();
    expect(calls[1]?.socket.closedWith).toBe('attempt aborted');
    await clock.advance(10_000);
    expect(calls).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('another node hosts the connection now (resumed there): it wins', async () => {
    const clock = new FakeClock();
    const { calls, attemptAt } = fakeAttempts(clock);
    const result = resumeAtHomeOrAsk(attemptAt, HOME, OTHERS, new AbortController().signal, clock);
    await clock.advance(ASK_OTHERS_AFTER_MS);
    calls[1]?.answer(resumed);
    const winner = await result;
    expect(winner.url).toBe('http://b');
    expect(winner.socket.closedWith).toBeNull();
    expect(calls[0]?.socket.closedWith).toBe('attempt aborted');
  });

  it('abandoned by its owner: both stop, home’s outcome (aborted) is the answer', async () => {
    const clock = new FakeClock();
    const { calls, attemptAt } = fakeAttempts(clock);
    const owner = new AbortController();
    const result = resumeAtHomeOrAsk(attemptAt, HOME, OTHERS, owner.signal, clock);
    await clock.advance(ASK_OTHERS_AFTER_MS);
    owner.abort();
    expect(await result).toMatchObject({ url: HOME, outcome: { kind: 'aborted' } });
    expect(calls.every((c) => c.socket.closedWith === 'attempt aborted')).toBe(true);
    await clock.advance(10_000);
    expect(calls).toHaveLength(2);
  });
});
