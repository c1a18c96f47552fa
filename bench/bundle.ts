/**
 * Bench group `bundle`: what each entry of the package costs an app's bundle (minified + gzip), and,
 * side by side in the same run, LiveKit's React kit bundled the same way.
 */
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { REPO_ROOT } from '../test/support/server-process';
import { type BundleSize, measureBundle } from './bundle-size';
import type { BenchGroup } from './lib/group';
import type { MetricResult } from './lib/results';

/** holdfast's `.` entry must stay at or under this (gzip bytes). */
export const INDEX_BUDGET_BYTES = 25_000;

const PEERS = Object.keys(pkg.peerDependencies);
/** The entries an app's browser bundle can import, by export path. */
const ENTRIES: { exportPath: string; file: string }[] = [
  { exportPath: '.', file: 'src/index.ts' },
  { exportPath: './core', file: 'src/core/index.ts' },
  { exportPath: './protocol', file: 'src/protocol/index.ts' },
  { exportPath: './styles.css', file: 'src/components/styles.css' },
];
/** What a typical call UI imports from the root entry: the provider, three hooks, banner, overlay, tile. */
const TYPICAL_APP_NAMES = [
  'SessionProvider',
  'useSession',
  'useReconnectState',
  'useStreamIds',
  'ReconnectingBanner',
  'FrozenStreamOverlay',
  'StreamView',
];
const TYPICAL_APP = `typical app (${TYPICAL_APP_NAMES.join(', ')})`;
const TYPICAL_APP_CODE = `export { ${TYPICAL_APP_NAMES.join(', ')} } from ${JSON.stringify(join(REPO_ROOT, 'src/index.ts'))};\n`;
const LIVEKIT = 'livekit-client + @livekit/components-react';
const LIVEKIT_CODE = "export * from 'livekit-client';\nexport * from '@livekit/components-react';\n";

const METHOD =
  "Each entry bundled from source for the browser as an app's production build would (a Vite app build, ESM, " +
  "fully minified by Vite's default minifier, every export kept, NODE_ENV=production, every import inlined " +
  'except the peer dependencies react, react-dom, zustand, ' +
  'socket.io-client and simple-peer), gzipped at level 9. `holdfast + peers` inlines those peers too ' +
  '(react and react-dom excepted). LiveKit: `export * from` both packages, react and react-dom external.';

function metric(
  exportPath: string,
  subjects: Record<string, BundleSize>,
  target?: MetricResult['target'],
): MetricResult {
  const result: MetricResult = {
    metric: `bundle_gzip_bytes[${exportPath}]`,
    group: 'bundle',
    unit: 'bytes',
    description: `Gzipped bytes the \`holdfast${exportPath === '.' ? '' : exportPath.slice(1)}\` entry adds to an app bundle.`,
    subjects: Object.fromEntries(
      Object.entries(subjects).map(([name, size]) => [name, { value: size.gzipBytes }]),
    ),
    method: METHOD,
    measuredAt: new Date().toISOString(),
  };
  if (target) result.target = target;
  return result;
}

/** The typical app beside the whole root entry, in gzip and in minified bytes. */
function typicalAppMetrics(typical: BundleSize, whole: BundleSize): MetricResult[] {
  const measuredAt = new Date().toISOString();
  const method =
    `${METHOD} The typical app is an entry that re-exports only ${TYPICAL_APP_NAMES.join(', ')} from the ` +
    'root entry (what the rest of the app would not pull in is shaken away); the whole entry keeps every export.';
  const subjects = (bytes: (size: BundleSize) => number) => ({
    [`holdfast: ${TYPICAL_APP}`]: { value: bytes(typical) },
    'holdfast: the whole root entry': { value: bytes(whole) },
  });
  return [
    {
      metric: 'bundle_gzip_bytes[typical app]',
      group: 'bundle',
      unit: 'bytes',
      description:
        'Gzipped bytes holdfast adds to the bundle of a typical call UI, beside the whole root entry.',
      subjects: subjects((size) => size.gzipBytes),
      method,
      measuredAt,
    },
    {
      metric: 'bundle_min_bytes[typical app]',
      group: 'bundle',
      unit: 'bytes',
      description:
        'Minified bytes holdfast adds to the bundle of a typical call UI, beside the whole root entry.',
      subjects: subjects((size) => size.minBytes),
      method,
      measuredAt,
    },
  ];
}

export const bundleGroup: BenchGroup = {
  name: 'bundle',
  description:
    'bundle_gzip_bytes of each browser entry and of a typical call UI, and LiveKit React kit bundled the same way',
  async run({ log }) {
    const results: MetricResult[] = [];
    for (const { exportPath, file } of ENTRIES) {
      const own = await measureBundle({
        entry: { file: join(REPO_ROOT, file) },
        external: PEERS,
        root: REPO_ROOT,
      });
      log(`${exportPath}: ${own.gzipBytes} B gzip (${own.minBytes} B min)`);
      if (exportPath !== '.') {
        results.push(metric(exportPath, { holdfast: own }));
        continue;
      }
      const typical = await measureBundle({
        entry: { code: TYPICAL_APP_CODE },
        external: PEERS,
        root: REPO_ROOT,
      });
      log(`${TYPICAL_APP}: ${typical.gzipBytes} B gzip (${typical.minBytes} B min)`);
      results.push(...typicalAppMetrics(typical, own));
      const withPeers = await measureBundle({
        entry: { file: join(REPO_ROOT, file) },
        external: ['react', 'react-dom'],
        root: REPO_ROOT,
      });
      log(`. with its peers: ${withPeers.gzipBytes} B gzip`);
      const livekit = await measureBundle({
        entry: { code: LIVEKIT_CODE },
        external: ['react', 'react-dom'],
        root: REPO_ROOT,
      });
      log(`${LIVEKIT}: ${livekit.gzipBytes} B gzip (${livekit.minBytes} B min)`);
      results.push(
        metric(
          '.',
          {
            holdfast: own,
            'holdfast + peers (zustand, socket.io-client, simple-peer)': withPeers,
            [LIVEKIT]: livekit,
          },
          { stat: 'value', max: INDEX_BUDGET_BYTES },
        ),
      );
    }
    return results;
  },
};
