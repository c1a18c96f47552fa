import { describe, expect, it } from 'vitest';
import { jsonShapeProblem, LIMITS, type ServerEnvelope } from '../../../src/protocol';
import { Connection } from '../../../src/server/connection/connection';
import { Tombstones } from '../../../src/server/hub/tombstones';
import { FloodGuard } from '../../../src/server/signaling/flood-guard';
import { FakeClock } from './fake-clock';

const signal = (n: number) => ({ kind: 'signal', from: null, type: 't', data: n }) as const;

function connection(clock: FakeClock, caps = { maxEvents: 100, maxBytes: 1_000_000 }) {
  return new Connection({
    info: { connectionId: 'c1', identity: 'i', role: 'publisher', data: '', createdAt: 0 },
    sessionId: 's',
    resumeSecret: 'secret-secret',
    replayCaps: caps,
    storedReplies: 3,
    clock,
  });
}

function sink() {
  const sent: ServerEnvelope[] = [];
  return {
    sent,
    sink: { id: 'sock', send: (e: ServerEnvelope) => sent.push(e), move: () => {}, close: () => {} },
  };
}

describe('connection state', () => {
  it('sequences events, buffers them without a socket and replays after the acknowledged one', () => {
    const c = connection(new FakeClock());
    for (let i = 1; i <= 3; i += 1) c.push(signal(i), 10);
    expect(c.lastSeq).toBe(3);
    c.acknowledge(1);
    expect(c.buffered).toBe(2);
    const { sent, sink: s } = sink();
    c.attach(s);
    expect(sent).toEqual([]);
    expect(c.replayAfter(2)).toBe(1);
    expect(sent.map((e) => e.seq)).toEqual([3]);
    c.push(signal(4), 10);
    expect(sent.map((e) => e.seq)).toEqual([3, 4]);
    // An ack beyond what was sent trims only what exists.
    c.acknowledge(99);
    expect(c.buffered).toBe(0);
    c.push(signal(5), 10);
    expect(sent.at(-1)?.seq).toBe(5);
  });

  it('refuses an event beyond the caps (count or bytes)', () => {
    const byCount = connection(new FakeClock(), { maxEvents: 2, maxBytes: 1000 });
    expect([byCount.push(signal(1), 1), byCount.push(signal(2), 1), byCount.push(signal(3), 1)]).toEqual([
      true,
      true,
      false,
    ]);
    const byBytes = connection(new FakeClock(), { maxEvents: 100, maxBytes: 25 });
    expect([byBytes.push(signal(1), 10), byBytes.push(signal(2), 10), byBytes.push(signal(3), 10)]).toEqual([
      true,
      true,
      false,
    ]);
    byBytes.acknowledge(2);
    expect(byBytes.push(signal(3), 10)).toBe(true);
  });

  it('keeps the last N replies for duplicates', () => {
    const c = connection(new FakeClock());
    for (let seq = 1; seq <= 5; seq += 1) c.recordReply({ ok: true, seq });
    expect(c.lastClientSeq).toBe(5);
    expect(c.storedReply(2)).toBeUndefined();
    expect(c.storedReply(3)).toEqual({ ok: true, seq: 3 });
  });

  it('runs its one timer on the injected clock; the timer of a later state replaces the earlier one', () => {
    const clock = new FakeClock();
    const c = connection(clock);
    const fired: string[] = [];
    c.enterGrace(1000, () => fired.push('grace'));
    clock.advance(999);
    c.retire({ kind: 'sessionDisconnected', reason: 'disconnect' }, 10, 500, () => fired.push('retention'));
    clock.advance(1000);
    expect(fired).toEqual(['retention']);
    const resumed = connection(clock);
    resumed.enterGrace(100, () => fired.push('cancelled'));
    resumed.resumeOn(sink().sink);
    clock.advance(1000);
    expect(fired).toEqual(['retention']);
    expect(clock.pending).toBe(0);
  });

  it('owns its lifecycle: live → grace → live on a resume, then ended; a grace starts only from live', () => {
    const clock = new FakeClock();
    const c = connection(clock);
    const first = sink();
    c.attach(first.sink);
    expect(c.status).toBe('live');
    expect(c.detach()).toBe(first.sink);
    expect(c.enterGrace(1000, () => {})).toBe(true);
    expect(c.status).toBe('grace');
    expect(c.enterGrace(1000, () => {})).toBe(false);
    const second = sink();
    expect(c.resumeOn(second.sink)).toBeNull();
    expect([c.status, c.sink]).toEqual(['live', second.sink]);
    c.end();
    expect([c.status, c.sink, c.buffered, clock.pending]).toEqual(['ended', null, 0, 0]);
    expect(c.enterGrace(1000, () => {})).toBe(false);
  });

  it('checks the resume secret', () => {
    const c = connection(new FakeClock());
    expect(c.resumeSecretMatches('secret-secret')).toBe(true);
    expect(c.resumeSecretMatches('secret-secreT')).toBe(false);
    expect(c.resumeSecretMatches('short')).toBe(false);
  });
});

describe('tombstones', () => {
  it('remember ids for the configured time and at most the configured count', () => {
    const clock = new FakeClock();
    const t = new Tombstones(clock, 600_000, 3);
    t.add('a');
    clock.advance(599_999);
    expect(t.has('a')).toBe(true);
    clock.advance(1);
    expect(t.has('a')).toBe(false);
    for (const id of ['b', 'c', 'd', 'e']) t.add(id);
    expect([t.has('b'), t.has('c'), t.has('e')]).toEqual([false, true, true]);
    expect(t.size).toBe(3);
  });
});

describe('flood guard', () => {
  it('admits a burst, then the refill rate; disconnects after N refusals; forgives once the bucket is full', () => {
    const clock = new FakeClock();
    const guard = new FloodGuard(clock, {
      perSec: 10,
      burst: 5,
      bytesPerSec: 1000,
      bytesBurst: 5000,
      disconnectAfter: 3,
    });
    const take = (n: number) => Array.from({ length: n }, () => guard.admit());
    expect(take(6)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'limited']);
    clock.advance(100);
    expect(take(2)).toEqual(['ok', 'limited']);
    expect(take(2)).toEqual(['limited', 'disconnect']);
    clock.advance(10_000);
    expect(guard.admit()).toBe('ok');
    expect(guard.refusals).toBe(0);
  });

  it('counts bytes: every byte received is charged, refused ones too; in debt every packet is refused, naming the byte rate', () => {
    const clock = new FakeClock();
    const guard = new FloodGuard(clock, {
      perSec: 1000,
      burst: 1000,
      bytesPerSec: 1000,
      bytesBurst: 3000,
      disconnectAfter: 3,
    });
    const packet = (bytes: number) => {
      guard.received(bytes);
      return guard.admit();
    };
    expect([packet(1000), packet(1000), packet(1000)]).toEqual(['ok', 'ok', 'ok']);
    expect(packet(1000)).toBe('limited');
    expect(guard.refusal()).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/too many bytes/),
    });
    // The refused 1000 bytes are owed too: after 1 s the bucket is back at 0, and a packet of 1 byte is refused.
    clock.advance(1000);
    expect(packet(1)).toBe('limited');
    clock.advance(2000);
    // Calm again (a full packet bucket, no byte debt): the two refusals are forgiven.
    expect(packet(500)).toBe('ok');
    expect(guard.refusals).toBe(0);
    // A socket that keeps sending while in debt is told to go.
    expect([packet(5000), packet(1), packet(1), packet(1)]).toEqual([
      'limited',
      'limited',
      'limited',
      'disconnect',
    ]);
  });
});

describe('JSON shape of a payload', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 0;
    for (let i = 1; i < depth; i += 1) value = [value];
    return value;
  };

  it('accepts plain JSON up to the depth and value limits and names what is wrong beyond them', () => {
    expect(jsonShapeProblem({ a: [1, 'x', null, true, { b: [] }] })).toBeNull();
    expect(jsonShapeProblem(nested(LIMITS.maxJsonDepth))).toBeNull();
    expect(jsonShapeProblem(nested(LIMITS.maxJsonDepth + 1))).toBe('nested deeper than 32 levels');
    expect(jsonShapeProblem(new Array(LIMITS.maxJsonValues - 1).fill(0))).toBeNull();
    expect(jsonShapeProblem(new Array(LIMITS.maxJsonValues).fill(0))).toBe('more than 8192 values');
    expect(jsonShapeProblem({ n: Number.NaN })).toBe('a number that is not finite');
    expect(jsonShapeProblem({ u: undefined })).toMatch(/undefined/);
    expect(jsonShapeProblem(Buffer.from('x'))).toMatch(/not plain JSON/);
    expect(jsonShapeProblem(new Date())).toMatch(/not plain JSON/);
  });

  it('ends on a cycle and on 100,000 levels without recursing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonShapeProblem(cyclic)).toBe('nested deeper than 32 levels');
    expect(jsonShapeProblem(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toBe(
      'nested deeper than 32 levels',
    );
  });
});
