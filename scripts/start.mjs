#!/usr/bin/env node
/**
 * `npm start`: the holdfast server in dev mode (dev tokens, in memory) and the playground. Works on a
 * fresh machine after `npm install`: the TypeScript source runs through tsx (a devDependency), no build
 * step. Prints how to get a session and a token.
 *
 * The playground: the chaos sidecar (stories/playground/chaos-server.ts) runs a two-node in-memory
 * cluster (node-1 on port 4000 or $PORT, node-2 on a free port), a TCP proxy per participant per node,
 * TURN + UDP paths when coturn is installed; then Storybook (port 6006 or $STORYBOOK_PORT, the next free
 * one if taken) with the live Playground story, whose buttons crash, rotate and cut off nodes and break
 * participants' paths. `HOLDFAST_PLAYGROUND=0` runs the CLI server alone (one node).
 *
 * Every child process is started here, listed in `children`, and stopped (SIGINT by pid, then SIGKILL)
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
const PLAYGROUND = process.env.HOLDFAST_PLAYGROUND !== '0';
const STORYBOOK_PORT = process.env.STORYBOOK_PORT ?? '6006';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
let stopping = false;

/**
 * Starts a child with piped stdout (each line goes to `onLine`) and inherited stderr.
 * @param {string} name
 * @param {string[]} args arguments of `node`
 * @param {{ env?: NodeJS.ProcessEnv, onLine: (line: string) => void, ipc?: boolean, onExit?: () => boolean }} options
 *   `onExit` returns true when it handles the exit itself (a planned restart).
 */
function startChild(name, args, { env = process.env, onLine, ipc = false, onExit }) {
  const stdio = ['ignore', 'pipe', 'inherit', ...(ipc ? ['ipc'] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio });
  children.add(child);
  createInterface({ input: child.stdout }).on('line', onLine);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    if (onExit?.()) return;
    console.error(`[start] ${name} exited (${code ?? signal}); stopping everything`);
    void stopAll(code === 0 ? 1 : (code ?? 1));
  });
  return child;
}

/** Stops every child (SIGINT, then SIGKILL after a grace) and exits with `exitCode`. */
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
          child.kill('SIGCONT'); // a frozen (SIGSTOPped) server must wake up to handle the signal
          // SIGINT: stop now (to the holdfast server, SIGTERM means "drain for a rotation").
          child.kill('SIGINT');
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
  const { level, time, msg, nodeId, event, pid, hostname, ...fields } = line;
  const names = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `[${nodeId ?? 'server'}] ${names[level] ?? level} ${msg}${rest ? ` ${rest}` : ''}`;
}

function printHowTo(url) {
  const auth = `-H 'Authorization: Bearer ${SECRET}'`;
  const json = `-H 'Content-Type: application/json'`;
  console.log(`
holdfast server (dev mode, in memory) on ${url}  —  socket.io path /holdfast

Create a session (REST, with the server secret; idempotent on customSessionId):
  curl -s -X POST ${url}/api/sessions ${auth} ${json} -d '{"customSessionId":"demo"}'

Create a connection token for it:
  curl -s -X POST ${url}/api/sessions/demo/connections ${auth} ${json} -d '{"identity":"alice","data":"Alice","role":"publisher"}'

Or in one call, dev mode only, no secret (creates the session if missing):
  curl -s -X POST ${url}/dev/token ${json} -d '{"sessionId":"demo","identity":"alice"}'

Health: curl -s ${url}/api/health    Secret: ${SECRET} (set HOLDFAST_SECRET to choose it)
Protocol and REST reference: docs/protocol.md. Ctrl+C stops everything.
`);
}

/** `HOLDFAST_PLAYGROUND=0`: the CLI server alone (one node, in memory). */
function startServer() {
  startChild('server', ['--import', 'tsx', 'src/server/cli.ts', '--dev', '--port', PORT], {
    env: { ...process.env, HOLDFAST_SECRET: SECRET },
    onLine: (text) => {
      console.log(formatServerLine(text));
      if (text.includes('"msg":"listening"')) printHowTo(JSON.parse(text).url);
    },
  });
}

/**
 * The playground: the chaos sidecar, which runs the two-node in-memory cluster (node-1 on $PORT,
 * node-2 on a free port) and the per-participant proxies, then Storybook pointed at it.
 */
function startPlayground() {
  startChild(
    'chaos sidecar',
    ['--import', 'tsx', 'stories/playground/chaos-server.ts', '--node-ports', `${PORT},0`],
    {
      env: { ...process.env, HOLDFAST_SECRET: SECRET },
      ipc: true,
      onLine: (text) => {
        if (!text.includes('"msg":"chaos listening"')) return console.log(formatServerLine(text));
        const { url, nodes } = JSON.parse(text);
        for (const node of nodes) console.log(`[start] ${node.id} on ${node.url}`);
        printHowTo(nodes[0].url);
        console.log(`[chaos] sidecar on ${url}`);
        startStorybook(url, nodes[0].url);
      },
    },
  );
}

function startStorybook(chaosUrl, serverUrl) {
  startChild(
    'storybook',
    ['node_modules/storybook/dist/bin/dispatcher.js', 'dev', '-p', STORYBOOK_PORT, '--no-open', '--ci'],
    {
      env: {
        ...process.env,
        STORYBOOK_DISABLE_TELEMETRY: '1',
        STORYBOOK_HOLDFAST_CHAOS_URL: chaosUrl,
        STORYBOOK_HOLDFAST_URL: serverUrl,
      },
      onLine: (text) => {
        console.log(`[storybook] ${text}`);
        const local = /Local:\s+(http\S+)/.exec(text);
        if (local)
          console.log(`\nPlayground: ${local[1]}?path=/story/playground-live-call--three-participants\n`);
      },
    },
  );
}

if (PLAYGROUND) startPlayground();
else startServer();

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopAll(0));
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
