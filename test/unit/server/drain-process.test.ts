import { describe, expect, it } from 'vitest';
import { ServerProcess } from '../../support/server-process';
import { delay } from '../../support/wait';
import { TestClient } from './harness';

/** A member of `sessionId` on the server process `server`. */
async function memberOf(server: ServerProcess, sessionId: string, identity: string): Promise<TestClient> {
  const { token } = await server.createToken(sessionId, { identity });
  const client = await TestClient.connect(server.url);
  const reply = await client.join(sessionId, token, identity);
  if (!reply.ok) throw new Error(`join refused: ${JSON.stringify(reply.error)}`);
  return client;
}

describe('SIGTERM drains the node (R1), SIGINT stops it at once', () => {
  it('SIGTERM: members get serverRotation with the --drain-ms deadline, keep being served, end with serverRotation at it, then the process exits 0', async () => {
    const server = await ServerProcess.start({ extraArgs: ['--drain-ms', '2000'] });
    try {
      await server.createSession('room');
      const a = await memberOf(server, 'room', 'a');
      const b = await memberOf(server, 'room', 'b');
      const signalledAt = Date.now();
      server.rotate();
      const notice = await a.waitForEvent('sessionNotification', () => true, 3000);
      expect(notice).toMatchObject({ kind: 'sessionNotification', reason: 'serverRotation' });
      const deadline = (notice as { deadline: number }).deadline;
      expect(deadline).toBeGreaterThanOrEqual(signalledAt + 1900);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 2000);

      // Still serving until the deadline: a message goes through.
      await delay(300);
      expect(server.running).toBe(true);
      await a.send({ kind: 'signal', type: 'chat', data: 'still here' });
      expect(await b.waitForEvent('signal', () => true, 2000)).toMatchObject({ data: 'still here' });

      for (const member of [a, b]) {
        expect(await member.waitForEvent('sessionDisconnected', () => true, 4000)).toEqual({
          kind: 'sessionDisconnected',
          reason: 'serverRotation',
        });
      }
      expect(await server.exited(5000)).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop();
    }
  }, 30_000);

  it('SIGTERM with no member left stops at once; SIGINT stops at once even with members', async () => {
    const idle = await ServerProcess.start({ extraArgs: ['--drain-ms', '60000'] });
    const busy = await ServerProcess.start({ extraArgs: ['--drain-ms', '60000'] });
    try {
      idle.rotate();
      expect(await idle.exited(3000)).toEqual({ code: 0, signal: null });
      await busy.createSession('room');
      await memberOf(busy, 'room', 'a');
      const stoppedAt = Date.now();
      await busy.stop();
      expect(await busy.exited(1000)).toEqual({ code: 0, signal: null });
      expect(Date.now() - stoppedAt).toBeLessThan(4000);
    } finally {
      await idle.stop();
      await busy.stop();
    }
  }, 30_000);
});
