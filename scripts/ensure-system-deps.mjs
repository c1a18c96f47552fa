#!/usr/bin/env node
/**
 * Makes sure the system programs the real-browser tests and the benchmark need are installed:
 * Debian's `chromium` (driven by playwright-core through `executablePath`), `coturn` (`turnserver`,
 * the local TURN relay of the media fault tests) and `redis-server` (the cluster registry of the
 * multi-node tests; each test starts and stops its own).
 *
 * A fast no-op when both are present. When one is missing and we run as root, installs the missing
 * packages with apt-get (non-interactive); otherwise exits 1 with the command to run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Debian package → executables that prove it is installed (any one is enough). */
const REQUIRED = [
  { pkg: 'chromium', bins: ['/usr/lib/chromium/chromium', '/usr/bin/chromium'] },
  { pkg: 'coturn', bins: ['/usr/bin/turnserver'] },
  { pkg: 'redis-server', bins: ['/usr/bin/redis-server'] },
];

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const missing = REQUIRED.filter(({ bins }) => !bins.some(isExecutable)).map(({ pkg }) => pkg);
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = isExecutable('/usr/bin/apt-get');

if (!isRoot || !hasApt) {
  console.error(
    `[holdfast] missing system packages: ${missing.join(', ')}.\n` +
      `The real-browser tests and the benchmark need Debian's chromium, coturn and redis-server.\n` +
      (hasApt
        ? `Install them as root:\n  sudo sh -c '${command}'`
        : `Install the equivalents of Debian's "${missing.join('" and "')}" with your system's package manager ` +
          `(chromium must be at /usr/bin/chromium, turnserver at /usr/bin/turnserver and redis-server at /usr/bin/redis-server).`),
  );
  process.exit(1);
}

console.error(`[holdfast] installing missing system packages: ${missing.join(', ')} (${command})`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env });
const update = run(['update']);
const install = update.status === 0 ? run(['install', '-y', ...missing]) : update;
const stillMissing = REQUIRED.filter(({ bins }) => !bins.some(isExecutable)).map(({ pkg }) => pkg);
if (install.status !== 0 || stillMissing.length > 0) {
  console.error(
    `[holdfast] could not install ${stillMissing.join(', ') || missing.join(', ')}; run this as root: ${command}`,
  );
  process.exit(1);
}
console.error('[holdfast] system packages ready');
