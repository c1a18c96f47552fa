import type { ClientMessage, ConnectionInfo } from '../../protocol';
import { HoldfastError } from '../errors';
import type { PendingMessage, RestartDecision } from '../signaling/outbox';
import type { Roster } from './roster';

/** What the session remembers about a signal's recipients: the identity behind each connection id. */
export interface SignalTargets {
  identities: Array<string | null>;
}

/** Notes the identity behind each recipient of `msg`, so the signal can be re-targeted after a re-join. */
export function signalTargets(msg: ClientMessage, roster: Roster): SignalTargets | undefined {
  if (msg.kind !== 'signal' || msg.to === undefined) return undefined;
  return { identities: msg.to.map((connectionId) => roster.byConnection(connectionId)?.identity ?? null) };
}

/**
 * What happens to a message still pending when a re-join replaces the connection:
 * - an app signal is kept; each recipient is re-targeted to the new connection of the same identity
 *   (recipients whose identity is gone are dropped; if none is left, the signal is rejected with
 *   `TARGET_NOT_IN_SESSION`);
 * - anything else (media negotiation, publish announcements) belonged to the old connection and is
 *   rejected with `CONNECTION_REPLACED`: the media plane rebuilds its state on the re-join.
 */
export function retargetForRejoin(
  pending: PendingMessage,
  connections: readonly ConnectionInfo[],
): RestartDecision {
  const msg = pending.msg;
  if (msg.kind !== 'signal') {
    return {
      reject: new HoldfastError(
        'CONNECTION_REPLACED',
        `a re-join replaced the connection of this ${msg.kind}`,
      ),
    };
  }
  if (msg.to === undefined) return { keep: msg };
  const identities = (pending.meta as SignalTargets | undefined)?.identities ?? [];
  const to: string[] = [];
  msg.to.forEach((connectionId, index) => {
    const identity = identities[index] ?? null;
    if (identity === null) {
      to.push(connectionId);
      return;
    }
    const now = connections.find((connection) => connection.identity === identity);
    if (now) to.push(now.connectionId);
  });
  if (to.length === 0) {
    return {
      reject: new HoldfastError(
        'TARGET_NOT_IN_SESSION',
        'no recipient of this signal is in the session any more',
      ),
    };
  }
  const identitiesNow = to.map((id) => connections.find((c) => c.connectionId === id)?.identity ?? null);
  return { keep: { ...msg, to }, meta: { identities: identitiesNow } satisfies SignalTargets };
}
