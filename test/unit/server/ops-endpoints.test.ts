import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WIRE } from '../../../src/protocol';
import { mountOpsRoutes } from '../../../src/server/ops/ops-routes';
import { ServerMetrics } from '../../../src/server/ops/server-metrics';
import { delay } from '../../support/wait';
import { TestServer } from './harness';

/** A pino logger whose lines land in `lines`. */
function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Blocks this process's event loop (the in-process server's too) for `ms`. */
function stallLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('operator endpoints', () => {
  it('/healthz answers 200 while the process runs, without the secret', async () => {
    const t = await TestServer.start();
    const answer = await t.rest('GET', '/healthz', undefined, null);
    expect(answer).toEqual({ status: 200, body: { ok: true } });
  });

  it('/readyz answers 200 when accepting, 503 while the event loop is saturated, then 200 again', async () => {
    const t = await TestServer.start({ saturatedLagMs: 300 });
    expect(await t.rest('GET', '/readyz', undefined, null)).toMatchObject({
      status: 200,
      body: { ready: true, draining: false, saturated: false },
    });
    stallLoop(700);
    const busy = await t.rest('GET', '/readyz', undefined, null);
    expect(busy).toMatchObject({ status: 503, body: { ready: false, saturated: true } });
    await delay(1_500);
    expect((await t.rest('GET', '/readyz', undefined, null)).status).toBe(200);
  });

  it('/readyz answers 503 while the server drains (closing), /healthz stays 200', async () => {
    const app = new Hono();
    let closing = false;
    mountOpsRoutes(app, {
      metrics: new ServerMetrics({
        sockets: () => 0,
        members: () => 0,
        sessions: async () => 0,
        maxLagMs: () => 0,
      }),
      draining: () => closing,
      saturated: () => false,
      lagMs: () => 0,
    });
    expect((await app.request('/readyz')).status).toBe(200);
    closing = true;
    const draining = await app.request('/readyz');
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ ready: false, draining: true, saturated: false });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('/metrics serves the holdfast series in Prometheus text format', async () => {
    const t = await TestServer.start({ graceMs: 300 });
    const alice = await t.member('metered', 'alice');
    const bob = await t.member('metered', 'bob');
    await alice.send({ kind: 'signal', type: 'chat', data: 'hi' });
    await alice.send({ kind: 'nonsense' });
    bob.drop();
    await delay(600);
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('holdfast_sockets 1');
    expect(text).toContain('holdfast_connections 1');
    expect(text).toContain('holdfast_sessions 1');
    expect(text).toContain('holdfast_joins_total 2');
    expect(text).toContain('holdfast_resumes_total 0');
    expect(text).toContain('holdfast_evictions_total{cause="graceExpired"} 1');
    expect(text).toContain('holdfast_refusals_total{code="MESSAGE_UNKNOWN"} 1');
    expect(text).toMatch(/holdfast_event_loop_lag_seconds [0-9.e-]+/);
    expect(text).toContain('holdfast_relay_latency_seconds_count 1');
    expect(text).toContain('holdfast_relay_latency_seconds_bucket{le="0.01"}');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });
});

describe('refusal logs', () => {
  it('are sampled: the first few per code get a line, the rest one summary with the count', async () => {
    const { logger, lines } = capture();
    const t = await TestServer.start({ logger });
    const alice = await t.member('noisy', 'alice');
    for (let i = 0; i < 60; i += 1) alice.socket.emit(WIRE.msg, { seq: i + 1, msg: { kind: 'nonsense' } });
    for (let i = 0; i < 40; i += 1) alice.socket.emit('hf:bogus', {});
    alice.continueAt(61);
    await alice.send({ kind: 'signal', type: 'chat', data: 'still here' });
    await t.server.close();
    const refusals = lines.filter((l) => l.msg === 'message refused' || l.msg === 'event refused');
    expect(refusals.length).toBeLessThanOrEqual(10);
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    const summaries = lines.filter((l) => l.msg === 'refusals suppressed');
    const suppressed = summaries.reduce((sum, l) => sum + (l.suppressed as number), 0);
    expect(suppressed + refusals.length).toBe(100);
    expect(summaries.map((l) => l.code).sort()).toEqual(['MESSAGE_UNKNOWN', 'MESSAGE_UNKNOWN']);
  });
});
