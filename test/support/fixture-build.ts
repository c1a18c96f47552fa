import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './server-process';

/** Source of the browser test page (driver on `window.hf`). */
export const FIXTURE_DIR = join(REPO_ROOT, 'test/browser/fixture');
/** Where the built page goes; reused while its inputs are unchanged. */
export const FIXTURE_OUT = join(REPO_ROOT, '.cache/browser-fixture');

/** Everything the bundle depends on: the page, the library sources, the installed versions. */
const INPUTS = ['test/browser/fixture', 'src', 'package-lock.json'];

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

/** Hash of every input file's path and content. */
export function fixtureInputsHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of listFiles(join(REPO_ROOT, input))) {
      hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/**
 * Builds the test page with Vite into {@link FIXTURE_OUT}, unless a build of the same inputs is
 * already there. Returns the directory to serve.
 */
export async function buildFixture({ force = false }: { force?: boolean } = {}): Promise<string> {
  const stamp = join(FIXTURE_OUT, '.inputs-hash');
  const hash = fixtureInputsHash();
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return FIXTURE_OUT;
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: FIXTURE_DIR,
    base: './',
    logLevel: 'warn',
    build: { outDir: FIXTURE_OUT, emptyOutDir: true, target: 'es2022', minify: false, sourcemap: true },
  });
  writeFileSync(stamp, hash);
  return FIXTURE_OUT;
}
