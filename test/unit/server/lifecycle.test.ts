import { describe, expect, it } from 'vitest';
import { createServer } from '../../../src/server';
import { SECRET, TestServer } from './harness';

describe('server lifecycle', () => {
  it('closes gracefully with members, an unjoined socket and an idle keep-alive HTTP connection, freeing the port', async () => {
    const t = await TestServer.start({ graceMs: 60_000 });
    const a = await t.member('room', 'a');
    const b = await t.member('room', 'b');
    const idle = await t.client();
    const agentless = await fetch(`${t.url}/api/health`, { headers: { connection: 'keep-alive' } });
    expect(agentless.status).toBe(200);
    const started = Date.now();
    await t.server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    for (const client of [a, b, idle]) await client.waitForDisconnect();
    // No grace timer keeps anything alive, and the port is free again.
    const port = Number(new URL(t.url).port);
    const again = createServer({ secret: SECRET, port, logLevel: 'silent' });
    expect((await again.listen()).port).toBe(port);
    await again.close();
    await t.server.close();
  });

  it('refuses bad options with a TypeError naming the option', () => {
    expect(() => createServer({})).toThrow(/secret/);
    expect(() => createServer({ secret: 'short' })).toThrow(/secret/);
    expect(() => createServer({ secret: 'has spaces in it, sixteen+' })).toThrow(/secret/);
    expect(() => createServer({ secret: SECRET, graceMs: 0 })).toThrow(/graceMs/);
    expect(() => createServer({ secret: SECRET, port: 70_000 })).toThrow(/port/);
    expect(() => createServer({ devTokens: true, logLevel: 'silent' }).secret).not.toThrow();
  });
});
