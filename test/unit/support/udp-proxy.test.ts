import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UdpProxy } from '../../support/udp-proxy';
import { delay, waitFor } from '../../support/wait';

/** An echo target that remembers the source port of each datagram. */
interface Echo {
  socket: Socket;
  port: number;
  sources: number[];
  /** Delay before echoing, in ms. */
  echoDelayMs: number;
}

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return socket;
}

async function startEcho(): Promise<Echo> {
  const socket = await bound();
  const echo: Echo = { socket, port: socket.address().port, sources: [], echoDelayMs: 0 };
  socket.on('message', (msg, rinfo: RemoteInfo) => {
    echo.sources.push(rinfo.port);
    setTimeout(() => socket.send(msg, rinfo.port, rinfo.address), echo.echoDelayMs);
  });
  return echo;
}

describe('UdpProxy', () => {
  let echo: Echo;
  let proxy: UdpProxy;
  let client: Socket;
  let received: string[];

  beforeEach(async () => {
    echo = await startEcho();
    proxy = await UdpProxy.start({ port: echo.port });
    client = await bound();
    received = [];
    client.on('message', (msg) => received.push(msg.toString()));
  });

  afterEach(async () => {
    client.close();
    echo.socket.close();
    await proxy.close();
  });

  const send = (text: string) => client.send(text, proxy.port, '127.0.0.1');

  it('forwards datagrams both ways through one upstream socket per client address', async () => {
    send('one');
    send('two');
    await waitFor(() => received.length === 2, { what: 'two echoes' });
    expect(received).toEqual(['one', 'two']);
    expect(new Set(echo.sources).size).toBe(1);
    expect(proxy.stats()).toMatchObject({ toTarget: 2, toClient: 2, dropped: 0, upstreamSockets: 1 });
  });

  it('drops datagrams both ways while cut', async () => {
    proxy.cut();
    send('lost');
    await delay(200);
    expect(echo.sources).toHaveLength(0);

    proxy.restore();
    echo.echoDelayMs = 150;
    send('out');
    await waitFor(() => echo.sources.length === 1, { what: 'the datagram at the target' });
    proxy.cut();
    await delay(300);
    expect(received).toEqual([]);
    expect(proxy.stats().dropped).toBe(2);
  });

  it('comes back on the same source port for the same path and on a new one for a new path', async () => {
    send('a');
    await waitFor(() => received.length === 1);
    proxy.cut();
    proxy.restore();
    send('b');
    await waitFor(() => received.length === 2);
    expect(echo.sources[1]).toBe(echo.sources[0]);

    proxy.cut();
    proxy.restore({ newPath: true });
    send('c');
    await waitFor(() => received.length === 3);
    expect(echo.sources[2]).not.toBe(echo.sources[0]);
    expect(proxy.stats()).toMatchObject({ upstreamSockets: 2, newPaths: 1 });
  });
});
