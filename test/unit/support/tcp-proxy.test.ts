import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../support/tcp-proxy';
import { delay, waitFor } from '../../support/wait';

/** A target that records what each accepted socket received and keeps the sockets. */
interface Target {
  server: Server;
  port: number;
  sockets: Socket[];
  received: string[];
}

async function startTarget(): Promise<Target> {
  const target: Target = {
    server: createServer({ allowHalfOpen: true }),
    port: 0,
    sockets: [],
    received: [],
  };
  target.server.on('connection', (socket) => {
    const i = target.sockets.push(socket) - 1;
    target.received[i] = '';
    socket.on('data', (chunk) => {
      target.received[i] += chunk.toString();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
  target.port = (target.server.address() as { port: number }).port;
  return target;
}

async function connect(port: number): Promise<{ socket: Socket; received: () => string; events: string[] }> {
  const socket = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true });
  let text = '';
  const events: string[] = [];
  socket.on('data', (chunk) => {
    text += chunk.toString();
  });
  socket.on('end', () => events.push('end'));
  socket.on('close', () => events.push('close'));
  socket.on('error', (error: NodeJS.ErrnoException) => events.push(`error:${error.code}`));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => text, events };
}

describe('TcpProxy', () => {
  let target: Target;
  let proxy: TcpProxy;
  const clients: Socket[] = [];

  beforeEach(async () => {
    target = await startTarget();
    proxy = await TcpProxy.start({ port: target.port });
  });

  afterEach(async () => {
    for (const socket of clients.splice(0)) socket.destroy();
    await proxy.close();
    for (const socket of target.sockets) socket.destroy();
    await new Promise<void>((resolve) => target.server.close(() => resolve()));
  });

  it('forwards bytes both ways and counts them', async () => {
    const client = await connect(proxy.port);
    clients.push(client.socket);
    client.socket.write('hello');
    await waitFor(() => target.received[0] === 'hello', { what: 'bytes at the target' });
    target.sockets[0]?.write('world');
    await waitFor(() => client.received() === 'world', { what: 'bytes at the client' });
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 1, bytesToTarget: 5, bytesToClient: 5 });
  });

  it('holds bytes both ways during a blackhole without closing anything, and delivers them in order after restore', async () => {
    const client = await connect(proxy.port);
    clients.push(client.socket);
    client.socket.write('a');
    await waitFor(() => target.received[0] === 'a');

    proxy.blackhole();
    for (const part of ['1', '2', '3']) client.socket.write(part);
    target.sockets[0]?.write('x');
    target.sockets[0]?.write('y');
    await delay(300);
    expect(target.received[0]).toBe('a');
    expect(client.received()).toBe('');
    expect(client.events).toEqual([]);
    expect(target.sockets[0]?.destroyed).toBe(false);

    proxy.restore();
    await waitFor(() => target.received[0] === 'a123', { what: 'held bytes at the target' });
    await waitFor(() => client.received() === 'xy', { what: 'held bytes at the client' });
    expect(client.events).toEqual([]);
  });

  it('accepts new connections during a blackhole but holds them until restore', async () => {
    proxy.blackhole();
    const client = await connect(proxy.port);
    clients.push(client.socket);
    client.socket.write('early');
    await delay(300);
    expect(proxy.stats().connectionsAccepted).toBe(1);
    expect(target.sockets).toHaveLength(0);

    proxy.restore();
    await waitFor(() => target.received[0] === 'early', { what: 'the held connection to reach the target' });
  });

  it('reset destroys both sides with an RST', async () => {
    const client = await connect(proxy.port);
    clients.push(client.socket);
    client.socket.write('hi');
    await waitFor(() => target.received[0] === 'hi');
    const targetErrors: string[] = [];
    target.sockets[0]?.on('error', (error: NodeJS.ErrnoException) => targetErrors.push(String(error.code)));

    proxy.reset();
    await waitFor(() => client.events.includes('close'), { what: 'the client socket to close' });
    expect(client.events).toContain('error:ECONNRESET');
    expect(client.events).not.toContain('end');
    await waitFor(() => targetErrors.includes('ECONNRESET'), { what: 'an RST at the target' });
    expect(proxy.stats().connectionsOpen).toBe(0);
  });

  it('refuses a client (RST) when the target is down', async () => {
    await new Promise<void>((resolve) => target.server.close(() => resolve()));
    for (const socket of target.sockets) socket.destroy();
    const client = await connect(proxy.port);
    clients.push(client.socket);
    await waitFor(() => client.events.includes('close'), { what: 'the client socket to close' });
    expect(client.events).toContain('error:ECONNRESET');
    target.server = createServer();
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
  });
});
