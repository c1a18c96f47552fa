import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1 (closed again before returning). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** True when `port` can be bound for UDP on 127.0.0.1 right now. */
export async function isUdpPortFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const free = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => resolve(true));
  });
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
  return free;
}

/** True when `port` can be bound for TCP on 127.0.0.1 right now. */
export async function isTcpPortFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/**
 * Finds `size` consecutive ports, free for UDP and TCP, at a random place in [20000, 60000), so two
 * runs on the same machine do not pick the same range. Gives up after `tries` random places.
 */
export async function freePortRange(size: number, tries = 50): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const min = 20_000 + Math.floor(Math.random() * (40_000 - size));
    let ok = true;
    for (let port = min; port < min + size && ok; port += 1) {
      ok = (await isUdpPortFree(port)) && (await isTcpPortFree(port));
    }
    if (ok) return { min, max: min + size - 1 };
  }
  throw new Error(`no ${size} consecutive free ports found after ${tries} tries`);
}
