#!/usr/bin/env node
/**
 * Finishes the declarations `tsc -p tsconfig.build.json` emits, so they work under every module
 * resolution an app may use:
 * - writes the declaration of `holdfast/styles.css` (the `types` condition of its export): an empty
 *   module, so `import 'holdfast/styles.css'` type-checks under `noUncheckedSideEffectImports` (on by
 *   default in current TypeScript; TS2882 without it) outside bundlers that declare `*.css` themselves;
 * - gives every relative specifier in the `.d.ts` files its `.js` extension (`./session` →
 *   `./session.js`, `./react` → `./react/index.js`): under `moduleResolution: node16`/`nodenext` (a Node
 *   server importing `holdfast/server`, say) an extensionless relative import does not resolve, and
 *   every type behind it silently becomes `any`. The source keeps extensionless imports (Vite's style).
 *
 * Usage: `node scripts/finish-declarations.mjs [declarationDir]` (default `dist/types`); `npm run build`
 * runs it after `tsc`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? 'dist/types');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'styles.css.d.ts'),
  "// `import 'holdfast/styles.css'` loads holdfast's default theme; it exports nothing.\nexport {};\n",
);

/** Every `.d.ts` under `root`. */
function declarations(root) {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return declarations(path);
    return name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `specifier` (relative, from the file in `from`) with the extension Node's ESM resolution needs. */
function withExtension(specifier, from) {
  if (/\.(js|mjs|cjs|json|css)$/.test(specifier)) return specifier;
  const target = resolve(from, specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier.replace(/\/$/, '')}/index.js`;
  throw new Error(`${specifier} (from ${from}) resolves to no declaration`);
}

// `from '…'`, `import '…'`, `import('…')` with a relative specifier.
const RELATIVE = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*|\.{1,2})\2/g;
let changed = 0;
for (const file of declarations(dir)) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(
    RELATIVE,
    (_, lead, quote, specifier) => `${lead}${quote}${withExtension(specifier, dirname(file))}${quote}`,
  );
  if (next !== text) {
    writeFileSync(file, next);
    changed += 1;
  }
}
console.log(
  `finish-declarations: styles.css.d.ts written; relative imports given extensions in ${changed} files`,
);
