import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { stopChild, trackChild, waitForExit } from '../../support/child-processes';
import { REPO_ROOT } from '../../support/server-process';
import { withTimeout } from '../../support/wait';

describe('npm start (scripts/start.mjs)', () => {
  it('starts the dev server, prints working curl lines, and stops its server on SIGTERM', async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', HOLDFAST_SECRET: '', HOLDFAST_PLAYGROUND: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    try {
      const lines: string[] = [];
      const devLine = new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (line.includes('curl') && line.includes('/dev/token')) resolve(line);
        });
      });
      const line = await withTimeout(devLine, 20_000, 'the printed /dev/token line');
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
      expect(url).toBeDefined();
      const dev = await fetch(`${url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"sessionId":"demo"}',
      });
      expect(dev.status).toBe(200);
      // The REST lines carry the secret that works.
      const secret = /Bearer ([A-Za-z0-9]+)/.exec(lines.join('\n'))?.[1];
      const created = await fetch(`${url}/api/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: '{"customSessionId":"demo"}',
      });
      expect(created.status).toBe(200);
      const tokens = await fetch(`${url}/api/sessions/demo/connections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: '{"data":"alice"}',
      });
      expect(tokens.status).toBe(200);

      child.kill('SIGTERM');
      expect(await waitForExit(child, 15_000)).toEqual({ code: 0, signal: null });
      await expect(fetch(`${url}/api/health`)).rejects.toThrow();
    } finally {
      await stopChild(child);
    }
  }, 40_000);
});
