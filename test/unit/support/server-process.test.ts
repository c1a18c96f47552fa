import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../../support/server-process';

describe('ServerProcess (the real server CLI as a child process)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await ServerProcess.start({ graceMs: 5_000, logLevel: 'info' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('starts on a free port and serves the REST API with its secret', async () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.logsWith('listening')).toHaveLength(1);
    const session = await server.createSession('harness-self-test');
    expect(session.sessionId).toBe('harness-self-test');
    const token = await server.createToken('harness-self-test', { data: 'x' });
    expect(token.sessionId).toBe('harness-self-test');
    expect(token.token.split('.')).toHaveLength(3);
  });

  it('freezes on pause() and answers again after resume()', async () => {
    server.pause();
    await expect(
      fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(500) }).then((r) => r.status),
    ).rejects.toThrow();
    server.resume();
    expect((await server.health()).ok).toBe(true);
  });

  it('restarts after SIGKILL on the same port as a new boot with no state', async () => {
    const port = server.port;
    const before = await server.health();
    const pid = server.pid;
    await server.kill('SIGKILL');
    expect(server.running).toBe(false);
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    const after = await server.health();
    expect(after.bootId).not.toBe(before.bootId);
    await expect(server.rest('GET', '/api/sessions/harness-self-test')).rejects.toThrow(/404/);
  });
});
