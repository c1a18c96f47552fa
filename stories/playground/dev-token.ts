import type { GetToken } from '../../src/core';
import type { ConnectionTokenResponse } from '../../src/protocol';

/**
 * `getToken` for the playground: a node's `POST /dev/token` (dev mode only; creates the session when
 * missing and places it on a healthy node, whose URL the token names), bound to the page's identity.
 * Asks the nodes in turn, like an app backend behind a load balancer: a crashed node does not answer.
 * A real app asks its own backend.
 */
export function devTokenFetcher(nodeUrls: readonly string[], data: string): GetToken {
  return async (sessionId, { identity }) => {
    let last: unknown = new Error('dev token: no node to ask');
    for (const url of nodeUrls) {
      try {
        const response = await fetch(`${url}/dev/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId, identity, data }),
          signal: AbortSignal.timeout(3000),
        });
        if (response.ok) return ((await response.json()) as ConnectionTokenResponse).token;
        last = new Error(`dev token: HTTP ${response.status} from ${url} (is it running with --dev?)`);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  };
}
