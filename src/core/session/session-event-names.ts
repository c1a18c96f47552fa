import type { SessionEventName } from './events';

/** Every session event name, so the store and the React relay can listen to all of them. */
export const SESSION_EVENT_NAMES = [
  'stateChanged',
  'connected',
  'reconnecting',
  'reconnected',
  'rejoining',
  'rejoined',
  'migrating',
  'migrated',
  'sessionDisconnected',
  'connectionCreated',
  'connectionDestroyed',
  'streamCreated',
  'streamDestroyed',
  'streamUpdated',
  'streamHealthChanged',
  'localStreamChanged',
  'exception',
  'sessionNotification',
  'signal',
] as const satisfies readonly SessionEventName[];

// Fails to compile when the core's event map gains a name missing here.
type Missing = Exclude<SessionEventName, (typeof SESSION_EVENT_NAMES)[number]>;
/** @internal compile-time completeness check of {@link SESSION_EVENT_NAMES}. */
export const ALL_SESSION_EVENTS_LISTED: [Missing] extends [never] ? true : Missing = true;
