import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LIMITS, type ServerEnvelope } from '../../../src/protocol';
import { WireClient } from '../../support/wire-client';
import {
  anyJson,
  clientMessageJson,
  fieldJson,
  fuzzParameters,
  fuzzTimeoutMs,
  isWellFormedAnswer,
  isWellFormedError,
  objectJson,
  RELAXED_TIMING,
} from './fuzz-inputs';
import { TestServer } from './harness';
import { healthyPair } from './healthy-pair';

/** A pino logger that keeps the lines at error level and above (a caught fault is still a bug). */
function faultLog(): { logger: pino.Logger; faults: string[] } {
  const faults: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString();
      if ((JSON.parse(line) as { level: number }).level >= 50) faults.push(line);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), faults };
}

const CLOSED = Symbol('closed');

describe('fuzzing every socket handler (fast-check)', () => {
  it(
    'join, resume, msg, ack and unknown events with random, malformed, deep and oversized payloads: every packet answered with a protocol error or closed by the transport, no fault, the healthy pair served in order',
    async () => {
      const { logger, faults } = faultLog();
      // Limits high enough that payloads reach every check behind the rate limit.
      const t = await TestServer.start({
        logger,
        rateLimitPerSec: 1e6,
        rateLimitBurst: 1e6,
        rateLimitBytesPerSec: 1e9,
        rateLimitBytesBurst: 1e9,
        joinTimeoutMs: 600_000,
        ...RELAXED_TIMING,
      });
      const pair = await healthyPair(t);
      const { h1, h2 } = pair;
      const tokens: string[] = [];
      for (let i = 0; i < 4; i += 1) tokens.push(await t.token('room'));

      const clients: { joined: WireClient | null; fresh: WireClient | null } = { joined: null, fresh: null };
      let nextSeq = 1;
      const joinedClient = async (): Promise<WireClient> => {
        if (clients.joined?.open) return clients.joined;
        const wire = await WireClient.connect(t.url);
        const token = await t.token('room');
        const identity = `fuzz-${Math.random().toString(36).slice(2)}`;
        await wire.request('hf:join', JSON.stringify({ v: 1, sessionId: 'room', token, identity }));
        clients.joined = wire;
        nextSeq = 1;
        return wire;
      };
      const freshClient = async (): Promise<WireClient> => {
        if (clients.fresh?.open) return clients.fresh;
        clients.fresh = await WireClient.connect(t.url);
        return clients.fresh;
      };

      /** Clients the server ended on purpose (a leave, a replacing join): they may close unanswered. */
      const toldToGo = new Set<WireClient>();
      const endedBy = (client: WireClient) =>
        client.events.some((e) => (e as ServerEnvelope).evt?.kind === 'sessionDisconnected');

      const str = (a: fc.Arbitrary<string>) => a.map((s) => JSON.stringify(s));
      const identity = str(fc.string({ maxLength: 140 }).filter((s) => s !== 'h1' && s !== 'h2'));
      const sessionId = str(fc.oneof(fc.constant('room'), fc.string({ maxLength: 140 })));
      const members = () => [h1.connectionId, h2.connectionId];
      const seq = fc.oneof(
        { weight: 4, arbitrary: fc.constant('next') },
        { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.double()).map(String) },
        { weight: 1, arbitrary: anyJson },
      );
      const packet = fc.oneof(
        fc.record({
          event: fc.constant('hf:join'),
          payload: fieldJson(
            objectJson({
              v: fieldJson(fc.constantFrom('1', '2', '"1"')),
              sessionId: fieldJson(sessionId),
              token: fieldJson(fc.oneof(str(fc.constantFrom(...tokens)), str(fc.string()))),
              identity: fieldJson(identity),
              client: fieldJson(fc.constant('{"sdk":"fuzz","version":"0"}')),
            }),
          ),
        }),
        fc.record({
          event: fc.constant('hf:resume'),
          payload: fieldJson(
            objectJson({
              v: fieldJson(fc.constantFrom('1', '7')),
              sessionId: fieldJson(sessionId),
              connectionId: fieldJson(fc.oneof(str(fc.constantFrom(...members())), str(fc.string()))),
              resumeSecret: fieldJson(str(fc.string({ maxLength: 300 }))),
              lastSeq: fieldJson(fc.integer({ min: -1, max: 100 }).map(String)),
            }),
          ),
        }),
        fc.record({
          event: fc.constant('hf:msg'),
          payload: fc.oneof(
            { weight: 5, arbitrary: fc.tuple(seq, clientMessageJson(members)).map(([s, m]) => ({ s, m })) },
            { weight: 1, arbitrary: anyJson.map((m) => ({ s: null, m })) },
          ),
        }),
        fc.record({
          event: fc.constant('hf:ack'),
          payload: fieldJson(objectJson({ seq: fieldJson(anyJson) })),
        }),
        fc.record({ event: fc.string({ maxLength: 80 }), payload: fieldJson(anyJson) }),
      );
      const input = fc.record({
        packet,
        via: fc.constantFrom('joined', 'fresh'),
        withAck: fc.boolean(),
        garbage: fc.option(fc.string({ maxLength: 40 }), { freq: 15, nil: undefined }),
      });

      await fc.assert(
        fc.asyncProperty(input, async ({ packet: p, via, withAck, garbage }) => {
          const client = via === 'joined' ? await joinedClient() : await freshClient();
          if (garbage !== undefined) {
            // Not a socket.io packet at all: socket.io may close the socket; the server must live on.
            client.sendFrame(`42${garbage}`);
            // socket.io may close it or not: either way it is not used again.
            client.close();
            clients[via as 'joined' | 'fresh'] = null;
          } else {
            let payload: string;
            if (typeof p.payload === 'string') payload = p.payload;
            else if (p.payload.s === null) payload = p.payload.m;
            else {
              const s = p.payload.s === 'next' ? String(nextSeq) : p.payload.s;
              payload = `{"seq":${s},"msg":${p.payload.m}}`;
            }
            if (p.event === 'hf:msg' && payload.includes('"kind":"leave"')) toldToGo.add(client);
            const frameBytes = Buffer.byteLength(`42[${JSON.stringify(p.event)},${payload}]`);
            if (frameBytes > LIMITS.maxPacketBytes + 8) {
              client.emit(p.event, payload);
              expect((await client.closed).code).toBe(1009);
            } else if (withAck) {
              const answer = await Promise.race([
                client.request(p.event, payload, 5000),
                client.closed.then(() => CLOSED),
              ]);
              if (answer === CLOSED) {
                // Closed unanswered: only after the server said why (a leave, or the connection replaced
                // by a join with the same identity), or for a frame at the very edge of the limit.
                const told = toldToGo.has(client) || endedBy(client);
                expect(
                  told || frameBytes > LIMITS.maxPacketBytes - 8,
                  `closed unanswered (${frameBytes} bytes)`,
                ).toBe(true);
              } else {
                expect(isWellFormedAnswer(answer), JSON.stringify(answer)).toBe(true);
                const a = answer as { seq?: number; error?: { message: string } };
                if (p.event === 'hf:msg' && a.seq === nextSeq && !a.error?.message.startsWith('sequence gap'))
                  nextSeq += 1;
              }
            } else {
              client.emit(p.event, payload);
            }
          }
          if (endedBy(client)) toldToGo.add(client);
          for (const error of client.errors)
            expect(isWellFormedError(error), JSON.stringify(error)).toBe(true);
          client.errors.length = 0;
          client.events.length = 0;

          await pair.ping();
          pair.trim();
          expect(faults).toEqual([]);
        }),
        fuzzParameters(),
      );

      await pair.expectAllDelivered();
      expect(faults).toEqual([]);
      clients.joined?.close();
      clients.fresh?.close();
    },
    fuzzTimeoutMs(),
  );
});
