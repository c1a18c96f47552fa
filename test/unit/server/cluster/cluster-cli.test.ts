import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../../src/server/cli-options';
import { createServer } from '../../../../src/server/create-server';

const base = ['--secret', 'cluster-cli-secret-0123456789'];

describe('cluster options', () => {
  it('--redis-url (with --public-url and --capacity) runs the server as a cluster node', () => {
    const request = parseCli(
      [
        ...base,
        '--redis-url',
        'redis://127.0.0.1:6390',
        '--public-url',
        'https://a.example',
        '--capacity',
        '50',
      ],
      {},
    );
    expect(request).toMatchObject({
      kind: 'run',
      options: {
        cluster: { redisUrl: 'redis://127.0.0.1:6390', publicUrl: 'https://a.example', capacity: 50 },
      },
    });
    expect(parseCli([...base], { HOLDFAST_REDIS_URL: 'redis://r:1' })).toMatchObject({
      options: { cluster: { redisUrl: 'redis://r:1' } },
    });
  });

  it('refuses a redis URL of another scheme, and cluster flags without --redis-url', () => {
    expect(parseCli([...base, '--redis-url', 'http://x'], {})).toMatchObject({ kind: 'error' });
    expect(parseCli([...base, '--public-url', 'http://x'], {})).toMatchObject({ kind: 'error' });
    expect(parseCli([...base, '--redis-url', 'redis://x', '--capacity', '0'], {})).toMatchObject({
      kind: 'error',
    });
  });

  it('a single server without cluster options has no cluster; cluster options need a store or a Redis URL', async () => {
    const single = createServer({ secret: base[1], logLevel: 'silent' });
    expect(single.cluster).toBeUndefined();
    await single.close();
    expect(() => createServer({ secret: base[1], cluster: {} })).toThrow(/cluster/);
  });
});
