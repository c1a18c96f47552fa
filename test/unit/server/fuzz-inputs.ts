import fc from 'fast-check';
import { ERROR_CODES, LIMITS } from '../../../src/protocol';

/**
 * Runs per property: small inside `npm test`, large from `npm run fuzz` (`FUZZ_RUNS=100000`). A failing
 * run prints its seed; `FUZZ_SEED=<seed>` replays it.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** fast-check parameters shared by every fuzz property. */
export const fuzzParameters = (): fc.Parameters<unknown> => {
  const seed = process.env.FUZZ_SEED;
  return { numRuns: FUZZ_RUNS, ...(seed ? { seed: Number(seed) } : {}) };
};

/** A test timeout that grows with the runs (about 25 ms a run, at least a minute). */
export const fuzzTimeoutMs = (): number => Math.max(60_000, FUZZ_RUNS * 25);

/**
 * Heartbeat and grace for fuzz servers: the fuzzer builds 900 KB frames in the server's own process, so
 * the test harness's 300 ms heartbeat would drop the healthy pair for a busy event loop, not a fault.
 */
export const RELAXED_TIMING = { pingIntervalMs: 5000, pingTimeoutMs: 10_000, graceMs: 60_000 } as const;

/** JSON text of `depth` nested arrays or objects around `inner`: deeper than any encoder's stack allows. */
export const deepJson = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 25, max: 40 }), fc.integer({ min: 40, max: 12_000 })),
    kind: fc.constantFrom('array', 'object'),
  })
  .map(({ depth, kind }) =>
    kind === 'array'
      ? `${'['.repeat(depth)}0${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`,
  );

/** A long string around the size limits: under 64 KiB, just over, near the frame limit, far over. */
export const bigString = fc
  .constantFrom(
    LIMITS.maxMessageBytes - 200,
    LIMITS.maxMessageBytes + 10,
    LIMITS.maxPacketBytes - 300,
    LIMITS.maxPacketBytes + 10,
    900_000,
  )
  .map((n) => JSON.stringify('x'.repeat(n)));

/** Any JSON value, as text. */
export const anyJson = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null');

/** JSON text for a field: mostly plausible, sometimes deep, big or anything. */
export const fieldJson = (plausible: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 2, arbitrary: anyJson },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: bigString },
  );

/** An object as JSON text from fields given as JSON text; some fields may be left out. */
export const objectJson = (fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> =>
  fc
    .record(
      Object.fromEntries(
        Object.entries(fields).map(([k, a]) => [k, fc.option(a, { freq: 8, nil: undefined })]),
      ),
    )
    .map(
      (record) =>
        `{${Object.entries(record)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
          .join(',')}}`,
    );

const str = (s: fc.Arbitrary<string>) => s.map((v) => JSON.stringify(v));
const id = str(fc.oneof(fc.constantFrom('room', 'h1', 'x'), fc.string({ maxLength: 140 })));

/** A client message (`msg` of `hf:msg`) of any kind, plausible or not, as JSON text. */
export const clientMessageJson = (members: () => string[]): fc.Arbitrary<string> => {
  const member = fc.constant(null).map(() => JSON.stringify(members()[0] ?? 'nobody'));
  const to = fc.oneof(member, id);
  const kind = (k: string) => fc.constantFrom(JSON.stringify(k));
  return fc.oneof(
    objectJson({
      kind: kind('signal'),
      type: fieldJson(str(fc.string({ maxLength: 140 }))),
      data: fieldJson(anyJson),
      to: fieldJson(to.map((t) => `[${t}]`)),
    }),
    objectJson({
      kind: kind('publish'),
      streamId: fieldJson(id),
      properties: fieldJson(
        fc.constant(
          '{"hasAudio":true,"hasVideo":true,"audioActive":true,"videoActive":true,"typeOfVideo":"CAMERA"}',
        ),
      ),
    }),
    objectJson({ kind: kind('unpublish'), streamId: fieldJson(id) }),
    objectJson({
      kind: kind('streamProperty'),
      streamId: fieldJson(id),
      property: fieldJson(str(fc.constantFrom('audioActive', 'videoActive', 'videoDimensions', 'nope'))),
      value: fieldJson(fc.constantFrom('true', '{"width":1,"height":2}', '3')),
    }),
    objectJson({
      kind: kind('media'),
      to: fieldJson(to),
      link: fieldJson(fc.constant('{"linkId":"l","gen":0}')),
      payload: fieldJson(fc.constant('{"type":"offer","sdp":"v=0"}')),
    }),
    fc.constant('{"kind":"leave"}'),
    objectJson({ kind: fieldJson(str(fc.string())) }),
    fieldJson(anyJson),
  );
};

/** True for an answer the protocol allows: `ok: true`, or `ok: false` with a known code and a message. */
export function isWellFormedAnswer(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const a = answer as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.ok === true) return true;
  return a.ok === false && isWellFormedError(a.error);
}

/** True for `{ code, message }` with a code of the protocol. */
export function isWellFormedError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown };
  return (
    typeof e.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(e.code) &&
    typeof e.message === 'string' &&
    e.message.length > 0
  );
}
