import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { TestServer } from './harness';

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text) lines.push(JSON.parse(text));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('structured logs', () => {
  it('log join, grace start, resume, eviction, leave and refusals with sessionId, connectionId and event', async () => {
    const { lines, logger } = capturingLogger();
    const t = await TestServer.start({ logger, graceMs: 300, nodeId: 'node-a' });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    const joinedA = a.joined ?? expect.fail();
    a.drop();
    await waitFor(() => lines.some((l) => l.event === 'grace start'));
    const back = await t.client();
    await back.resume(joinedA, 0);
    back.drop();
    await b.waitForEvent('connectionDestroyed');
    await b.send({ kind: 'teleport' });
    await b.send({ kind: 'leave' });
    await waitFor(() => lines.some((l) => l.event === 'leave'));

    const of = (event: string) => lines.filter((l) => l.event === event);
    const idsA = { sessionId: 'room', connectionId: joinedA.connectionId, nodeId: 'node-a' };
    expect(of('join')[0]).toMatchObject({ ...idsA, msg: 'join', identity: 'a' });
    expect(of('grace start')[0]).toMatchObject({ ...idsA, graceMs: 300 });
    expect(of('resume')[0]).toMatchObject({ ...idsA, lastSeq: 0, replayed: 1 });
    expect(of('evict')[0]).toMatchObject({ ...idsA, cause: 'graceExpired', reason: 'networkDisconnect' });
    expect(of('message refused')[0]).toMatchObject({
      sessionId: 'room',
      connectionId: b.connectionId,
      code: 'MESSAGE_UNKNOWN',
      level: 40,
    });
    expect(of('leave')[0]).toMatchObject({ sessionId: 'room', connectionId: b.connectionId });
  });
});
