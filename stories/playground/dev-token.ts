import type { GetToken } from '../../src/core';
import type { ConnectionTokenResponse } from '../../src/protocol';

/**
 * `getToken` for the playground: the dev server's `POST /dev/token` (dev mode only; creates the session
 * when missing, so a re-join after a server crash finds it again), bound to the page's identity. A real
 * app asks its own backend.
 */
export function devTokenFetcher(serverUrl: string, data: string): GetToken {
  return async (sessionId, { identity }) => {
    const response = await fetch(`${serverUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, identity, data }),
    });
    if (!response.ok)
      throw new Error(`dev token: HTTP ${response.status} (is the server running with --dev?)`);
    return ((await response.json()) as ConnectionTokenResponse).token;
  };
}
