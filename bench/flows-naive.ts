import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { Server } from 'socket.io';
import { newPage } from '../test/support/chromium';
import { Net } from '../test/support/netns';
import { type PageServer, startPageServer } from '../test/support/page-server';
import { TurnServer } from '../test/support/turn';
import { buildBenchPage } from './lib/build-page';

/**
 * The naive app's signaling server: socket.io on its defaults. A socket `join`s a room and is answered
 * with the ids of the sockets already there; `signal` is relayed to one socket; a socket that leaves is
 * announced as `left`. Listens on `host`.
 */
export async function startNaiveSignaling(host: string): Promise<{ url: string; close(): Promise<void> }> {
  const http: HttpServer = createServer();
  const io = new Server(http, { cors: { origin: '*' } });
  io.on('connection', (socket) => {
    let room: string | null = null;
    socket.on('join', async (name: unknown, reply: unknown) => {
      if (typeof name !== 'string' || typeof reply !== 'function') return;
      room = name;
      const others = (await io.in(name).fetchSockets()).map((other) => other.id);
      await socket.join(name);
      reply(others);
    });
    socket.on('signal', (message: { to?: unknown; data?: unknown } | null) => {
      if (typeof message?.to !== 'string') return;
      io.to(message.to).emit('signal', { from: socket.id, data: message.data });
    });
    socket.on('disconnect', () => {
      if (room) socket.to(room).emit('left', socket.id);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}

/** One participant of the naive app: its namespace, browser and page. */
export interface NaiveParty {
  name: string;
  net: Awaited<ReturnType<Net['addParticipant']>>;
  page: Page;
}

/**
 * The naive app (bench/flows-naive-page) in the same network setup as holdfast's consumer flows: a
 * bridge, one namespace and browser per participant, its signaling server, its pages and optionally
 * coturn (relay-only ICE) on the bridge address.
 */
export class NaiveCall {
  #count = 0;

  private constructor(
    readonly net: Net,
    readonly signaling: { url: string; close(): Promise<void> },
    readonly pages: PageServer,
    readonly turn: TurnServer | null,
  ) {}

  static async start({ turn = false }: { turn?: boolean } = {}): Promise<NaiveCall> {
    const dir = await buildBenchPage('flows-naive-page');
    const net = await Net.create();
    try {
      const relay = turn ? await TurnServer.start({ listeningIp: net.bridgeIp, relayPorts: 100 }) : null;
      const signaling = await startNaiveSignaling(net.bridgeIp);
      const pages = await startPageServer(dir, { host: net.bridgeIp });
      return new NaiveCall(net, signaling, pages, relay);
    } catch (error) {
      await net.dispose();
      throw error;
    }
  }

  /** A namespace, a browser and the naive page in it, in `room`; `init` runs in every document first. */
  async join(name: string, room: string, init: string): Promise<NaiveParty> {
    this.#count += 1;
    const net = await this.net.addParticipant(`${name}${this.#count}`);
    const browser = await net.launchChromium({ secureOrigins: [this.pages.url] });
    const page = await newPage(browser);
    await page.addInitScript(init);
    const url = new URL(this.pages.url);
    url.searchParams.set('server', this.signaling.url);
    url.searchParams.set('room', room);
    if (this.turn) {
      url.searchParams.set('ice', JSON.stringify([this.turn.iceServer()]));
      url.searchParams.set('relay', '1');
    }
    await page.goto(url.toString(), { waitUntil: 'load', timeout: 30_000 });
    return { name, net, page };
  }

  async dispose(): Promise<void> {
    await this.net.dispose();
    await this.pages.close().catch(() => {});
    await this.signaling.close().catch(() => {});
    await this.turn?.stop().catch(() => {});
  }
}
