/**
 * The holdfast reference signaling server (Node only): REST API for app backends, socket.io signaling
 * with sequencing, resume and an eviction grace, structured logs and graceful shutdown. See
 * docs/protocol.md.
 * @packageDocumentation
 */
export type { ServerClock, ServerTimer } from './clock';
export { systemClock } from './clock';
export type { ConnectionSnapshot, ConnectionStatus, EventSink } from './connection/connection';
export { createServer, type HoldfastServer, type ListenInfo } from './create-server';
export type { NodeInfo, ServerTiming } from './hub/session-hub';
export { cryptoIds, type IdSource } from './ids';
export type { ServerLogger } from './logger';
export {
  InProcessMigrationNetwork,
  type InProcessNode,
} from './migration/in-process-network';
export type {
  MigrationDestination,
  MigrationTarget,
  SessionSnapshot,
} from './migration/migration-target';
export { LOG_LEVELS, type LogLevel, type ServerOptions } from './options';
export {
  MemorySessionRegistry,
  type MemorySessionRegistryOptions,
} from './registry/memory-session-registry';
export type { SessionRecord, SessionRegistry } from './registry/session-registry';
