/**
 * The holdfast reference signaling server (Node only): REST API for app backends, socket.io signaling
 * with sequencing, resume and an eviction grace, structured logs and graceful shutdown. See
 * docs/protocol.md.
 * @packageDocumentation
 */
export type { ServerClock, ServerTimer } from './clock';
export { systemClock } from './clock';
export type { ClusterTimings } from './cluster/cluster-node';
export type { ClusterOptions } from './cluster/cluster-options';
export type {
  ClusterNodeInfo,
  ClusterStore,
  CrashDeclaration,
  LeaseAnswer,
  LeaseClaim,
} from './cluster/cluster-store';
export { type CreateClusterOptions, createCluster, type HoldfastCluster } from './cluster/create-cluster';
export { MemoryClusterStore } from './cluster/memory-cluster-store';
export { RedisClusterStore, type RedisClusterStoreOptions } from './cluster/redis-cluster-store';
export type { ConnectionStatus, EventSink } from './connection/connection';
export { createServer, type HoldfastServer, type ListenInfo } from './create-server';
export type { NodeInfo, ServerTiming } from './hub/session-hub';
export { cryptoIds, type IdSource } from './ids';
export type { ServerLogger } from './logger';
export { LOG_LEVELS, type LogLevel, type ServerOptions } from './options';
export {
  MemorySessionRegistry,
  type MemorySessionRegistryOptions,
} from './registry/memory-session-registry';
export type { SessionRecord, SessionRegistry } from './registry/session-registry';
