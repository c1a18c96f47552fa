import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';

/** What one bundle weighs. */
export interface BundleSize {
  /** Minified bytes of every emitted chunk (or the CSS). */
  minBytes: number;
  /** Sum of each emitted file gzipped at level 9. */
  gzipBytes: number;
}

/** How to bundle one entry. */
export interface BundleSpec {
  /** Absolute path of the entry file, or JavaScript source (`code`) to bundle as the entry. */
  entry: { file: string } | { code: string };
  /** Import specifiers left out of the bundle (a name matches itself and its subpaths). */
  external: readonly string[];
  /** Where bare imports resolve from. */
  root: string;
}

/** Writes `code` as an entry file under `root`/.cache (so bare imports resolve from `root`). */
function entryFile(root: string, code: string): string {
  const dir = join(root, '.cache', 'bench-bundle');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `entry-${createHash('sha256').update(code).digest('hex').slice(0, 12)}.js`);
  writeFileSync(file, code);
  return file;
}

/** A chunk or CSS asset of one bundle, as Vite emitted it. */
export interface BundleOutput {
  fileName: string;
  /** The emitted code (or CSS). */
  content: string | Uint8Array;
  /** The chunk's source map (only when asked for). */
  map?: { sources: string[]; mappings: string } | null;
}

/**
 * Bundles one entry for the browser the way an app's production build would (a Vite app build: ESM,
 * fully minified with Vite's default minifier, `NODE_ENV=production`, everything but `external`
 * inlined), in memory. The entry keeps every export (`preserveEntrySignatures`), so nothing it offers
 * is shaken away. Returns the chunks and CSS files (other assets left out); with `sourcemap`, each
 * chunk carries its map (for `bench/bundle-breakdown.ts`; the code then ends in a map comment).
 *
 * Not Vite's library mode: for an ES library it leaves whitespace and comments in place (to keep pure
 * annotations for the app's bundler), which is not what reaches a user's browser.
 */
export async function bundleEntry(
  { entry, external, root }: BundleSpec,
  { sourcemap = false }: { sourcemap?: boolean } = {},
): Promise<BundleOutput[]> {
  const { build } = await import('vite');
  const isExternal = (id: string) => external.some((name) => id === name || id.startsWith(`${name}/`));
  const input = 'file' in entry ? entry.file : entryFile(root, entry.code);
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: [react()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      minify: true,
      cssMinify: true,
      sourcemap,
      target: 'es2022',
      modulePreload: false,
      cssCodeSplit: true,
      rollupOptions: {
        input,
        external: isExternal,
        preserveEntrySignatures: 'strict',
        output: { format: 'es' },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  const files: BundleOutput[] = [];
  for (const file of outputs) {
    if (file.type === 'chunk') files.push({ fileName: file.fileName, content: file.code, map: file.map });
    else if (file.fileName.endsWith('.css')) files.push({ fileName: file.fileName, content: file.source });
  }
  return files;
}

/** Bundles one entry as {@link bundleEntry} does and weighs it. */
export async function measureBundle(spec: BundleSpec): Promise<BundleSize> {
  let minBytes = 0;
  let gzipBytes = 0;
  for (const { content } of await bundleEntry(spec)) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
    minBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  if (minBytes === 0) {
    const { entry } = spec;
    throw new Error(`bundling ${'file' in entry ? entry.file : 'the virtual entry'} produced nothing`);
  }
  return { minBytes, gzipBytes };
}
