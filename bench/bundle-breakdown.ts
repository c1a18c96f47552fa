/**
 * What the bytes of one browser entry are: `node --import tsx bench/bundle-breakdown.ts [entry]` (default
 * `src/index.ts`) bundles it as the `bundle` bench group does (peers external) and prints, per source
 * module and per area (a `src/` folder, or an inlined package), the minified bytes the source map gives
 * it and its marginal gzip cost: how much smaller the gzipped chunk gets with that module's bytes cut out
 * of it (the rest compresses the same way). Marginal costs do not add up to the total exactly (what one
 * module repeats of another compresses away either way), but they rank well.
 */
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import pkg from '../package.json' with { type: 'json' };
import { REPO_ROOT } from '../test/support/server-process';
import { bundleEntry } from './bundle-size';

/** One module's share of a chunk. */
interface Share {
  source: string;
  minBytes: number;
  gzipBytes: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * A source map's `mappings`, per generated line: each segment's generated column and source index (the
 * fields after those are skipped; the source index is carried over from segment to segment, as the
 * format has it).
 */
function decodeMappings(mappings: string): { column: number; source: number | null }[][] {
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    return line
      .split(',')
      .filter((segment) => segment !== '')
      .map((segment) => {
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of segment) {
          const digit = BASE64.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        column += fields[0] ?? 0;
        if (fields.length < 2) return { column, source: null };
        source += fields[1] ?? 0;
        return { column, source };
      });
  });
}

/** Per source of `map`: the [line, start, end) ranges of `code` it produced. */
function rangesBySource(code: string, map: { sources: string[]; mappings: string }) {
  const lines = code.split('\n');
  const ranges = new Map<string, [number, number, number][]>();
  decodeMappings(map.mappings).forEach((segments, line) => {
    segments.forEach((segment, i) => {
      const end = segments[i + 1]?.column ?? (lines[line] ?? '').length;
      const source = segment.source === null ? '(glue)' : (map.sources[segment.source] ?? '?');
      const list = ranges.get(source) ?? [];
      list.push([line, segment.column, end]);
      ranges.set(source, list);
    });
  });
  return { lines, ranges };
}

/** Each module's minified bytes and marginal gzip cost in one chunk. */
function shares(code: string, map: { sources: string[]; mappings: string }): Share[] {
  const { lines, ranges } = rangesBySource(code, map);
  const gzip = (text: string) => gzipSync(text, { level: 9 }).length;
  const whole = gzip(code);
  const result: Share[] = [];
  for (const [source, list] of ranges) {
    const kept = lines.map((line) => [...line]);
    let minBytes = 0;
    for (const [line, start, end] of list) {
      minBytes += end - start;
      const chars = kept[line] ?? [];
      for (let i = start; i < end; i += 1) chars[i] = '';
    }
    result.push({ source, minBytes, gzipBytes: whole - gzip(kept.map((l) => l.join('')).join('\n')) });
  }
  return result.sort((a, b) => b.gzipBytes - a.gzipBytes);
}

/** `src/core/media/x.ts` → `src/core/media`; `src/store/x.ts` → `src/store`; `…/node_modules/valibot/…` → `valibot`. */
function areaOf(source: string): string {
  const inPackage = source.split('node_modules/')[1];
  if (inPackage)
    return inPackage
      .split('/')
      .slice(0, inPackage.startsWith('@') ? 2 : 1)
      .join('/');
  const parts = source.split('/');
  return parts.slice(0, parts[1] === 'core' && parts.length > 3 ? 3 : 2).join('/');
}

async function main(): Promise<void> {
  const file = join(REPO_ROOT, process.argv[2] ?? 'src/index.ts');
  const outputs = await bundleEntry(
    { entry: { file }, external: Object.keys(pkg.peerDependencies), root: REPO_ROOT },
    { sourcemap: true },
  );
  for (const { fileName, content, map } of outputs) {
    if (typeof content !== 'string' || !map) continue;
    const list = shares(content, map).map((share) => ({
      ...share,
      // Sources are relative to where the chunk would be written (Vite's `dist/`).
      source: share.source.startsWith('(')
        ? share.source
        : relative(REPO_ROOT, join(REPO_ROOT, 'dist', dirname(fileName), share.source)),
    }));
    console.log(`${fileName}: ${content.length} B min, ${gzipSync(content, { level: 9 }).length} B gzip`);
    const areas = new Map<string, { minBytes: number; gzipBytes: number }>();
    for (const share of list) {
      const area = areas.get(areaOf(share.source)) ?? { minBytes: 0, gzipBytes: 0 };
      area.minBytes += share.minBytes;
      area.gzipBytes += share.gzipBytes;
      areas.set(areaOf(share.source), area);
    }
    console.log('\nby area (min B, marginal gzip B):');
    for (const [area, size] of [...areas].sort((a, b) => b[1].gzipBytes - a[1].gzipBytes))
      console.log(`${String(size.minBytes).padStart(8)} ${String(size.gzipBytes).padStart(7)}  ${area}`);
    console.log('\nby module (min B, marginal gzip B):');
    for (const share of list)
      console.log(
        `${String(share.minBytes).padStart(8)} ${String(share.gzipBytes).padStart(7)}  ${share.source}`,
      );
  }
}

await main();
