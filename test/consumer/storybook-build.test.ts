import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process';

/** Story ids Storybook derives from `title` and export name. */
function storyIdsIn(file: string): string[] {
  const source = readFileSync(join(REPO_ROOT, 'stories', file), 'utf8');
  const title = /title: '([^']+)'/.exec(source)?.[1] ?? '';
  // Storybook's sanitize(): titles are lowercased as written; export names are start-cased first.
  const sanitize = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  const startCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  const exports = [...source.matchAll(/^export const (\w+)/gm)].map((m) => m[1] as string);
  return exports.map((name) => `${sanitize(title)}--${sanitize(startCase(name))}`);
}

/** `npm run build-storybook` (the CI command) into a temporary directory. */
function buildStorybook(outDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['node_modules/storybook/dist/bin/dispatcher.js', 'build', '--quiet', '--output-dir', outDir],
      { cwd: REPO_ROOT, env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', NODE_ENV: 'production' } },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`storybook build failed:\n${output}`)),
    );
  });
}

describe('build-storybook', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'hf-storybook-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds a static Storybook holding every story, the docs pages and the Playground', async () => {
    await buildStorybook(outDir);
    expect(existsSync(join(outDir, 'iframe.html'))).toBe(true);
    const index = JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')) as {
      entries: Record<string, { type: 'story' | 'docs'; title: string }>;
    };
    const files = readdirSync(join(REPO_ROOT, 'stories')).filter((f) => f.endsWith('.stories.tsx'));
    const expected = files.flatMap(storyIdsIn);
    expect(expected.length).toBeGreaterThan(30);
    for (const id of expected) expect(index.entries[id], id).toMatchObject({ type: 'story' });
    const docs = Object.values(index.entries).filter((entry) => entry.type === 'docs');
    // Autodocs: one page per component (the Playground opts out).
    expect(new Set(docs.map((d) => d.title))).toEqual(
      new Set(
        files
          .filter((f) => f !== 'Playground.stories.tsx')
          .map((f) => `Components/${f.replace('.stories.tsx', '')}`),
      ),
    );
  });
});
