import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { io, type Socket } from 'socket.io-client';
import { type JoinReply, PROTOCOL_VERSION, WIRE } from '../../src/protocol';
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

/** Resolves with the time `event` fires on `emitter`, or null after `timeoutMs`. */
function nextEvent(
  emitter: Pick<EventEmitter, 'once' | 'off'>,
  event: string,
  timeoutMs: number,
): Promise<number | null> {
  return new Promise((resolve) => {
    const onEvent = () => {
      clearTimeout(timer);
      resolve(Date.now());
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      resolve(null);
    }, timeoutMs);
    emitter.once(event, onEvent);
  });
}

/** The baseline app: its socket, and an emitter saying `lost` (socket `disconnect`) and `joined` (back in the session). */
interface BaselineApp {
  socket: Socket;
  app: EventEmitter;
}

/**
 * A plain socket.io-client app: default options except `transports: ['websocket']` (the holdfast
 * server accepts nothing else) and the server's `path`; on every `connect` it joins the session
 * with its token and identity, as an app without holdfast would.
 */
async function connectBaseline(
  proxy: TcpProxy,
  path: string,
  sessionId: string,
  token: string,
): Promise<BaselineApp> {
  const socket = io(proxy.url, { path, transports: ['websocket'], forceNew: true });
  const app = new EventEmitter();
  socket.on('disconnect', () => app.emit('lost'));
  socket.on('connect', () => {
    const join = { v: PROTOCOL_VERSION, sessionId, token, identity: 'baseline' };
    socket
      .timeout(10_000)
      .emitWithAck(WIRE.join, join)
      .then((reply: JoinReply) => {
        if (reply.ok) app.emit('joined');
      })
      .catch(() => {});
  });
  if ((await nextEvent(app, 'joined', 15_000)) === null) {
    socket.close();
    throw new Error('baseline socket.io-client could not join the session');
  }
  return { socket, app };
}

/**
 * The baseline's drop trials: plain socket.io-client with its defaults (own reconnection on, default
 * backoff and timeouts) behind its own TCP proxy to the same server. Detect = `disconnect` after the
 * blackhole; recover = back in the session after restore (its reconnect, then its join answered).
 */
export async function runBaselineTrials(
  server: ServerProcess,
  sessionId: string,
  path: string,
  { trials, log }: GroupOptions,
  bounds: DropBounds,
): Promise<DropTrial[]> {
  const proxy = await TcpProxy.start({ port: server.port });
  const results: DropTrial[] = [];
  // The naive client re-joins with the same token after every drop: let it admit every trial.
  const { token } = await server.createToken(sessionId, { identity: 'baseline', maxUses: 1000 });
  let { socket, app } = await connectBaseline(proxy, path, sessionId, token);
  try {
    for (let trial = 1; trial <= trials; trial += 1) {
      const t0 = Date.now();
      const lost = nextEvent(app, 'lost', bounds.detectBoundMs);
      proxy.blackhole();
      const lostAt = await lost;
      await delay(Math.max(0, t0 + bounds.dropMs - Date.now()));
      // A client that never noticed the loss is still "connected": there is nothing to recover.
      const back = lostAt === null ? Promise.resolve(null) : nextEvent(app, 'joined', bounds.recoverBoundMs);
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
        ({ socket, app } = await connectBaseline(proxy, path, sessionId, token));
      }
      await delay(500);
    }
  } finally {
    socket.close();
    await proxy.close();
  }
  return results;
}
