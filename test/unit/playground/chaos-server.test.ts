import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosAnswer, NodeStatus } from '../../../stories/playground/chaos-api';
import { type ChaosServer, startChaosServer } from '../../../stories/playground/chaos-server';
import { waitFor } from '../../support/wait';

/** The Playground's sidecar API and its two-node cluster, without a browser. */
describe('the Playground chaos sidecar', () => {
  let chaos: ChaosServer;
  beforeAll(async () => {
    chaos = await startChaosServer({ participants: ['A', 'B'], logLevel: 'silent' });
  });
  afterAll(async () => {
    await chaos?.close();
  });

  const post = async (path: string): Promise<{ status: number; answer: ChaosAnswer }> => {
    const response = await fetch(`${chaos.url}${path}`, {
      method: 'POST',
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, answer: (await response.json()) as ChaosAnswer };
  };
  const nodes = async (): Promise<NodeStatus[]> =>
    (await (await fetch(`${chaos.url}/nodes`, { signal: AbortSignal.timeout(5000) })).json()) as NodeStatus[];
  const node = async (id: string) => (await nodes()).find((n) => n.id === id) as NodeStatus;

  it('answers bad requests with a sentence and keeps serving', async () => {
    expect(await post('/nodes/node-9/crash')).toEqual({
      status: 400,
      answer: { ok: false, message: 'no node node-9' },
    });
    expect(await post('/signaling/Z/drop?ms=1000')).toEqual({
      status: 400,
      answer: { ok: false, message: 'no participant Z' },
    });
    expect((await post('/nodes/%E0%A4%A/crash')).answer).toEqual({ ok: false, message: 'malformed path' });
    expect((await post('/nodes/node-1/explode')).status).toBe(400);
    const config = await (await fetch(`${chaos.url}/config`)).json();
    expect(config.nodes.map((n: { id: string }) => n.id)).toEqual(['node-1', 'node-2']);
    expect(Object.keys(config.participants[0].routes)).toEqual(
      config.nodes.map((n: { url: string }) => n.url),
    );
  });

  it('crashes a node until the other declares it, restarts it as a new boot, and rotates a node into a new boot', {
    timeout: 30_000,
  }, async () => {
    expect((await post('/nodes/node-1/crash')).answer.ok).toBe(true);
    expect(await node('node-1')).toMatchObject({ state: 'crashed', declared: false });
    // A crashed node answers nothing: its port is closed.
    await expect(fetch(`${(await node('node-1')).url}/api/health`)).rejects.toThrow();
    await waitFor(
      async () => {
        const crashed = await node('node-1');
        return crashed.state === 'crashed' && crashed.declared;
      },
      { timeoutMs: 8000, what: 'node-2 to declare node-1 crashed' },
    );
    expect((await post('/nodes/node-1/restart')).answer).toEqual({
      ok: true,
      message: 'node-1 is back (boot 2)',
    });
    expect(await node('node-1')).toMatchObject({ state: 'serving', boots: 2 });

    expect((await post('/nodes/node-2/rotate?ms=1000')).answer.ok).toBe(true);
    expect(await node('node-2')).toMatchObject({ state: 'draining' });
    expect((await post('/nodes/node-2/rotate?ms=1000')).status).toBe(400);
    await waitFor(
      async () => (await node('node-2')).boots === 2 && (await node('node-2')).state === 'serving',
      {
        timeoutMs: 8000,
        what: 'node-2 replaced after its rotation deadline',
      },
    );
  });
});
