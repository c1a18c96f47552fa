import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './options';

/** The server's structured logger (pino). */
export type ServerLogger = Logger;

/** Fields every session log line carries, when they apply. */
export interface LogContext {
  sessionId?: string;
  connectionId?: string;
  identity?: string;
  socketId?: string;
  [field: string]: unknown;
}

/**
 * A pino JSON logger bound to this node. `destination` defaults to stdout; the CLI passes a
 * synchronous one so nothing is lost on exit.
 */
export function createLogger(level: LogLevel, nodeId: string, destination?: DestinationStream): ServerLogger {
  const options = { level, base: { nodeId }, timestamp: pino.stdTimeFunctions.epochTime };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Logs one session event: `event` is both the `msg` and an `event` field, so lines can be filtered
 * by either.
 */
export function logEvent(
  logger: ServerLogger,
  level: 'info' | 'warn' | 'debug' | 'error',
  event: string,
  context: LogContext = {},
): void {
  logger[level]({ event, ...context }, event);
}
