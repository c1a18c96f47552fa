/**
 * The playground's chaos sidecar (Node): one TCP proxy per participant in front of the holdfast server,
 * and, when coturn is installed, a TURN relay with one UDP path per participant. A small HTTP API (CORS
 * open, loopback only) lets the Playground story drop, reset and cut those paths for N seconds, and ask
 * `npm start` (over IPC) to crash or freeze the server process.
 *
 * `node --import tsx stories/playground/chaos-server.ts --server-port 4000 [--port 0] [--participants A,B,C]`
 * prints one JSON line `{"msg":"chaos listening","url":…}`.
 */
import { accessSync, constants } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { TURNSERVER_PATH, TurnServer } from '../../test/support/turn';
import { UdpProxy } from '../../test/support/udp-proxy';
import { type ChaosConfig, MAX_FAULT_MS, type ServerAction } from './chaos-api';

interface Paths {
  signaling: TcpProxy;
  media: UdpProxy | null;
  timers: Set<ReturnType<typeof setTimeout>>;
}

const hasCoturn = () => {
  try {
    accessSync(TURNSERVER_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A running sidecar; see the module comment. */
export interface ChaosServer {
  url: string;
  config: ChaosConfig;
  close(): Promise<void>;
}

/** Starts the proxies, TURN (when installed) and the HTTP API. */
export async function startChaosServer(options: {
  serverPort: number;
  port?: number;
  participants?: string[];
  /** Carries out server actions; without it the server controls are off. */
  serverControl?: (action: ServerAction) => void;
}): Promise<ChaosServer> {
  const names = options.participants ?? ['A', 'B', 'C'];
  const turn = hasCoturn() ? await TurnServer.start() : null;
  const paths = new Map<string, Paths>();
  for (const name of names) {
    const signaling = await TcpProxy.start({ port: options.serverPort });
    const media = turn ? await UdpProxy.start({ port: turn.port }) : null;
    paths.set(name, { signaling, media, timers: new Set() });
  }
  const config: ChaosConfig = {
    serverUrl: `http://127.0.0.1:${options.serverPort}`,
    participants: names.map((name) => {
      const { signaling, media } = paths.get(name) as Paths;
      return media && turn
        ? {
            name,
            serverUrl: signaling.url,
            iceServers: [turn.iceServer(media.port)],
            iceTransportPolicy: 'relay',
          }
        : { name, serverUrl: signaling.url };
    }),
    capabilities: { media: turn !== null, server: options.serverControl !== undefined, rotation: false },
  };

  const later = (path: Paths, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      path.timers.delete(timer);
      fn();
    }, ms);
    path.timers.add(timer);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST',
      });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return reply(204, null);
    if (req.method === 'GET' && url.pathname === '/config') return reply(200, config);
    if (req.method !== 'POST') return reply(405, { error: 'POST only' });
    const ms = Math.min(MAX_FAULT_MS, Math.max(0, Number(url.searchParams.get('ms') ?? 5000) || 0));
    const [, kind, name, action] = url.pathname.split('/').map(decodeURIComponent);
    if (kind === 'server') {
      if (!options.serverControl) return reply(501, { error: 'server controls need `npm start`' });
      const what = name === 'crash' ? { action: 'crash' as const } : { action: 'freeze' as const, ms };
      options.serverControl({ type: 'holdfast-server', ...what });
      return reply(202, { ok: true });
    }
    const path = paths.get(name ?? '');
    if (!path) return reply(404, { error: `no participant ${name}` });
    if (kind === 'signaling' && action === 'drop') {
      path.signaling.blackhole();
      later(path, ms, () => path.signaling.restore());
      return reply(202, { ok: true, restoresInMs: ms });
    }
    if (kind === 'signaling' && action === 'reset') {
      path.signaling.reset();
      return reply(202, { ok: true });
    }
    if (kind === 'media' && action === 'cut') {
      const media = path.media;
      if (!media) return reply(501, { error: 'media paths need coturn (/usr/bin/turnserver)' });
      const newPath = url.searchParams.get('newPath') === '1';
      media.cut();
      later(path, ms, () => media.restore({ newPath }));
      return reply(202, { ok: true, restoresInMs: ms, newPath });
    }
    return reply(404, { error: 'unknown route' });
  };

  const http = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('chaos server is not listening');
  return {
    url: `http://127.0.0.1:${address.port}`,
    config,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      for (const path of paths.values()) {
        for (const timer of path.timers) clearTimeout(timer);
        await path.signaling.close();
        await path.media?.close();
      }
      await turn?.stop();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'server-port': { type: 'string' },
      port: { type: 'string', default: '0' },
      participants: { type: 'string', default: 'A,B,C' },
    },
  });
  const serverPort = Number(values['server-port']);
  if (!Number.isInteger(serverPort) || serverPort <= 0) throw new Error('--server-port is required');
  const send = process.send?.bind(process);
  const chaos = await startChaosServer({
    serverPort,
    port: Number(values.port),
    participants: values.participants.split(',').filter(Boolean),
    ...(send ? { serverControl: (action: ServerAction) => send(action) } : {}),
  });
  console.log(
    JSON.stringify({ msg: 'chaos listening', url: chaos.url, capabilities: chaos.config.capabilities }),
  );
  const stop = () => void chaos.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
