import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

/**
 * An app's file, type-checked against the declarations as the package ships them (`package.json`
 * exports, `tsc -p tsconfig.build.json`, `scripts/finish-declarations.mjs`, as `npm run build` makes
 * them), installed as `node_modules/holdfast`, with the settings of a TypeScript app outside Vite.
 */
describe('the packed types in an app', () => {
  it("type-checks `import 'holdfast/styles.css'` with noUncheckedSideEffectImports (no TS2882), and the types are real under moduleResolution bundler and nodenext", () => {
    const dir = join(REPO_ROOT, '.cache/package-types', String(process.pid));
    const pkg = join(dir, 'node_modules/holdfast');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(pkg, { recursive: true });
    try {
      const types = join(pkg, 'dist/types');
      expect(tsc(['-p', 'tsconfig.build.json', '--declarationDir', types], REPO_ROOT)).toBe('');
      execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/finish-declarations.mjs'), types]);
      cpSync(join(REPO_ROOT, 'package.json'), join(pkg, 'package.json'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
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
            compilerOptions: {
              module,
              moduleResolution,
              target: 'es2022',
              lib: ['es2023', 'dom'],
              strict: true,
              noEmit: true,
              skipLibCheck: true,
              noUncheckedSideEffectImports: true,
              types: [],
            },
            files: ['app.ts'],
          }),
        );
        expect(tsc(['-p', `tsconfig.${moduleResolution}.json`], dir), moduleResolution).toBe('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
