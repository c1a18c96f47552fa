#!/usr/bin/env node
/**
 * `holdfast-server`: runs the holdfast signaling server. Logs are pino JSON lines on stdout; once
 * listening it prints one line with `"msg":"listening"`, `port` and `url`. SIGINT stops it at once
 * (exit 0). SIGTERM is a planned rotation: the node drains (members are told `serverRotation` with a
 * `--drain-ms` deadline and move or re-join elsewhere) and stops once no member is left or at the
 * deadline; a second SIGTERM stops it at once. See `--help` and docs/protocol.md.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { parseCli, USAGE } from './cli-options';
import { createServer } from './create-server';
import { createLogger, logEvent } from './logger';
import { defaultNodeId } from './options';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** After a rotation's deadline, how long the last `serverRotation` events get to reach their sockets. */
const DEADLINE_FLUSH_MS = 500;

async function main(): Promise<void> {
  const request = parseCli(process.argv.slice(2), process.env);
  if (request.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (request.kind === 'error') {
    process.stderr.write(`holdfast-server: ${request.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { options, dev } = request;
  const nodeId = options.nodeId ?? defaultNodeId();
  // Synchronous stdout: no line is lost when the process exits right after a signal.
  const logger = createLogger(options.logLevel, nodeId, pino.destination({ dest: 1, sync: true }));
  // The dev secret and the listening line are a contract (people and harnesses wait for them):
  // printed whatever the log level.
  const announcer = logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
  let secret = options.secret;
  if (dev) {
    logEvent(logger, 'warn', 'dev mode', { note: 'POST /dev/token issues tokens without the secret' });
    if (secret === undefined) {
      secret = randomBytes(24).toString('hex');
      logEvent(announcer, 'info', 'dev secret', { secret });
    }
  }
  const server = createServer({ ...options, nodeId, secret, logger });
  const { port, url } = await server.listen();
  announcer.info({ port, url, bootId: server.node.bootId, dev }, 'listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.off('SIGTERM', rotate);
    logEvent(logger, 'info', 'shutdown', { signal });
    const timer = setTimeout(() => {
      logEvent(logger, 'error', 'shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logEvent(logger, 'error', 'shutdown failed', { err: error });
        process.exit(1);
      },
    );
  };
  // SIGTERM (an orchestrator replacing this node): drain, then stop when empty or at the deadline.
  let rotating = false;
  const rotate = () => {
    if (rotating) return stop('SIGTERM');
    rotating = true;
    const { deadline } = server.drain();
    const check = setInterval(() => {
      if (server.memberCount === 0 || Date.now() >= deadline + DEADLINE_FLUSH_MS) {
        clearInterval(check);
        stop('SIGTERM');
      }
    }, 200);
  };
  process.on('SIGTERM', rotate);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`holdfast-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
