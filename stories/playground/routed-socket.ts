import { ioSocketFactory, type SocketFactory } from '../../src/core/signaling/socket';

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * The participant's "network": every socket to a node goes through this participant's own TCP proxy
 * to that node (`routes`: node URL → proxy URL), so the sidecar can break one participant's paths
 * without touching the others. Which node the participant reaches is reported as sockets connect and
 * close: the node of the latest socket still open (a resume may also ask another node while its own
 * is silent; that socket closes as soon as its answer is read or its node's answer came first).
 * Uses the core's internal socket seam (`createSession`'s second argument), as the tests do.
 */
export function routedSocketFactory(
  routes: Readonly<Record<string, string>>,
  onConnected: (nodeUrl: string) => void,
): SocketFactory {
  const table = new Map(Object.entries(routes).map(([node, proxy]) => [trim(node), proxy]));
  const open: { socket: object; url: string }[] = [];
  const report = () => {
    const latest = open.at(-1);
    if (latest) onConnected(latest.url);
  };
  return (url, options) => {
    const socket = ioSocketFactory(table.get(trim(url)) ?? url, options);
    socket.on('connect', () => {
      open.push({ socket, url: trim(url) });
      report();
    });
    socket.on('disconnect', () => {
      const at = open.findIndex((entry) => entry.socket === socket);
      if (at >= 0) open.splice(at, 1);
      report();
    });
    return socket;
  };
}
