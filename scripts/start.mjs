#!/usr/bin/env node
/**
 * `npm start`: runs the holdfast server in dev mode on an in-memory registry (port 4000, or $PORT),
 * then prints how to get a session and a token. Works on a fresh machine after `npm install`: the
 * TypeScript source runs through tsx (a devDependency), no build step.
 *
 * Every child process is started here, listed in `children`, and stopped (SIGTERM by pid, then SIGKILL)
 * when this script is stopped (Ctrl+C / SIGTERM) or when any child exits. More children (Storybook)
 * are added with another `startChild(...)` call.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PORT = process.env.PORT ?? '4000';
const SECRET = process.env.HOLDFAST_SECRET || randomBytes(24).toString('hex');
const STOP_GRACE_MS = 5000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
let stopping = false;

/**
 * Starts a child with piped stdout (each line goes to `onLine`) and inherited stderr.
 * @param {string} name
 * @param {string[]} args arguments of `node`
 * @param {{ env?: NodeJS.ProcessEnv, onLine: (line: string) => void }} options
 */
function startChild(name, args, { env = process.env, onLine }) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  createInterface({ input: child.stdout }).on('line', onLine);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    console.error(`[start] ${name} exited (${code ?? signal}); stopping everything`);
    void stopAll(code === 0 ? 1 : (code ?? 1));
  });
  return child;
}

/** Stops every child (SIGTERM, then SIGKILL after a grace) and exits with `exitCode`. */
async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(exitCode);
}

/** One pino JSON line as `[server] level msg key=value …` (non-JSON lines as they are). */
function formatServerLine(text) {
  let line;
  try {
    line = JSON.parse(text);
  } catch {
    return `[server] ${text}`;
  }
  const { level, time, msg, nodeId, event, ...fields } = line;
  const names = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `[server] ${names[level] ?? level} ${msg}${rest ? ` ${rest}` : ''}`;
}

function printHowTo(url) {
  const auth = `-H 'Authorization: Bearer ${SECRET}'`;
  const json = `-H 'Content-Type: application/json'`;
  console.log(`
holdfast server (dev mode, in memory) on ${url}  —  socket.io path /holdfast

Create a session (REST, with the server secret; idempotent on customSessionId):
  curl -s -X POST ${url}/api/sessions ${auth} ${json} -d '{"customSessionId":"demo"}'

Create a connection token for it:
  curl -s -X POST ${url}/api/sessions/demo/connections ${auth} ${json} -d '{"data":"alice","role":"publisher"}'

Or in one call, dev mode only, no secret (creates the session if missing):
  curl -s -X POST ${url}/dev/token ${json} -d '{"sessionId":"demo"}'

Health: curl -s ${url}/api/health    Secret: ${SECRET} (set HOLDFAST_SECRET to choose it)
Protocol and REST reference: docs/protocol.md. Ctrl+C stops everything.
`);
}

startChild('server', ['--import', 'tsx', 'src/server/cli.ts', '--dev', '--port', PORT], {
  env: { ...process.env, HOLDFAST_SECRET: SECRET },
  onLine: (text) => {
    console.log(formatServerLine(text));
    if (text.includes('"msg":"listening"')) printHowTo(JSON.parse(text).url);
  },
});

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopAll(0));
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
