import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process';
import { buildStorybook } from '../support/storybook-build';

/** Every story file: the component files in stories/, the provider and hook pages in stories/react/. */
function storyFiles(): string[] {
  return ['', 'react'].flatMap((dir) =>
    readdirSync(join(REPO_ROOT, 'stories', dir))
      .filter((f) => f.endsWith('.stories.tsx'))
      .map((f) => (dir ? `${dir}/${f}` : f)),
  );
}

function titleOf(file: string): string {
  const source = readFileSync(join(REPO_ROOT, 'stories', file), 'utf8');
  return /title: '([^']+)'/.exec(source)?.[1] ?? '';
}

/** Story ids Storybook derives from `title` and export name. */
function storyIdsIn(file: string): string[] {
  const source = readFileSync(join(REPO_ROOT, 'stories', file), 'utf8');
  // Storybook's sanitize(): titles are lowercased as written; export names are start-cased first.
  const sanitize = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  const startCase = (name: string) =>
    name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2');
  const exports = [...source.matchAll(/^export const (\w+)/gm)].map((m) => m[1] as string);
  return exports.map((name) => `${sanitize(titleOf(file))}--${sanitize(startCase(name))}`);
}

describe('build-storybook', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'hf-storybook-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds a static Storybook that opens on the introduction, with every story, a docs page per component, provider and hook, and the Playground', async () => {
    await buildStorybook(outDir);
    expect(existsSync(join(outDir, 'iframe.html'))).toBe(true);
    expect(existsSync(join(outDir, 'holdfast-logo.svg'))).toBe(true);
    const index = JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')) as {
      entries: Record<string, { id: string; type: 'story' | 'docs'; title: string }>;
    };
    const files = storyFiles();
    const expected = files.flatMap(storyIdsIn);
    expect(expected.length).toBeGreaterThan(45);
    for (const id of expected) expect(index.entries[id], id).toMatchObject({ type: 'story' });
    const docs = Object.values(index.entries).filter((entry) => entry.type === 'docs');
    // Autodocs: one page per component, provider and hook (the Playground opts out), and the introduction.
    expect(new Set(docs.map((d) => d.title))).toEqual(
      new Set(['Introduction', ...files.filter((f) => f !== 'Playground.stories.tsx').map(titleOf)]),
    );
    expect(new Set(docs.map((d) => d.title))).toContain('React/useReconnectState');
    // The first entry is what Storybook opens on.
    expect(Object.values(index.entries)[0]?.id).toBe('introduction--docs');
  });
});
