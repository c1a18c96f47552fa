#!/usr/bin/env node
/**
 * Writes the declaration of `holdfast/styles.css` (the `types` condition of its export): an empty
 * module, so `import 'holdfast/styles.css'` type-checks under `noUncheckedSideEffectImports` (on by
 * default in current TypeScript; TS2882 without it) outside bundlers that declare `*.css` themselves.
 *
 * Usage: `node scripts/write-style-types.mjs [declarationDir]` (default `dist/types`); `npm run build`
 * runs it after `tsc`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist/types';
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'styles.css.d.ts'),
  "// `import 'holdfast/styles.css'` loads holdfast's default theme; it exports nothing.\nexport {};\n",
);
