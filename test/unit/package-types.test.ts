import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process';

const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

/** Runs tsc; returns its diagnostics ('' when clean). */
function tsc(args: string[], cwd: string): string {
  try {
    execFileSync(process.execPath, [TSC, ...args], { cwd, stdio: 'pipe' });
    return '';
  } catch (error) {
    return (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
  }
}

/** Compiler options of a TypeScript app outside Vite (strict, side-effect imports checked). */
const APP_OPTIONS = {
  target: 'es2022',
  lib: ['es2023', 'dom', 'dom.iterable'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  noUncheckedSideEffectImports: true,
};

/** The pages a user reads, whose TypeScript examples must compile against the package as shipped. */
const DOC_PAGES = ['README.md', 'docs/react.md', 'docs/core.md', 'docs/server.md', 'docs/protocol.md'];

/** Every ```ts / ```tsx block of `page` that imports from holdfast, with its line. */
function examplesOf(page: string): Array<{ line: number; lang: string; code: string }> {
  const text = readFileSync(join(REPO_ROOT, page), 'utf8');
  return [...text.matchAll(/```(tsx|ts)\n([\s\S]*?)```/g)]
    .filter((m) => (m[2] ?? '').includes("from 'holdfast"))
    .map((m) => ({
      line: text.slice(0, m.index).split('\n').length,
      lang: m[1] as string,
      code: m[2] as string,
    }));
}

/**
 * App files type-checked against the declarations as the package ships them (`package.json` exports,
 * `tsc -p tsconfig.build.json`, `scripts/finish-declarations.mjs`, as `npm run build` makes them),
 * installed as `node_modules/holdfast`, with the settings of a TypeScript app outside Vite.
 */
describe('the packed types in an app', () => {
  const dir = join(REPO_ROOT, '.cache/package-types', String(process.pid));
  beforeAll(() => {
    const pkg = join(dir, 'node_modules/holdfast');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(pkg, { recursive: true });
    const types = join(pkg, 'dist/types');
    expect(tsc(['-p', 'tsconfig.build.json', '--declarationDir', types], REPO_ROOT)).toBe('');
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/finish-declarations.mjs'), types]);
    cpSync(join(REPO_ROOT, 'package.json'), join(pkg, 'package.json'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("type-checks `import 'holdfast/styles.css'` with noUncheckedSideEffectImports (no TS2882), and the types are real under moduleResolution bundler and nodenext", () => {
    writeFileSync(
      join(dir, 'app.ts'),
      [
        "import 'holdfast/styles.css';",
        "import { type ReconnectState, SessionProvider } from 'holdfast';",
        "import { createSession } from 'holdfast/core';",
        "import { createServer } from 'holdfast/server';",
        '',
        'export const phaseOf = (state: ReconnectState): string => state.phase;',
        'export const parts = [SessionProvider, createSession] as const;',
        '// The types are real (not `any`): this line must be refused.',
        '// @ts-expect-error a number is no ReconnectState',
        'export const wrong: ReconnectState = 5;',
        '// @ts-expect-error a string is no server option object',
        "export const server = createServer('port 4000');",
        '',
      ].join('\n'),
    );
    // A bundler app, and a Node ESM app (where a relative import without its extension does not resolve).
    for (const [module, moduleResolution] of [
      ['preserve', 'bundler'],
      ['nodenext', 'nodenext'],
    ] as const) {
      writeFileSync(
        join(dir, `tsconfig.${moduleResolution}.json`),
        JSON.stringify({
          compilerOptions: { ...APP_OPTIONS, module, moduleResolution, types: [] },
          files: ['app.ts'],
        }),
      );
      expect(tsc(['-p', `tsconfig.${moduleResolution}.json`], dir), moduleResolution).toBe('');
    }
  }, 120_000);

  it('compiles every TypeScript example of the README and the docs pages that imports holdfast', () => {
    const files: string[] = [];
    for (const page of DOC_PAGES) {
      for (const { line, lang, code } of examplesOf(page)) {
        const name = `example-${page.replace(/[/.]/g, '_')}-${line}.${lang}`;
        // Each example is a module of its own (it imports), so names never clash between examples.
        writeFileSync(join(dir, name), code);
        files.push(name);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(5);
    writeFileSync(
      join(dir, 'tsconfig.examples.json'),
      JSON.stringify({
        compilerOptions: {
          ...APP_OPTIONS,
          module: 'preserve',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
          noUnusedLocals: false,
        },
        files,
      }),
    );
    expect(tsc(['-p', 'tsconfig.examples.json'], dir)).toBe('');
  }, 120_000);
});
