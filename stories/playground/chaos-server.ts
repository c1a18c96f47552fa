/**
 * The playground's chaos sidecar (Node): a two-node in-memory holdfast cluster (dev tokens on), one TCP
 * proxy per participant per node, and, when coturn is installed, a TURN relay with one UDP path per
 * participant. A small HTTP API (CORS open, loopback only) lets the Playground story drop, reset and
 * cut a participant's paths for N seconds, and crash, rotate, restart or cut off a node.
 *
 * `node --import tsx stories/playground/chaos-server.ts [--node-ports 4000,0] [--port 0] [--participants A,B,C]`
 * prints one JSON line `{"msg":"chaos listening","url":…,"nodes":[…]}`; the nodes log pino JSON lines.
 */
import { accessSync, constants } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import type { LogLevel } from '../../src/server';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { TURNSERVER_PATH, TurnServer } from '../../test/support/turn';
import { UdpProxy } from '../../test/support/udp-proxy';
import { type ChaosAnswer, type ChaosConfig, MAX_FAULT_MS } from './chaos-api';
import { PlaygroundNodes } from './playground-nodes';

interface Paths {
  /** Node id → this participant's proxy to that node. */
  signaling: Map<string, TcpProxy>;
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
  nodes: PlaygroundNodes;
  close(): Promise<void>;
}

/** Options of {@link startChaosServer}. */
export interface ChaosServerOptions {
  /** The API's port. @default 0 (a free one) */
  port?: number;
  /** One port per node. @default [0, 0] */
  nodePorts?: number[];
  /** @default ['A', 'B', 'C'] */
  participants?: string[];
  /** The nodes' REST secret. @default a random one */
  secret?: string;
  /** @default 'info' */
  logLevel?: LogLevel;
}

/** Starts the nodes, the proxies, TURN (when installed) and the HTTP API. */
export async function startChaosServer(options: ChaosServerOptions = {}): Promise<ChaosServer> {
  const names = options.participants ?? ['A', 'B', 'C'];
  const nodes = await PlaygroundNodes.start({
    ports: options.nodePorts ?? [0, 0],
    secret: options.secret ?? crypto.randomUUID(),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const turn = hasCoturn() ? await TurnServer.start() : null;
  const paths = new Map<string, Paths>();
  for (const name of names) {
    const signaling = new Map<string, TcpProxy>();
    for (const node of nodes.nodes)
      signaling.set(node.id, await TcpProxy.start({ port: Number(new URL(node.url).port) }));
    const media = turn ? await UdpProxy.start({ port: turn.port }) : null;
    paths.set(name, { signaling, media, timers: new Set() });
  }
  const config: ChaosConfig = {
    nodes: nodes.nodes,
    participants: names.map((name) => {
      const { signaling, media } = paths.get(name) as Paths;
      const routes = Object.fromEntries(
        nodes.nodes.map((node) => [node.url, (signaling.get(node.id) as TcpProxy).url]),
      );
      return media && turn
        ? { name, routes, iceServers: [turn.iceServer(media.port)], iceTransportPolicy: 'relay' }
        : { name, routes };
    }),
    capabilities: { media: turn !== null },
  };

  const later = (path: Paths, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      path.timers.delete(timer);
      fn();
    }, ms);
    path.timers.add(timer);
  };
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

  /** Carries out one POST; throws an Error whose message is shown to the user. */
  const act = async (kind: string, name: string, action: string, url: URL): Promise<string> => {
    const ms = Math.min(MAX_FAULT_MS, Math.max(0, Number(url.searchParams.get('ms') ?? 5000) || 0));
    if (kind === 'nodes') {
      if (action === 'crash') return nodes.crash(name);
      if (action === 'rotate') return nodes.rotate(name, ms);
      if (action === 'restart') return nodes.restart(name);
      if (action === 'isolate') {
        const cut = [...paths.values()].flatMap((p) => {
          const proxy = p.signaling.get(name);
          return proxy ? [{ p, proxy }] : [];
        });
        if (cut.length === 0) throw new Error(`no node ${name}`);
        for (const { p, proxy } of cut) {
          proxy.blackhole();
          later(p, ms, () => proxy.restore());
        }
        return `${name} cut off from every participant for ${seconds(ms)} (its lease stays held)`;
      }
      throw new Error('unknown node action');
    }
    const path = paths.get(name);
    if (!path) throw new Error(`no participant ${name}`);
    if (kind === 'signaling' && action === 'drop') {
      for (const proxy of path.signaling.values()) {
        proxy.blackhole();
        later(path, ms, () => proxy.restore());
      }
      return `${name}'s signaling blackholed for ${seconds(ms)} (no FIN, no RST)`;
    }
    if (kind === 'signaling' && action === 'reset') {
      for (const proxy of path.signaling.values()) proxy.reset();
      return `${name}'s signaling connections reset (RST)`;
    }
    if (kind === 'media' && action === 'cut') {
      const media = path.media;
      if (!media) throw new Error('media paths need coturn (/usr/bin/turnserver)');
      const newPath = url.searchParams.get('newPath') === '1';
      media.cut();
      later(path, ms, () => media.restore({ newPath }));
      return `${name}'s media cut for ${seconds(ms)}${newPath ? ', back on a new path' : ''}`;
    }
    throw new Error('unknown route');
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST',
      });
      res.end(body === null ? '' : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return reply(204, null);
    if (req.method === 'GET' && url.pathname === '/config') return reply(200, config);
    if (req.method === 'GET' && url.pathname === '/nodes') return reply(200, nodes.status());
    if (req.method !== 'POST') return reply(405, { ok: false, message: 'POST only' });
    let parts: string[];
    try {
      parts = url.pathname.split('/').map(decodeURIComponent);
    } catch {
      return reply(400, { ok: false, message: 'malformed path' } satisfies ChaosAnswer);
    }
    const [, kind = '', name = '', action = ''] = parts;
    act(kind, name, action, url).then(
      (message) => reply(200, { ok: true, message } satisfies ChaosAnswer),
      (error: unknown) =>
        reply(400, { ok: false, message: error instanceof Error ? error.message : String(error) }),
    );
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
    nodes,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      for (const path of paths.values()) {
        for (const timer of path.timers) clearTimeout(timer);
        for (const proxy of path.signaling.values()) await proxy.close();
        await path.media?.close();
      }
      await turn?.stop();
      await nodes.close();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'node-ports': { type: 'string', default: '0,0' },
      port: { type: 'string', default: '0' },
      participants: { type: 'string', default: 'A,B,C' },
    },
  });
  const nodePorts = values['node-ports'].split(',').map(Number);
  if (nodePorts.length < 1 || nodePorts.some((p) => !Number.isInteger(p) || p < 0))
    throw new Error('--node-ports takes a comma-separated list of ports (0: any free one)');
  const chaos = await startChaosServer({
    nodePorts,
    port: Number(values.port),
    participants: values.participants.split(',').filter(Boolean),
    ...(process.env.HOLDFAST_SECRET ? { secret: process.env.HOLDFAST_SECRET } : {}),
  });
  console.log(
    JSON.stringify({
      msg: 'chaos listening',
      url: chaos.url,
      nodes: chaos.config.nodes,
      capabilities: chaos.config.capabilities,
    }),
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
