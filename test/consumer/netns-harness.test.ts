import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Net, netnsAvailable } from '../support/netns';
import { type PageServer, startPageServer } from '../support/page-server';
import { ServerProcess } from '../support/server-process';
import { buildConsumerApp } from './support/consumer-app';

/**
 * The network-namespace harness itself (test/support/netns.ts): namespaces reach servers on the bridge
 * address, a cut stops everything, a handoff changes the address the server sees, and a browser inside
 * a namespace gets a secure origin (getUserMedia) from a page served on the bridge address.
 */
describe.skipIf(!netnsAvailable())('network namespace harness', () => {
  let net: Net;
  let server: ServerProcess;
  let echo: Server;
  let echoUrl: string;
  let pages: PageServer;

  beforeAll(async () => {
    net = await Net.create();
    server = await ServerProcess.start({ host: net.bridgeIp, extraArgs: ['--dev'] });
    // Answers with the peer address it sees.
    echo = createServer((req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      res.end(req.socket.remoteAddress ?? '');
    });
    await new Promise<void>((resolve) => echo.listen(0, net.bridgeIp, () => resolve()));
    const address = echo.address();
    if (address === null || typeof address === 'string') throw new Error('echo server not listening');
    echoUrl = `http://${net.bridgeIp}:${address.port}/`;
    pages = await startPageServer((await buildConsumerApp()).dist, { host: net.bridgeIp });
  });

  afterAll(async () => {
    await pages?.close();
    echo?.closeAllConnections();
    await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
    await server?.stop();
    await net?.dispose();
  });

  it('reaches the server from two namespaces; a cut stops it, a restore brings it back', async () => {
    const alice = await net.addParticipant('alice');
    const bob = await net.addParticipant('bob');
    expect(alice.ns).toMatch(new RegExp(`^hf-${net.id}-alice$`));
    for (const party of [alice, bob]) {
      const health = await party.fetch(`${server.url}/api/health`);
      expect(health.status).toBeLessThan(500);
      expect((await party.fetch(echoUrl)).body).toBe(party.address);
    }
    // The two namespaces are separate hosts: one's address is not the other's.
    expect(alice.address).not.toBe(bob.address);

    await bob.cut();
    await expect(bob.fetch(`${server.url}/api/health`, 1_500)).rejects.toThrow();
    // Only bob is cut.
    expect((await alice.fetch(echoUrl)).body).toBe(alice.address);

    await bob.restore();
    expect((await bob.fetch(echoUrl)).body).toBe(bob.address);
  });

  it('changeAddress() changes the address the server sees, and keeps the default route', async () => {
    const carol = await net.addParticipant('carol');
    const before = carol.address;
    expect((await carol.fetch(echoUrl)).body).toBe(before);
    const after = await carol.changeAddress();
    expect(after).not.toBe(before);
    expect(after.startsWith(`${net.prefix}.`)).toBe(true);
    expect((await carol.fetch(echoUrl)).body).toBe(after);
    const addresses = await carol.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', carol.nsVeth]);
    expect(addresses).toContain(`${after}/24`);
    expect(addresses).not.toContain(`${before}/`);
    expect(await carol.exec('ip', ['route'])).toContain(`default via ${net.bridgeIp}`);
  });

  it('runs Chromium inside a namespace, with a secure origin served on the bridge address', async () => {
    const dave = await net.addParticipant('dave');
    const browser = await dave.launchChromium({ secureOrigins: [pages.url] });
    const page = await browser.newPage();
    await page.goto(pages.url, { waitUntil: 'load', timeout: 30_000 });
    const result = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const tracks = stream.getTracks().length;
      for (const track of stream.getTracks()) track.stop();
      return { secure: window.isSecureContext, tracks };
    });
    expect(result).toEqual({ secure: true, tracks: 1 });
    // The browser's traffic leaves from the namespace: the echo server sees dave's address.
    const seen = await page.evaluate(async (url) => (await fetch(url)).text(), echoUrl);
    expect(seen).toBe(dave.address);
    await dave.dispose();
    expect(browser.isConnected()).toBe(false);
    expect(net.participants.map((p) => p.name)).not.toContain('dave');
  });

  it('dispose() deletes every namespace, veth and the bridge', async () => {
    const extra = await Net.create();
    const erin = await extra.addParticipant('erin');
    await erin.launchChromium();
    await extra.dispose();
    const { execFileSync } = await import('node:child_process');
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    expect(namespaces).not.toContain(`hf-${extra.id}-`);
    expect(links).not.toContain(`hf${extra.id}`);
  });
});
