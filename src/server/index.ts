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
export { MemoryWebhookOutbox } from './webhooks/memory-webhook-outbox';
export {
  type OutboxRedisClient,
  RedisWebhookOutbox,
  type RedisWebhookOutboxOptions,
} from './webhooks/redis-webhook-outbox';
export type { ServerWebhooks } from './webhooks/server-webhooks';
export {
  type SessionEndReason,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventMap,
  type WebhookEventType,
  type WebhookMessage,
} from './webhooks/webhook-events';
export { DEFAULT_RETRY_DELAYS_MS, type WebhookOptions } from './webhooks/webhook-options';
export type { WebhookOutbox } from './webhooks/webhook-outbox';
