import { afterEach, describe, expect, it } from 'vitest';
import type { GetToken } from '../../src/core';
import { CallEnv, type EnvParticipant } from '../support/call-env';
import type { Participant } from '../support/participant';
import { delay, waitFor } from '../support/wait';

const SESSION = 'server-faults';

/** Statuses a participant went through, in order (from its `stateChanged` events). */
async function statuses(p: Participant): Promise<string[]> {
  return (await p.eventsNamed('stateChanged')).map((e) => e.data.state.status);
}

/** Proves no retry is left running: no new connection reaches the proxy for `ms`. */
async function expectNoMoreAttempts(entry: EnvParticipant, ms: number): Promise<void> {
  const before = entry.proxy.stats().connectionsAccepted;
  await delay(ms);
  expect(entry.proxy.stats().connectionsAccepted).toBe(before);
}

describe('server process faults (real server, real Chromium)', () => {
  let env: CallEnv | undefined;

  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  /** A and B joined; `getToken` hands back each participant's first token (what a backend that does not recreate the session would do). */
  async function twoJoined(): Promise<[EnvParticipant, EnvParticipant, CallEnv]> {
    const started = await CallEnv.start({ graceMs: 12_000 });
    env = started;
    await started.server.createSession(SESSION);
    const firstToken = (await started.server.createToken(SESSION, { identity: 'alice' })).token;
    const secondToken = (await started.server.createToken(SESSION, { identity: 'bob' })).token;
    const a = await started.join({
      name: 'A',
      sessionId: SESSION,
      getToken: async () => firstToken,
      options: { identity: 'alice' },
    });
    const b = await started.join({
      name: 'B',
      sessionId: SESSION,
      getToken: async () => secondToken,
      options: { identity: 'bob' },
    });
    await a.participant.waitForEvent('connectionCreated', {
      where: (e) => e.data.connection.connectionId === b.connectionId,
    });
    return [a, b, started];
  }

  it('SIGKILL and a restart with no state: the rejoin is refused and each client ends with nodeCrashed', async () => {
    const [a, b, { server }] = await twoJoined();
    await server.kill('SIGKILL');
    await server.restart();

    for (const { participant } of [a, b]) {
      const ended = await participant.waitForEvent('sessionDisconnected', { timeoutMs: 40_000 });
      expect(ended.data.reason).toBe('nodeCrashed');
      expect(ended.data.error?.code).toBe('SESSION_NOT_FOUND');
      expect(await participant.eventsNamed('rejoining')).toHaveLength(1);
      expect((await participant.state()).status).toBe('disconnected');
      expect(await statuses(participant)).toContain('rejoining');
    }
    await expectNoMoreAttempts(a, 7_000);
  });

  it('SIGKILL and a restart where the backend recreates the session: both rejoin the same session id and see each other', async () => {
    const started = await CallEnv.start({ graceMs: 12_000 });
    env = started;
    // A backend that (idempotently) creates the session before each token, on whatever server runs now.
    const getToken: GetToken = async (sessionId, { identity }) => {
      await started.server.createSession(sessionId);
      return (await started.server.createToken(sessionId, { identity })).token;
    };
    const a = await started.join({ name: 'A', sessionId: SESSION, getToken, options: { identity: 'alice' } });
    const b = await started.join({ name: 'B', sessionId: SESSION, getToken, options: { identity: 'bob' } });
    await a.participant.waitForEvent('connectionCreated', {
      where: (e) => e.data.connection.connectionId === b.connectionId,
    });

    await started.server.kill('SIGKILL');
    await started.server.restart();

    const rejoinedIds: string[] = [];
    for (const { participant, connectionId } of [a, b]) {
      const rejoining = await participant.waitForEvent('rejoining', { timeoutMs: 30_000 });
      expect(rejoining.data.cause).toBe('nodeCrashed');
      const rejoined = await participant.waitForEvent('rejoined', { timeoutMs: 30_000 });
      expect(rejoined.data.previousConnectionId).toBe(connectionId);
      expect(rejoined.data.connectionId).not.toBe(connectionId);
      rejoinedIds.push(rejoined.data.connectionId);
      expect((await participant.state()).status).toBe('connected');
    }
    // Each sees the other again under its new connection id, keyed by the same identity.
    await waitFor(
      async () =>
        (await a.participant.eventsNamed('connectionCreated')).some(
          (e) => e.data.connection.identity === 'bob' && e.data.connection.connectionId === rejoinedIds[1],
        ),
      { timeoutMs: 15_000, what: 'A to see B rejoined' },
    );
    await b.participant.signal({ type: 'after-crash', data: 1 });
    await waitFor(
      async () => (await a.participant.eventsNamed('signal')).some((e) => e.data.type === 'after-crash'),
      { what: 'B’s signal at A after the rejoin' },
    );
  });

  it('SIGKILL and no server ever again: each client ends with networkDisconnect after its give-up time', async () => {
    const [a, b, { server }] = await twoJoined();
    const t0 = Date.now();
    await server.kill('SIGKILL');

    for (const { participant } of [a, b]) {
      await participant.waitForEvent('reconnecting', { timeoutMs: 10_000 });
      const ended = await participant.waitForEvent('sessionDisconnected', { timeoutMs: 60_000 });
      expect(ended.data.reason).toBe('networkDisconnect');
      // Default give-up: as long as the server said it may hold the place (`timing.holdMs`: its grace,
      // 12 s, stretched by at most 30 s when it is loaded), which is longer than the grace plus 10 s.
      expect(ended.at - t0).toBeGreaterThanOrEqual(40_000);
      expect((await participant.state()).status).toBe('disconnected');
    }
    await expectNoMoreAttempts(a, 7_000);
    await expectNoMoreAttempts(b, 0);
  });

  it('SIGSTOP for 5 s then SIGCONT: both clients resume with the same connection ids', async () => {
    const [a, b, { server }] = await twoJoined();

    server.pause();
    await delay(5_000);
    server.resume();

    for (const { participant, connectionId } of [a, b]) {
      const lost = await participant.waitForEvent('reconnecting', { timeoutMs: 10_000 });
      expect(lost.data.connectionId).toBe(connectionId);
      const back = await participant.waitForEvent('reconnected', {
        fromIndex: lost.index,
        timeoutMs: 20_000,
      });
      expect(back.data.connectionId).toBe(connectionId);
      expect(await participant.eventsNamed('connectionDestroyed')).toEqual([]);
      expect(await participant.eventsNamed('sessionDisconnected')).toEqual([]);
    }
    await a.participant.signal({ type: 'after-stop', data: 'a' });
    await waitFor(
      async () => (await b.participant.eventsNamed('signal')).some((e) => e.data.type === 'after-stop'),
      {
        what: 'A’s signal at B after SIGCONT',
      },
    );
  });
});
