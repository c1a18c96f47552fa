/**
 * The API report: what each package entry (`holdfast`, `holdfast/core`, …) exports, as the declarations
 * `tsc` emits for it, one checked-in file per entry under `api/`, and the root entry's names in
 * `docs/react.md` (between `<!-- api:root:start -->` and `<!-- api:root:end -->`).
 *
 * `npm run api:update` rewrites them; `test/unit/api-report.test.ts` (in `npm test`) regenerates them
 * and fails on any difference, so a change of the public surface is always a deliberate one.
 *
 * How: `tsc` (TypeScript 7, the native compiler) emits the declarations into `.cache/api-report/`; the
 * TypeScript 7 API (`typescript/unstable/sync`, the checker over IPC) lists each entry's exports,
 * resolves them to their declarations and prints those; type references to names an entry does not
 * export are listed as "referenced, not exported". See docs/decisions.md ("API report").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'typescript/unstable/ast';
import {
  isExpressionWithTypeArguments,
  isIdentifier,
  isTypeQueryNode,
  isTypeReferenceNode,
} from 'typescript/unstable/ast/is';
import {
  API,
  type Checker,
  type Emitter,
  SymbolFlags,
  type Symbol as TsSymbol,
} from 'typescript/unstable/sync';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the report files live. */
export const API_DIR = 'api';
/** The page listing the root entry's names, and its markers. */
export const ROOT_NAMES_PAGE = 'docs/react.md';
export const ROOT_NAMES_START = '<!-- api:root:start -->';
export const ROOT_NAMES_END = '<!-- api:root:end -->';

/** One package entry: its specifier and its emitted declaration file (relative to the types dir). */
interface Entry {
  specifier: string;
  types: string;
}

/** One exported name of an entry. */
export interface ExportedName {
  name: string;
  /** Exported as a type only (`export type { … }`), or a type, interface or type alias. */
  typeOnly: boolean;
  kind: string;
}

/** One entry's report. */
export interface EntryReport {
  specifier: string;
  /** The report file, relative to the repository. */
  file: string;
  names: ExportedName[];
  text: string;
}

/** The entries `package.json` exports with declarations under `dist/types/`. */
function packageEntries(root: string): Entry[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(pkg.exports)) {
    const types = typeof value === 'string' ? undefined : value.types;
    if (!types?.startsWith('./dist/types/') || !types.endsWith('.d.ts')) continue;
    // The style sheet's declaration is empty on purpose (it only lets `import 'holdfast/styles.css'` type-check).
    if (key.endsWith('.css')) continue;
    entries.push({
      specifier: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
      types: types.slice(13),
    });
  }
  return entries;
}

const reportFileOf = (specifier: string) => `${API_DIR}/${specifier.replace('/', '-')}.api.md`;

/** Emits the declarations of `src/` with the project's own build config. */
function emitDeclarations(root: string, typesDir: string): void {
  rmSync(typesDir, { recursive: true, force: true });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--declarationDir', typesDir], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    throw new Error(`tsc could not emit the declarations:\n${output}`);
  }
}

const isAlias = (symbol: TsSymbol) => (symbol.flags & SymbolFlags.Alias) !== 0;

function kindOf(symbol: TsSymbol): string {
  const f = symbol.flags;
  if (f & SymbolFlags.Class) return 'class';
  if (f & SymbolFlags.Function) return 'function';
  if (f & SymbolFlags.Enum) return 'enum';
  if (f & SymbolFlags.Variable) return 'const';
  if (f & SymbolFlags.Interface) return 'interface';
  if (f & SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

/** True when the alias is an `export type { … }` (or `export { type … }`) specifier. */
function isTypeOnlyExport(symbol: TsSymbol): boolean {
  return symbol.declarations.some((handle) => {
    const node = handle.resolve() as (Node & { isTypeOnly?: boolean; parent?: Node }) | undefined;
    const declaration = node?.parent?.parent as (Node & { isTypeOnly?: boolean }) | undefined;
    return node?.isTypeOnly === true || declaration?.isTypeOnly === true;
  });
}

/** The statement to print for a declaration node (a `const` is printed with its `export declare const`). */
function statementOf(node: Node): Node {
  let current = node as Node & { parent?: Node };
  // VariableDeclaration → VariableDeclarationList → VariableStatement.
  while (current.parent && /^Variable(Declaration|DeclarationList)$/.test(syntaxKindName(current))) {
    current = current.parent as Node & { parent?: Node };
  }
  return current;
}

let syntaxKinds: Record<number, string> | null = null;
function syntaxKindName(node: Node): string {
  return syntaxKinds?.[node.kind as unknown as number] ?? String(node.kind);
}

/** Names used as types in `node` (type references, `extends`/`implements`, `typeof`). */
function referencedIdentifiers(node: Node, found: Node[] = []): Node[] {
  if (isTypeReferenceNode(node) && isIdentifier(node.typeName)) found.push(node.typeName);
  else if (isExpressionWithTypeArguments(node) && isIdentifier(node.expression)) found.push(node.expression);
  else if (isTypeQueryNode(node) && isIdentifier(node.exprName)) found.push(node.exprName);
  node.forEachChild((child) => {
    referencedIdentifiers(child, found);
    return undefined;
  });
  return found;
}

/** An entry's exported symbols, sorted by name. */
function exportsOf(checker: Checker, sourceFile: Node): TsSymbol[] {
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) throw new Error(`no module symbol for ${sourceFile}`);
  return [...checker.getExportsOfModule(moduleSymbol)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** What each entry's symbols resolve to (symbol id → the first entry exporting it). */
function exportHomes(
  checker: Checker,
  modules: { entry: Entry; exported: TsSymbol[] }[],
): Map<number, string> {
  const homes = new Map<number, string>();
  for (const { entry, exported } of modules) {
    for (const symbol of exported) {
      const target = isAlias(symbol) ? checker.getAliasedSymbol(symbol) : symbol;
      if (!homes.has(target.id)) homes.set(target.id, entry.specifier);
    }
  }
  return homes;
}

function describeEntry(
  entry: Entry,
  exported: TsSymbol[],
  homes: Map<number, string>,
  typesDir: string,
  checker: Checker,
  emitter: Emitter,
): EntryReport {
  const exportedTargets = new Set<number>();
  const names: ExportedName[] = [];
  const blocks: string[] = [];
  const forgotten = new Map<string, string>();
  const printed: Node[] = [];
  for (const symbol of exported) {
    const target = isAlias(symbol) ? checker.getAliasedSymbol(symbol) : symbol;
    exportedTargets.add(target.id);
    const kind = kindOf(target);
    const typeOnly = (isAlias(symbol) && isTypeOnlyExport(symbol)) || kind === 'interface' || kind === 'type';
    names.push({ name: symbol.name, typeOnly, kind });
    const notes: string[] = [];
    if (target.name !== symbol.name) notes.push(`exported as ${symbol.name}`);
    if (typeOnly && (kind === 'class' || kind === 'const' || kind === 'function')) notes.push('a type only');
    const texts: string[] = [];
    for (const handle of target.declarations) {
      const node = handle.resolve();
      if (!node) continue;
      const statement = statementOf(node);
      printed.push(statement);
      texts.push(emitter.printNode(statement).trim());
    }
    const note = notes.length > 0 ? `// ${symbol.name}: ${notes.join('; ')}\n` : '';
    blocks.push(`${note}${texts.join('\n')}`);
  }
  for (const statement of printed) {
    for (const identifier of referencedIdentifiers(statement)) {
      const found = checker.getSymbolAtLocation(identifier);
      if (!found || found.flags & SymbolFlags.TypeParameter) continue;
      const target = isAlias(found) ? checker.getAliasedSymbol(found) : found;
      if (exportedTargets.has(target.id)) continue;
      const path = target.declarations[0]?.path;
      if (!path?.startsWith(typesDir)) continue;
      const home = homes.get(target.id);
      const where = relative(typesDir, path).replace(/\.d\.ts$/, '');
      forgotten.set(target.name, home ? `exported by \`${home}\`` : `${where}, not exported by any entry`);
    }
  }
  const lines = [
    `# API report: \`${entry.specifier}\``,
    '',
    '<!-- Generated by `npm run api:update` from the declarations tsc emits; `npm test` fails when it differs. Do not edit. -->',
    '',
    `${names.length} exported names: ${names.filter((n) => !n.typeOnly).length} values, ${names.filter((n) => n.typeOnly).length} types.`,
    '',
    '```ts',
    blocks.join('\n\n'),
    '```',
    '',
  ];
  if (forgotten.size > 0) {
    lines.push(
      '## Referenced, not exported',
      '',
      'Names the declarations above use that this entry does not export:',
      '',
      ...[...forgotten.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, where]) => `- \`${name}\`: ${where}`),
      '',
    );
  }
  const file = reportFileOf(entry.specifier);
  return { specifier: entry.specifier, file, names, text: lines.join('\n') };
}

/** `text` as the project's formatter leaves it (Biome formats the code blocks of Markdown files too). */
function formatted(root: string, file: string, text: string): string {
  const biome = join(root, 'node_modules/.bin/biome');
  return execFileSync(biome, ['format', `--stdin-file-path=${file}`], { cwd: root, input: text }).toString();
}

/** Builds every entry's report from the current sources. */
export async function buildApiReports(root = REPO_ROOT): Promise<EntryReport[]> {
  const work = join(root, '.cache/api-report');
  const typesDir = join(work, 'types');
  mkdirSync(work, { recursive: true });
  emitDeclarations(root, typesDir);
  const entries = packageEntries(root);
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true },
      files: entries.map((entry) => join(typesDir, entry.types)),
      include: [],
    }),
  );
  const { SyntaxKind } = await import('typescript/unstable/ast');
  syntaxKinds = Object.fromEntries(
    Object.entries(SyntaxKind as unknown as Record<string, number>).map(([name, value]) => [value, name]),
  );
  const api = new API({ cwd: work });
  try {
    const snapshot = api.updateSnapshot({ openProject: join(work, 'tsconfig.json') });
    const project = snapshot.getProjects()[0];
    if (!project) throw new Error('the TypeScript API opened no project');
    const { checker, emitter } = project;
    const modules = entries.map((entry) => {
      const sourceFile = project.program.getSourceFile(join(typesDir, entry.types));
      if (!sourceFile) throw new Error(`no declarations for ${entry.specifier} at ${entry.types}`);
      return { entry, exported: exportsOf(checker, sourceFile) };
    });
    const homes = exportHomes(checker, modules);
    return modules.map(({ entry, exported }) => {
      const report = describeEntry(entry, exported, homes, typesDir, checker, emitter);
      return { ...report, text: formatted(root, report.file, report.text) };
    });
  } finally {
    api.close();
  }
}

/** The root entry's names as `docs/react.md` lists them (values first, then types, each sorted). */
export function rootNamesSection(names: readonly ExportedName[]): string {
  const list = (typeOnly: boolean) =>
    names
      .filter((n) => n.typeOnly === typeOnly)
      .map((n) => `\`${n.name}\``)
      .join(', ');
  return [
    ROOT_NAMES_START,
    '',
    `Values (${names.filter((n) => !n.typeOnly).length}): ${list(false)}.`,
    '',
    `Types (${names.filter((n) => n.typeOnly).length}): ${list(true)}.`,
    '',
    ROOT_NAMES_END,
  ].join('\n');
}

/** The names between the markers of `page` (backticked words), or null when the markers are missing. */
export function namesInSection(page: string): string[] | null {
  const start = page.indexOf(ROOT_NAMES_START);
  const end = page.indexOf(ROOT_NAMES_END);
  if (start < 0 || end < start) return null;
  const section = page.slice(start + ROOT_NAMES_START.length, end);
  return [...section.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((match) => match[1] as string);
}

/** `page` with its root-names section replaced by `section` (appended when missing). */
export function withRootNames(page: string, section: string): string {
  const start = page.indexOf(ROOT_NAMES_START);
  const end = page.indexOf(ROOT_NAMES_END);
  if (start < 0 || end < start) return `${page.trimEnd()}\n\n${section}\n`;
  return page.slice(0, start) + section + page.slice(end + ROOT_NAMES_END.length);
}

/** Rewrites the report files and the root-names section. */
export async function updateApiReports(root = REPO_ROOT): Promise<EntryReport[]> {
  const reports = await buildApiReports(root);
  mkdirSync(join(root, API_DIR), { recursive: true });
  for (const report of reports) writeFileSync(join(root, report.file), report.text);
  const rootReport = reports.find((report) => !report.specifier.includes('/'));
  if (rootReport) {
    const pagePath = join(root, ROOT_NAMES_PAGE);
    const page = existsSync(pagePath) ? readFileSync(pagePath, 'utf8') : '# React\n';
    writeFileSync(pagePath, withRootNames(page, rootNamesSection(rootReport.names)));
  }
  return reports;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const reports = await updateApiReports();
  for (const report of reports) console.log(`${report.file}: ${report.names.length} names`);
  console.log(`${ROOT_NAMES_PAGE}: root names section updated`);
}
