import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/server/cli-options';
import { stopChild, trackChild, waitForExit } from '../../support/child-processes';
import { REPO_ROOT } from '../../support/server-process';
import { withTimeout } from '../../support/wait';

describe('holdfast-server CLI', () => {
  it('prints one listening line with port and url, serves, and exits 0 on SIGTERM', async () => {
    const args = ['--import', 'tsx', 'src/server/cli.ts', '--port', '0', '--dev', '--log-level', 'warn'];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    try {
      const lines: Record<string, unknown>[] = [];
      const listening = new Promise<Record<string, unknown>>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (text) => {
          const line = JSON.parse(text) as Record<string, unknown>;
          lines.push(line);
          if (line.msg === 'listening') resolve(line);
        });
      });
      const line = await withTimeout(listening, 20_000, 'the listening line');
      expect(line.port).toEqual(expect.any(Number));
      expect(line.port).toBeGreaterThan(0);
      expect(line.url).toBe(`http://127.0.0.1:${line.port}`);
      // At --log-level warn only warnings, the dev secret and the listening line are printed.
      expect(lines.map((l) => l.msg)).toEqual(['dev mode', 'dev secret', 'listening']);
      const secret = lines.find((l) => l.msg === 'dev secret')?.secret;
      expect(secret).toEqual(expect.any(String));

      const health = await fetch(`${line.url}/api/health`);
      expect(await health.json()).toMatchObject({ ok: true });
      const created = await fetch(`${line.url}/api/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(created.status).toBe(200);
      const dev = await fetch(`${line.url}/dev/token`, { method: 'POST', body: '{"sessionId":"s"}' });
      expect(dev.status).toBe(200);

      child.kill('SIGTERM');
      const exit = await waitForExit(child, 10_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(lines.filter((l) => l.msg === 'listening')).toHaveLength(1);
    } finally {
      await stopChild(child);
    }
  }, 30_000);

  it('refuses to start without a secret unless --dev (exit 2)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', '0'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOLDFAST_SECRET: '', HOLDFAST_DEV: '' },
    });
    trackChild(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    expect(await waitForExit(child, 20_000)).toEqual({ code: 2, signal: null });
    expect(stderr).toContain('--secret');
  }, 30_000);
});

describe('CLI options', () => {
  it('reads flags, with HOLDFAST_* environment variables as fallback', () => {
    const env = {
      HOLDFAST_GRACE_MS: '5000',
      HOLDFAST_SECRET: 'env-secret-0123456789',
      HOLDFAST_PORT: '1234',
    };
    const parsed = parseCli(
      ['--port', '0', '--ice-servers', '[{"urls":"stun:127.0.0.1:3478"}]', '--ice-transport-policy', 'relay'],
      env,
    );
    expect(parsed).toEqual({
      kind: 'run',
      dev: false,
      options: {
        port: 0,
        host: '127.0.0.1',
        secret: 'env-secret-0123456789',
        graceMs: 5000,
        iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
        iceTransportPolicy: 'relay',
        devTokens: false,
        logLevel: 'info',
      },
    });
    expect(
      parseCli(['--rate-limit-bytes-per-sec', '100000'], {
        ...env,
        HOLDFAST_RATE_LIMIT_BYTES_BURST: '200000',
      }),
    ).toMatchObject({ options: { rateLimitBytesPerSec: 100_000, rateLimitBytesBurst: 200_000 } });
    expect(parseCli([], { HOLDFAST_DEV: '1' })).toMatchObject({
      kind: 'run',
      dev: true,
      options: { port: 4000 },
    });
  });

  it('refuses bad values with a message naming the flag', () => {
    const env = { HOLDFAST_SECRET: 'env-secret-0123456789' };
    const cases: [string[], string][] = [
      [['--port', 'abc'], '--port'],
      [['--grace-ms', '0'], '--grace-ms'],
      [['--ice-servers', 'nope'], '--ice-servers'],
      [['--ice-servers', '[{"url":"x"}]'], '--ice-servers'],
      [['--ice-transport-policy', 'some'], '--ice-transport-policy'],
      [['--log-level', 'loud'], '--log-level'],
      [['--bogus'], 'bogus'],
      [['--rate-limit-bytes-burst', '65536'], '--rate-limit-bytes-burst'],
    ];
    for (const [argv, flag] of cases) {
      const parsed = parseCli(argv, env);
      expect(parsed.kind).toBe('error');
      if (parsed.kind === 'error') expect(parsed.message).toContain(flag);
    }
  });

  it('reads the member cap and the empty-session timeout', () => {
    const env = { HOLDFAST_SECRET: 'env-secret-0123456789', HOLDFAST_EMPTY_SESSION_TTL_MS: '60000' };
    expect(parseCli(['--max-session-members', '4'], env)).toMatchObject({
      kind: 'run',
      options: { maxSessionMembers: 4, emptySessionTtlMs: 60_000 },
    });
    expect(parseCli(['--max-session-members', '0'], env)).toMatchObject({ kind: 'error' });
  });

  it('reads the webhook flags (secret from HOLDFAST_WEBHOOK_SECRET) and refuses them half given', () => {
    const env = { HOLDFAST_SECRET: 'env-secret-0123456789', HOLDFAST_WEBHOOK_SECRET: 'whsec_abc' };
    expect(
      parseCli(['--webhook-url', 'http://127.0.0.1:9/h', '--webhook-retry-delays-ms', '10,20,40'], env),
    ).toMatchObject({
      kind: 'run',
      options: {
        webhooks: { url: 'http://127.0.0.1:9/h', secret: 'whsec_abc', retryDelaysMs: [10, 20, 40] },
      },
    });
    const noSecret = { HOLDFAST_SECRET: 'env-secret-0123456789' };
    for (const [argv, flag] of [
      [['--webhook-url', 'http://127.0.0.1:9/h'], '--webhook-secret'],
      [['--webhook-secret', 'whsec_abc'], '--webhook-url'],
      [
        ['--webhook-url', 'http://x/', '--webhook-secret', 'whsec_abc', '--webhook-retry-delays-ms', '5,x'],
        '--webhook-retry-delays-ms',
      ],
    ] as const) {
      const parsed = parseCli(argv, noSecret);
      expect(parsed.kind).toBe('error');
      if (parsed.kind === 'error') expect(parsed.message).toContain(flag);
    }
  });
});
