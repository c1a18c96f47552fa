import { createRequire } from 'node:module';
import { io, type Socket } from 'socket.io-client';
import type { ServerProcess } from '../../test/support/server-process';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { delay } from '../../test/support/wait';
import type { GroupOptions } from '../lib/group';

/** One drop trial: ms to notice the loss and ms to be back after restore (null: never, within the bound). */
export interface DropTrial {
  detectMs: number | null;
  recoverMs: number | null;
}

/** Bounds of a drop trial. */
export interface DropBounds {
  dropMs: number;
  detectBoundMs: number;
  recoverBoundMs: number;
}

/** Installed socket.io-client version, for the report. */
export const baselineVersion: string = createRequire(import.meta.url)(
  'socket.io-client/package.json',
).version;

/** Resolves with the time `event` fires on `socket`, or null after `timeoutMs`. */
function nextEvent(
  socket: Socket,
  event: 'connect' | 'disconnect',
  timeoutMs: number,
): Promise<number | null> {
  return new Promise((resolve) => {
    const onEvent = () => {
      clearTimeout(timer);
      resolve(Date.now());
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      resolve(null);
    }, timeoutMs);
    socket.once(event, onEvent);
  });
}

/** A plain socket.io-client with default options (only the server's `path` set) through `proxy`. */
async function connectBaseline(proxy: TcpProxy, path: string): Promise<Socket> {
  const socket = io(proxy.url, { path, forceNew: true });
  if ((await nextEvent(socket, 'connect', 15_000)) === null) {
    socket.close();
    throw new Error('baseline socket.io-client could not connect to the server');
  }
  return socket;
}

/**
 * The baseline's drop trials: plain socket.io-client with its defaults (own reconnection on, default
 * backoff and timeouts) behind its own TCP proxy to the same server. Detect = `disconnect` after the
 * blackhole; recover = the next `connect` after restore.
 */
export async function runBaselineTrials(
  server: ServerProcess,
  path: string,
  { trials, log }: GroupOptions,
  bounds: DropBounds,
): Promise<DropTrial[]> {
  const proxy = await TcpProxy.start({ port: server.port });
  const results: DropTrial[] = [];
  let socket = await connectBaseline(proxy, path);
  try {
    for (let trial = 1; trial <= trials; trial += 1) {
      const t0 = Date.now();
      const lost = nextEvent(socket, 'disconnect', bounds.detectBoundMs);
      proxy.blackhole();
      const lostAt = await lost;
      await delay(Math.max(0, t0 + bounds.dropMs - Date.now()));
      // A client that never noticed the loss is still "connected": there is nothing to recover.
      const back =
        lostAt === null ? Promise.resolve(null) : nextEvent(socket, 'connect', bounds.recoverBoundMs);
      const t1 = Date.now();
      proxy.restore();
      const backAt = await back;
      const result = {
        detectMs: lostAt === null ? null : lostAt - t0,
        recoverMs: backAt === null ? null : backAt - t1,
      };
      results.push(result);
      log(
        `baseline trial ${trial}: detect ${result.detectMs ?? 'never'} ms, recover ${result.recoverMs ?? 'never'} ms`,
      );
      if (lostAt === null || backAt === null) {
        // Start the next trial from a fresh, connected client.
        socket.close();
        proxy.reset();
        socket = await connectBaseline(proxy, path);
      }
      await delay(500);
    }
  } finally {
    socket.close();
    await proxy.close();
  }
  return results;
}
