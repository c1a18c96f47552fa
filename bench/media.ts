import type { BenchGroup, GroupOptions } from './lib/group';
import type { MetricResult } from './lib/results';
import { type Sample, summarize } from './lib/stats';
import { baselineFrozen, baselineNewPath, simplePeerVersion } from './media-baseline';
import {
  DETECT_BOUND_MS,
  frozenTrials,
  NEW_PATH_CUT_MS,
  newPathTrials,
  RECOVER_BOUND_MS,
  S2_DROP_MS,
  s2Trials,
} from './media-trials';

const BASELINE = `plain simple-peer ${simplePeerVersion} (no recovery)`;

const SETUP =
  'Real holdfast server process (grace 12 s), coturn on loopback, headless Chromium with a fake camera; ' +
  'relay-only ICE, each participant reaching TURN through its own UDP proxy (and its signaling through its own ' +
  'TCP proxy). Three participants A, B, C; faults hit A. Frames are sampled in each page every 40 ms with getStats ' +
  '(framesDecoded of the inbound video); times are page Date.now() on the same clock as the proxies.';

function metric(
  name: string,
  description: string,
  target: number,
  holdfast: Sample[],
  baseline: Sample[],
  method: string,
): MetricResult {
  return {
    metric: name,
    group: 'media',
    unit: 'ms',
    description,
    target: { stat: 'p95', max: target },
    subjects: { holdfast: summarize(holdfast), [BASELINE]: summarize(baseline) },
    method: `${SETUP} ${method}`,
    measuredAt: new Date().toISOString(),
  };
}

/** The media group: `media_recover_ms` (new-path M1/M2 and S2) and `frozen_detect_ms` (M3), vs plain simple-peer. */
export const mediaGroup: BenchGroup = {
  name: 'media',
  description:
    'media_recover_ms (M1/M2 new path, S2) and frozen_detect_ms (M3), holdfast vs plain simple-peer',
  async run(options: GroupOptions) {
    const { log } = options;
    log('new-path M1/M2 (holdfast)');
    const newPath = await newPathTrials(options);
    log('S2 (holdfast)');
    const s2 = await s2Trials(options);
    log('M3 (holdfast)');
    const frozen = await frozenTrials(options);
    log('baselines');
    const baseNewPath = await baselineNewPath(options, NEW_PATH_CUT_MS, RECOVER_BOUND_MS, 'new-path');
    const baseS2 = await baselineNewPath(options, S2_DROP_MS, RECOVER_BOUND_MS, 'S2');
    const baseFrozen = await baselineFrozen(options, DETECT_BOUND_MS);
    return [
      metric(
        'media_recover_ms[M1/M2 new path]',
        "A's media path cut for 8 s, restored as a new path (new source port: the old TURN allocation is gone) → first newly decoded frame at each receiver.",
        1500,
        newPath,
        baseNewPath,
        `Per trial, 4 samples for holdfast (B←A, C←A, A←B, A←C; signaling untouched) and 2 for the baseline ` +
          `(a two-party call, both directions, a fresh pair per trial). Bound ${RECOVER_BOUND_MS} ms after restore, else "never".`,
      ),
      metric(
        'media_recover_ms[S2]',
        "A's whole network (signaling and media) cut for 9 s, restored (media on a new path) → first newly decoded frame at each receiver.",
        1500,
        s2,
        baseS2,
        `Samples as above. The baseline's signaling is a direct relay between the pages (it has no server to lose), ` +
          `so only its media path is cut, for the same 9 s. Bound ${RECOVER_BOUND_MS} ms, else "never".`,
      ),
      metric(
        'frozen_detect_ms',
        "A's video senders get a track that produces no frames (ICE stays connected) → B and C mark A's stream `frozen`.",
        2000,
        frozen,
        baseFrozen,
        `holdfast: time to \`streamHealthChanged\` → frozen at B and at C (2 samples per trial); the track is put ` +
          `back after each trial. Baseline: time to any sign from plain simple-peer at the receiver (ICE state ` +
          `change, close, error). Bound ${DETECT_BOUND_MS} ms, else "never".`,
      ),
    ];
  },
};
