import { ioSocketFactory, type SocketFactory } from '../../src/core/signaling/socket';

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * The participant's "network": every socket to a node goes through this participant's own TCP proxy
 * to that node (`routes`: node URL → proxy URL), so the sidecar can break one participant's paths
 * without touching the others. Which node a socket reached is reported on `connect`.
 * Uses the core's internal socket seam (`createSession`'s second argument), as the tests do.
 */
export function routedSocketFactory(
  routes: Readonly<Record<string, string>>,
  onConnected: (nodeUrl: string) => void,
): SocketFactory {
  const table = new Map(Object.entries(routes).map(([node, proxy]) => [trim(node), proxy]));
  return (url, options) => {
    const socket = ioSocketFactory(table.get(trim(url)) ?? url, options);
    socket.on('connect', () => onConnected(trim(url)));
    return socket;
  };
}
