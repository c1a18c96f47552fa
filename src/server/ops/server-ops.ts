import type { ServerLogger } from '../logger';
import type { ResolvedServerOptions } from '../options';
import { AdmissionGate } from './admission-gate';
import { HandshakeGate } from './handshake-gate';
import { LoadMonitor } from './load-monitor';
import { RefusalLog } from './refusal-log';
import { type MetricSources, ServerMetrics } from './server-metrics';

/** What keeps a server serviceable under load and visible to its operators. */
export interface ServerOps {
  monitor: LoadMonitor;
  admission: AdmissionGate;
  handshakes: HandshakeGate;
  refusals: RefusalLog;
  metrics: ServerMetrics;
  /** Stops the monitor and flushes the refusal log. */
  dispose(): void;
}

/** Builds the server's load monitor, admission gate, sampled refusal log and metrics. */
export function createServerOps(
  o: ResolvedServerOptions,
  logger: ServerLogger,
  sources: Omit<MetricSources, 'maxLagMs'>,
): ServerOps {
  const monitor = new LoadMonitor({ saturatedLagMs: o.saturatedLagMs });
  const admission = new AdmissionGate(
    o.clock,
    { perSec: o.admissionPerSec, burst: o.admissionBurst },
    () => monitor.saturated,
  );
  const handshakes = new HandshakeGate(o.clock, { maxPending: o.maxPendingHandshakes });
  const refusals = new RefusalLog({ logger, clock: o.clock });
  const metrics = new ServerMetrics({ ...sources, maxLagMs: () => monitor.takeMaxLagMs() });
  monitor.start();
  return {
    monitor,
    admission,
    handshakes,
    refusals,
    metrics,
    dispose: () => {
      monitor.stop();
      refusals.dispose();
    },
  };
}

/**
 * Lengthens engine.io's wait for a pong while the loop is saturated: a pong that sits unread in a
 * busy loop is not a dead client. Pings sent from then on get the longer timeout; the base returns
 * once the loop is healthy. Returns the disposer.
 */
export function stretchPingTimeout(
  engineOptions: { pingTimeout: number },
  monitor: LoadMonitor,
  baseMs: number,
  maxMs: number,
): () => void {
  return monitor.onSample(() => {
    engineOptions.pingTimeout = monitor.saturated
      ? Math.min(maxMs, Math.max(baseMs, baseMs + 4 * monitor.lagMs))
      : baseMs;
  });
}
