import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Where a {@link TcpProxy} forwards to. */
export interface TcpTarget {
  /** @default '127.0.0.1' */
  host?: string;
  port: number;
}

/** Counters a test can assert on. */
export interface TcpProxyStats {
  /** Client connections accepted since start (held ones included). */
  connectionsAccepted: number;
  /** Client connections currently open. */
  connectionsOpen: number;
  /** Bytes delivered from clients to the target. */
  bytesToTarget: number;
  /** Bytes delivered from the target to clients. */
  bytesToClient: number;
  /** Epoch ms of each accepted connection, oldest first. */
  acceptedAt: number[];
}

/** One client connection and its upstream (null while held or before it connects). */
interface Pair {
  client: Socket;
  upstream: Socket | null;
  closed: boolean;
}

/**
 * A TCP proxy in front of the holdfast server, one per participant, so a test can break one
 * participant's signaling at the transport without touching holdfast:
 * - {@link blackhole}: nothing is forwarded either way, sockets stay open, no FIN or RST is sent;
 *   new connections are accepted but held. Bytes written meanwhile stay queued (as TCP would
 *   retransmit them) and are delivered after {@link restore} if both ends are still there.
 * - {@link reset}: every connection is destroyed with an RST, both sides.
 * - {@link restore}: forwarding resumes; held connections are connected to the target.
 *
 * @example
 * ```ts
 * const proxy = await TcpProxy.start({ port: server.port });
 * // give the participant proxy.url as its serverUrl
 * proxy.blackhole(); await delay(5000); proxy.restore();
 * ```
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #target: Required<TcpTarget>;
  readonly #pairs = new Set<Pair>();
  #blackholed = false;
  #stats: TcpProxyStats = {
    connectionsAccepted: 0,
    connectionsOpen: 0,
    bytesToTarget: 0,
    bytesToClient: 0,
    acceptedAt: [],
  };

  private constructor(server: Server, target: Required<TcpTarget>) {
    this.#server = server;
    this.#target = target;
    server.on('connection', (client) => this.#accept(client));
  }

  /** Starts a proxy on 127.0.0.1 with a free port, forwarding to `target`. */
  static async start(target: TcpTarget): Promise<TcpProxy> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const proxy = new TcpProxy(server, { host: target.host ?? '127.0.0.1', port: target.port });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  /** `http://127.0.0.1:<port>`: the server URL to hand to the participant behind this proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** True while blackholed. */
  get blackholed(): boolean {
    return this.#blackholed;
  }

  /** A snapshot of the counters. */
  stats(): TcpProxyStats {
    return { ...this.#stats, acceptedAt: [...this.#stats.acceptedAt] };
  }

  /** Stops forwarding both ways; keeps every socket open and sends nothing (no FIN, no RST). */
  blackhole(): void {
    this.#blackholed = true;
    for (const pair of this.#pairs) {
      pair.client.pause();
      pair.upstream?.pause();
    }
  }

  /** Resumes forwarding; bytes queued during the blackhole flow on, held connections connect. */
  restore(): void {
    this.#blackholed = false;
    for (const pair of this.#pairs) {
      if (pair.upstream === null) this.#connectUpstream(pair);
      else {
        pair.client.resume();
        pair.upstream.resume();
      }
    }
  }

  /** Destroys every connection with an RST on both sides. New connections are still accepted. */
  reset(): void {
    for (const pair of [...this.#pairs]) this.#resetPair(pair);
  }

  /** Resets every connection and stops listening. */
  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const pair: Pair = { client, upstream: null, closed: false };
    this.#pairs.add(pair);
    this.#stats.connectionsAccepted += 1;
    this.#stats.connectionsOpen += 1;
    this.#stats.acceptedAt.push(Date.now());
    client.setNoDelay(true);
    client.on('error', () => this.#resetPair(pair));
    client.on('close', (hadError) => this.#onClose(pair, client, hadError));
    if (!this.#blackholed) this.#connectUpstream(pair);
  }

  #connectUpstream(pair: Pair): void {
    if (pair.closed) return;
    const upstream = createConnection({
      host: this.#target.host,
      port: this.#target.port,
      allowHalfOpen: true,
    });
    upstream.setNoDelay(true);
    pair.upstream = upstream;
    upstream.on('error', () => this.#resetPair(pair));
    upstream.on('close', (hadError) => this.#onClose(pair, upstream, hadError));
    upstream.once('connect', () => {
      this.#forward(pair.client, upstream, 'bytesToTarget');
      this.#forward(upstream, pair.client, 'bytesToClient');
      if (this.#blackholed) {
        pair.client.pause();
        upstream.pause();
      } else {
        pair.client.resume();
        upstream.resume();
      }
    });
  }

  /** Copies `from` → `to` with backpressure; an orderly end is passed on as an end. */
  #forward(from: Socket, to: Socket, counter: 'bytesToTarget' | 'bytesToClient'): void {
    from.on('data', (chunk: Buffer) => {
      this.#stats[counter] += chunk.length;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => {
          if (!this.#blackholed) from.resume();
        });
      }
    });
    from.on('end', () => to.end());
  }

  /** One side closed: an error resets the other side, an orderly close ends it once its data is out. */
  #onClose(pair: Pair, side: Socket, hadError: boolean): void {
    if (hadError) {
      this.#resetPair(pair);
      return;
    }
    const other = side === pair.client ? pair.upstream : pair.client;
    if (other === null || other.destroyed) {
      this.#forget(pair);
      return;
    }
    other.end();
    other.once('close', () => this.#forget(pair));
  }

  #resetPair(pair: Pair): void {
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (pair.upstream && !pair.upstream.destroyed) pair.upstream.resetAndDestroy();
    this.#forget(pair);
  }

  #forget(pair: Pair): void {
    if (pair.closed) return;
    pair.closed = true;
    this.#pairs.delete(pair);
    this.#stats.connectionsOpen -= 1;
  }
}
