import type { Hono } from 'hono';
import type { ServerMetrics } from './server-metrics';

/** What the operator endpoints read. */
export interface OpsRoutesDeps {
  metrics: ServerMetrics;
  /** True once the server stopped accepting (closing). */
  draining: () => boolean;
  /** True while the event loop is saturated. */
  saturated: () => boolean;
  /** Current event-loop lag (ms). */
  lagMs: () => number;
  /** In a cluster: false while this node may not serve (no lease, or fenced for good). */
  serving?: () => boolean;
}

/**
 * Mounts the operator endpoints (no secret; nothing in them is private):
 * - `GET /healthz`: 200 while the process runs and answers;
 * - `GET /readyz`: 200 while it accepts new work, 503 while draining or while its event loop is
 *   saturated, or (in a cluster) while it holds no lease or was fenced (a load balancer sends new
 *   clients elsewhere meanwhile);
 * - `GET /metrics`: Prometheus text exposition.
 */
export function mountOpsRoutes(app: Hono, deps: OpsRoutesDeps): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', (c) => {
    const draining = deps.draining();
    const saturated = deps.saturated();
    const serving = deps.serving?.() ?? true;
    const ready = !draining && !saturated && serving;
    const body = {
      ready,
      draining,
      saturated,
      lagMs: Math.round(deps.lagMs()),
      ...(deps.serving ? { serving } : {}),
    };
    return c.json(body, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { contentType, body } = await deps.metrics.scrape();
    return c.body(body, 200, { 'content-type': contentType });
  });
}
