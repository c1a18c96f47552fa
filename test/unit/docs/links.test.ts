import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingSlug, isExternal, markdownAnchors, markdownLinks } from './markdown-links';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The files `npm pack` would put in the tarball (paths relative to the package root). */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 30_000,
  });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set((pack?.files ?? []).map((file) => file.path));
}

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** Every relative link of `file` that does not resolve inside the tarball, as readable lines. */
function brokenLinks(file: string, packed: Set<string>): string[] {
  const broken: string[] = [];
  for (const { target, line } of markdownLinks(read(file))) {
    if (isExternal(target)) continue;
    const [path = '', anchor] = target.split('#');
    const resolved = path === '' ? file : normalize(join(dirname(file), decodeURI(path)));
    const where = `${file}:${line} → ${target}`;
    if (!packed.has(resolved)) {
      broken.push(`${where}: ${resolved} is not in the packed tarball`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !markdownAnchors(read(resolved)).has(anchor))
      broken.push(`${where}: no heading or anchor "${anchor}" in ${resolved}`);
  }
  return broken;
}

describe('the documentation in the packed tarball', () => {
  const packed = packedFiles();
  const markdown = [...packed].filter((path) => path.endsWith('.md')).sort();

  it('packs the README and the docs pages', () => {
    expect(markdown).toContain('README.md');
    expect(markdown.filter((path) => path.startsWith('docs/'))).not.toEqual([]);
  });

  it('keeps the README under 250 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThan(250);
  });

  it('resolves every relative link, image and anchor of every packed markdown file', () => {
    expect(markdown.flatMap((file) => brokenLinks(file, packed))).toEqual([]);
  });
});

describe('markdown link helpers', () => {
  it('makes GitHub heading anchors', () => {
    expect(headingSlug('What holdfast does on each fault')).toBe('what-holdfast-does-on-each-fault');
    expect(headingSlug('`<SessionProvider>`')).toBe('sessionprovider');
    expect(headingSlug('11. Server CLI: `holdfast-server`')).toBe('11-server-cli-holdfast-server');
  });

  it('finds links and images outside code, and numbers repeated headings', () => {
    const text = [
      '# A',
      '## A',
      '## `<B>`',
      '![x](a.png) [y](b.md#a-1)',
      '```',
      '[z](c.md)',
      '```',
      '`[w](d.md)`',
    ];
    expect(markdownLinks(text.join('\n')).map((link) => link.target)).toEqual(['a.png', 'b.md#a-1']);
    expect([...markdownAnchors(text.join('\n'))]).toEqual(['a', 'a-1', 'b']);
  });
});
