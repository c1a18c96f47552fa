#!/usr/bin/env node
/**
 * What one hostile socket costs the server and a healthy pair (issue #18 item 4), as figures.
 *
 *   node scripts/measure-hostile-input.mjs big       # one socket sending 900 KB messages
 *   node scripts/measure-hostile-input.mjs flood64   # one socket sending 60 KB messages (a legal size)
 *
 * Starts the server of this checkout (`src/server/cli.ts` through tsx), joins a healthy pair that pings
 * every 10 ms (A → B → A, round trip measured at A), measures 5 s alone, then 5 s with the attacker
 * (a separate process at nice 10, so its own CPU stands for another machine's) sending as fast as its
 * socket drains and reconnecting whenever it is dropped. Prints one JSON line: the server's CPU (from
 * /proc), the pair's round trip p50/p95, and what happened to the attacker's frames.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(resolve(ROOT, 'package.json'));
const SESSION = 'measure';

if (process.argv[2] === '--attacker') attack(...process.argv.slice(3));
else await measure(process.argv[2] ?? 'big');

/** The attacker: a bare websocket speaking socket.io by hand. */
function attack(url, token, mode) {
  const WebSocket = require('ws');
  const data = 'x'.repeat(mode === 'big' ? 900_000 : 60_000);
  const stats = { sent: 0, closedByServer: 0, answered: 0, rateLimited: 0 };
  const connect = () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/holdfast/?EIO=4&transport=websocket`);
    let seq = 0;
    let joined = false;
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (text.startsWith('0{')) ws.send('40');
      else if (text.startsWith('40'))
        ws.send(
          `420["hf:join",${JSON.stringify({ v: 1, sessionId: SESSION, token, identity: 'attacker' })}]`,
        );
      else if (text === '2') ws.send('3');
      else if (text.startsWith('430[')) joined = true;
      else if (text.startsWith('43')) {
        stats.answered += 1;
        if (text.includes('RATE_LIMITED')) stats.rateLimited += 1;
      }
    });
    const timer = setInterval(() => {
      if (!joined || ws.readyState !== 1 || ws.bufferedAmount > 2_000_000) return;
      seq += 1;
      stats.sent += 1;
      ws.send(`42${seq}["hf:msg",{"seq":${seq},"msg":{"kind":"signal","type":"a","data":"${data}"}}]`);
    }, 1);
    ws.on('close', () => {
      clearInterval(timer);
      stats.closedByServer += 1;
      setTimeout(connect, 0);
    });
    ws.on('error', () => {});
  };
  connect();
  setInterval(() => console.log(JSON.stringify(stats)), 250);
}

async function measure(mode) {
  const { io } = require('socket.io-client');
  const secret = 'measure-secret-0123456789';
  // A high message rate so the pair's 100 pings a second are never what gets limited.
  const args = [
    '--import',
    'tsx',
    'src/server/cli.ts',
    '--port',
    '0',
    '--secret',
    secret,
    '--log-level',
    'error',
  ];
  const server = spawn(
    process.execPath,
    [...args, '--rate-limit-per-sec', '100000', '--rate-limit-burst', '100000'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((done) =>
    createInterface({ input: server.stdout }).on('line', (line) => {
      if (line.includes('"msg":"listening"')) done(JSON.parse(line).url);
    }),
  );
  const rest = async (path, body) =>
    (
      await fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
  await rest('/api/sessions', { customSessionId: SESSION });
  const join = async (identity) => {
    const socket = io(url, {
      path: '/holdfast',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise((done) => socket.once('connect', done));
    const { token } = await rest(`/api/sessions/${SESSION}/connections`, {});
    const reply = await socket.emitWithAck('hf:join', { v: 1, sessionId: SESSION, token, identity });
    return { socket, id: reply.connectionId, seq: 1 };
  };
  const a = await join('a');
  const b = await join('b');
  const signal = (from, type, data, to) =>
    from.socket.emit(
      'hf:msg',
      { seq: from.seq++, msg: { kind: 'signal', type, data, to: [to.id] } },
      () => {},
    );
  b.socket.on('hf:evt', (env) => {
    b.socket.emit('hf:ack', { seq: env.seq });
    if (env.evt.kind === 'signal' && env.evt.type === 'ping') signal(b, 'pong', env.evt.data, a);
  });
  const sentAt = new Map();
  const rtts = [];
  a.socket.on('hf:evt', (env) => {
    a.socket.emit('hf:ack', { seq: env.seq });
    if (env.evt.kind === 'signal' && env.evt.type === 'pong')
      rtts.push(performance.now() - sentAt.get(env.evt.data));
  });
  let n = 0;
  const pinger = setInterval(() => {
    n += 1;
    sentAt.set(n, performance.now());
    signal(a, 'ping', n, b);
  }, 10);
  const cpuSeconds = () => {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const sample = async (ms) => {
    rtts.length = 0;
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    await new Promise((done) => setTimeout(done, ms));
    const cpuPct = (100 * (cpuSeconds() - cpu0)) / ((performance.now() - t0) / 1000);
    const sorted = [...rtts].sort((x, y) => x - y);
    const q = (p) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.toFixed(1));
    return { serverCpuPct: Math.round(cpuPct), rttP50Ms: q(0.5), rttP95Ms: q(0.95), pings: sorted.length };
  };

  await new Promise((done) => setTimeout(done, 1000));
  const alone = await sample(5000);
  const { token } = await rest(`/api/sessions/${SESSION}/connections`, {});
  const self = fileURLToPath(import.meta.url);
  const attacker = spawn('nice', ['-n', '10', process.execPath, self, '--attacker', url, token, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stats = { sent: 0, closedByServer: 0, answered: 0, rateLimited: 0 };
  createInterface({ input: attacker.stdout }).on('line', (line) => {
    stats = JSON.parse(line);
  });
  await new Promise((done) => setTimeout(done, 1500));
  const before = stats;
  const attacked = await sample(5000);
  const attackerIn5s = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v - before[k]]));
  console.log(JSON.stringify({ mode, alone, attacked, attackerIn5s }));
  clearInterval(pinger);
  attacker.kill();
  a.socket.close();
  b.socket.close();
  server.kill('SIGTERM');
  process.exit(0);
}
