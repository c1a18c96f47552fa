import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../support/server-process';

/** Where packed tarballs and installed consumer apps are kept between runs. */
const CACHE = join(REPO_ROOT, '.cache/consumer');
const APP_SOURCE = join(REPO_ROOT, 'test/consumer/app');
/** Everything the packed library and the app depend on. */
const INPUTS = [
  'src',
  'package.json',
  'package-lock.json',
  'vite.config.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/finish-declarations.mjs',
  'README.md',
  'CONTRIBUTING.md',
  'LICENSE',
  'docs',
  'test/consumer/app',
];

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'dist' && name !== 'dist-dev')
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of listFiles(join(REPO_ROOT, input))) {
      hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** Runs a command; rejects with its output when it fails. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else
        reject(new Error(`${command} ${args.join(' ')} failed (${code}) in ${cwd}:\n${output.slice(-4000)}`));
    });
  });
}

const installedVersion = (name: string): string =>
  (
    JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** Under the shared npm lock when the machine has `flock` (it is shared by several engineers). */
const npm = (args: string[], cwd: string) =>
  existsSync('/usr/bin/flock')
    ? run('flock', ['/tmp/hf-npm.lock', 'npm', ...args], cwd)
    : run('npm', args, cwd);

/**
 * Packs the library exactly as `npm pack` would ship it: builds into a staging copy (never the shared
 * `dist/`), with `vite build` and the declarations, then `npm pack` (with `--ignore-scripts`: the
 * staging copy has no sources for the `prepack` build, which has just been done here). Returns the
 * tarball path.
 */
async function packLibrary(dir: string): Promise<string> {
  const stage = join(dir, 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const bin = join(REPO_ROOT, 'node_modules/.bin');
  // As `npm run build` runs it: a production build even when called from a test runner (NODE_ENV=test).
  const production = { ...process.env, NODE_ENV: 'production' };
  await run(
    join(bin, 'vite'),
    ['build', '--outDir', join(stage, 'dist'), '--logLevel', 'warn'],
    REPO_ROOT,
    production,
  );
  await run(
    join(bin, 'tsc'),
    ['-p', 'tsconfig.build.json', '--declarationDir', join(stage, 'dist/types')],
    REPO_ROOT,
  );
  await run(process.execPath, ['scripts/finish-declarations.mjs', join(stage, 'dist/types')], REPO_ROOT);
  cpSync(join(REPO_ROOT, 'package.json'), join(stage, 'package.json'));
  // Everything else `files` packs beside `dist`: the README, the pages and pictures it links to.
  for (const path of ['README.md', 'CONTRIBUTING.md', 'LICENSE', 'docs']) {
    if (existsSync(join(REPO_ROOT, path)))
      cpSync(join(REPO_ROOT, path), join(stage, path), { recursive: true });
  }
  const out = await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], stage);
  const name = out.trim().split('\n').pop() ?? '';
  return join(dir, name);
}

/** The built consumer app: a production build and a development build (where StrictMode double-mounts). */
export interface ConsumerApp {
  /** `vite build` output (production). */
  dist: string;
  /** `vite build --mode development` output with React's development build. */
  distDev: string;
  /** The packed tarball the app installed. */
  tarball: string;
}

/** Builds of other inputs, and unfinished builds, older than this are removed (another run may use them). */
const STALE_MS = 15 * 60_000;

/** Removes finished builds of other inputs and abandoned unfinished ones, once they are {@link STALE_MS} old. */
function removeStaleBuilds(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    if (name === keep) continue;
    const path = join(CACHE, name);
    try {
      const done = join(path, 'done');
      const age = Date.now() - statSync(existsSync(done) ? done : path).mtimeMs;
      if (age > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile by another run
    }
  }
}

/**
 * A plain Vite React app that installs the PACKED library (`npm pack` → `npm install <tarball>`) and
 * builds with its stock config. Cached in .cache/consumer while the library and the app are unchanged.
 * Safe when several test runs (several engineers) build at once: each builds in a directory of its own
 * and renames it into place when done; the first to finish wins, the others use its build.
 */
export async function buildConsumerApp(): Promise<ConsumerApp> {
  const hash = inputsHash();
  const final = join(CACHE, hash);
  const resultIn = (dir: string) => ({
    dist: join(dir, 'app/dist'),
    distDev: join(dir, 'app/dist-dev'),
    tarball: join(dir, 'holdfast.tgz'),
  });
  if (existsSync(join(final, 'done'))) return resultIn(final);
  mkdirSync(CACHE, { recursive: true });
  removeStaleBuilds(hash);
  const dir = join(CACHE, `${hash}.tmp-${process.pid}-${Date.now()}`);
  const app = join(dir, 'app');
  const result = resultIn(dir);
  mkdirSync(dir, { recursive: true });
  try {
    const packed = await packLibrary(dir);
    cpSync(packed, result.tarball);
    cpSync(APP_SOURCE, app, { recursive: true });
    const peers = ['react', 'react-dom', 'zustand', 'socket.io-client', 'simple-peer'];
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify(
        {
          name: 'holdfast-consumer-fixture',
          private: true,
          type: 'module',
          scripts: { build: 'vite build' },
          dependencies: {
            holdfast: `file:${result.tarball}`,
            ...Object.fromEntries(peers.map((name) => [name, installedVersion(name)])),
          },
          devDependencies: {
            vite: installedVersion('vite'),
            '@vitejs/plugin-react': installedVersion('@vitejs/plugin-react'),
          },
        },
        null,
        2,
      )}\n`,
    );
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    const vite = join(app, 'node_modules/.bin/vite');
    await run(vite, ['build', '--logLevel', 'warn'], app, { ...process.env, NODE_ENV: 'production' });
    await run(vite, ['build', '--mode', 'development', '--outDir', 'dist-dev', '--logLevel', 'warn'], app, {
      ...process.env,
      NODE_ENV: 'development',
    });
    writeFileSync(join(dir, 'done'), new Date().toISOString());
    // An unfinished directory of the old layout (no `done`) is not a build: replace it.
    if (existsSync(final) && !existsSync(join(final, 'done')))
      rmSync(final, { recursive: true, force: true });
    renameSync(dir, final);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    // Another run finished the same build first.
    if (existsSync(join(final, 'done'))) return resultIn(final);
    throw error;
  }
  return resultIn(final);
}
