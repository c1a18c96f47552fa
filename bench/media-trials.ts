import { MediaCall } from '../test/browser/media/media-call';
import { delay, waitFor } from '../test/support/wait';
import type { GroupOptions } from './lib/group';
import type { Sample } from './lib/stats';

/** How long the new-path M1/M2 cut lasts (the test case). */
export const NEW_PATH_CUT_MS = 8_000;
/** How long the S2 drop of the whole network lasts (inside the 12 s grace). */
export const S2_DROP_MS = 9_000;
/** A receiver not decoding within this long after restore counts as never. */
export const RECOVER_BOUND_MS = 30_000;
/** A freeze not reported within this long counts as never. */
export const DETECT_BOUND_MS = 10_000;

/** Every stream that crosses A's links: [receiver, sender]. */
const A_STREAMS = [
  ['B', 'A'],
  ['C', 'A'],
  ['A', 'B'],
  ['A', 'C'],
] as const;

/** Restore → first newly decoded frame, for each stream crossing A's links (null: never within the bound). */
async function recoverSamples(call: MediaCall, restoredAt: number): Promise<Sample[]> {
  const deadline = restoredAt + RECOVER_BOUND_MS;
  const found = new Map<string, number>();
  while (Date.now() < deadline && found.size < A_STREAMS.length) {
    for (const [rx, tx] of A_STREAMS) {
      const key = `${rx}<${tx}`;
      if (found.has(key)) continue;
      const rises = await call.media(rx, 'firstRiseAfter', restoredAt);
      const at = rises[call.member(tx).streamId];
      if (typeof at === 'number') found.set(key, at - restoredAt);
    }
    await delay(100);
  }
  return A_STREAMS.map(([rx, tx]) => found.get(`${rx}<${tx}`) ?? null);
}

/** Between trials: every stream decoding and live again, then a short settle. */
async function settle(call: MediaCall): Promise<void> {
  await call.waitAllDecoding(40_000);
  await waitFor(
    async () => {
      for (const m of call.members) {
        const streams = await call.streams(m.name);
        if (Object.values(streams).some((s) => s.health !== 'live')) return false;
      }
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: 'every stream live again' },
  );
  await delay(1_500);
}

async function withCall<T>(run: (call: MediaCall) => Promise<T>): Promise<T> {
  const call = await MediaCall.withParticipants(['A', 'B', 'C'], {}, { graceMs: 12_000, logLevel: 'warn' });
  try {
    return await run(call);
  } finally {
    await call.close();
  }
}

/** New-path M1/M2: A's media path cut for 8 s, restored with a new source port. */
export function newPathTrials({ trials, log }: GroupOptions): Promise<Sample[]> {
  return withCall(async (call) => {
    const samples: Sample[] = [];
    const a = call.member('A');
    for (let trial = 1; trial <= trials; trial++) {
      const cutAt = Date.now();
      a.media.cut();
      await delay(NEW_PATH_CUT_MS - (Date.now() - cutAt));
      a.media.restore({ newPath: true });
      const got = await recoverSamples(call, Date.now());
      samples.push(...got);
      log(`holdfast new-path trial ${trial}: ${got.map((s) => s ?? 'never').join(', ')} ms`);
      await settle(call);
    }
    return samples;
  });
}

/** S2: A's signaling and media cut together for 9 s, restored (media on a new path). */
export function s2Trials({ trials, log }: GroupOptions): Promise<Sample[]> {
  return withCall(async (call) => {
    const samples: Sample[] = [];
    const a = call.member('A');
    for (let trial = 1; trial <= trials; trial++) {
      const from = await a.participant.nextIndex();
      const cutAt = Date.now();
      a.signaling.blackhole();
      a.media.cut();
      await delay(S2_DROP_MS - (Date.now() - cutAt));
      a.media.restore({ newPath: true });
      a.signaling.restore();
      const restoredAt = Date.now();
      const got = await recoverSamples(call, restoredAt);
      samples.push(...got);
      await a.participant.waitForEvent('reconnected', { fromIndex: from, timeoutMs: 20_000 });
      log(`holdfast S2 trial ${trial}: ${got.map((s) => s ?? 'never').join(', ')} ms`);
      await settle(call);
    }
    return samples;
  });
}

/** M3: A's video senders get frameless tracks; time until B and C report A's stream frozen. */
export function frozenTrials({ trials, log }: GroupOptions): Promise<Sample[]> {
  return withCall(async (call) => {
    const samples: Sample[] = [];
    const a = call.member('A');
    for (let trial = 1; trial <= trials; trial++) {
      const from = new Map<string, number>();
      for (const name of ['B', 'C']) from.set(name, await call.member(name).participant.nextIndex());
      const frozenAt = Date.now();
      await call.media('A', 'freezeVideo');
      const got: Sample[] = [];
      // When each receiver last decoded a frame before it reported frozen (diagnostics for the log).
      const lastFrames: string[] = [];
      for (const name of ['B', 'C']) {
        const e = await call
          .member(name)
          .participant.waitForEvent('streamHealthChanged', {
            fromIndex: from.get(name) ?? 0,
            where: (x) => x.data.stream.streamId === a.streamId && x.data.health === 'frozen',
            timeoutMs: Math.max(1, frozenAt + DETECT_BOUND_MS - Date.now()),
          })
          .catch(() => null);
        got.push(e ? e.at - frozenAt : null);
        const last = (await call.media(name, 'lastRiseBefore', e?.at ?? Date.now()))[a.streamId];
        lastFrames.push(typeof last === 'number' ? `${last - frozenAt}` : 'none');
      }
      samples.push(...got);
      log(
        `holdfast M3 trial ${trial}: ${got.map((s) => s ?? 'never').join(', ')} ms (last frame decoded ${lastFrames.join(', ')} ms after the freeze)`,
      );
      await call.media('A', 'unfreezeVideo');
      await settle(call);
    }
    return samples;
  });
}
