import type { SessionState } from '../../../../src/core/session/state';

/** The machine tables' "now". */
export const NOW = 100_000;

/** A first join under way (attempt 1). */
export const connecting: Extract<SessionState, { status: 'connecting' }> = {
  status: 'connecting',
  attempt: 1,
  since: NOW - 10,
  nextRetryAt: null,
  giveUpAt: NOW + 21_990,
};

/** Signaling lost 2 s ago, first resume attempt. */
export const reconnecting: Extract<SessionState, { status: 'reconnecting' }> = {
  status: 'reconnecting',
  connectionId: 'c1',
  cause: 'networkDisconnect',
  attempt: 1,
  since: NOW - 2_000,
  nextRetryAt: null,
  graceEndsAt: NOW + 10_000,
  giveUpAt: NOW + 20_000,
};

/** Re-joining after a node crash 3 s ago, first attempt. */
export const rejoining: Extract<SessionState, { status: 'rejoining' }> = {
  status: 'rejoining',
  previousConnectionId: 'c1',
  cause: 'nodeCrashed',
  attempt: 1,
  since: NOW - 3_000,
  nextRetryAt: null,
  giveUpAt: NOW + 19_000,
};
