import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/support/server-process';

/**
 * Builds a bench page (`bench/<name>/index.html` and what it imports) with Vite, zero config, into
 * `.cache/<name>`; resolves with that directory.
 */
export async function buildBenchPage(name: string): Promise<string> {
  const { build } = await import('vite');
  const outDir = join(REPO_ROOT, '.cache', name);
  await build({
    configFile: false,
    root: join(REPO_ROOT, 'bench', name),
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`bench page ${name} did not build`);
  return outDir;
}
