import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** Where a {@link UdpProxy} forwards to (usually a TURN server). */
export interface UdpTarget {
  /** @default '127.0.0.1' */
  host?: string;
  port: number;
}

/** Counters a test can assert on. */
export interface UdpProxyStats {
  /** Datagrams forwarded client → target. */
  toTarget: number;
  /** Datagrams forwarded target → client. */
  toClient: number;
  /** Datagrams dropped (either way) while cut. */
  dropped: number;
  /** Upstream sockets opened since start (one per client address per path). */
  upstreamSockets: number;
  /** How many times the path came back as a new one. */
  newPaths: number;
}

/** What {@link UdpProxy.restore} brings back. */
export interface RestoreOptions {
  /**
   * False: the same path comes back (same upstream sockets, so the TURN server sees the same source
   * ports and existing allocations keep working). True: a new path, like a switch from Wi-Fi to
   * cellular: every upstream socket is closed and fresh ones (new source ports) are used, so the old
   * TURN allocations are unusable. @default false
   */
  newPath?: boolean;
}

/**
 * A UDP proxy in front of a TURN server, one per participant, so a test can cut one participant's
 * media path at the transport. Each client source address gets its own upstream socket, so the
 * TURN server sees one stable source port per client address, as through a NAT.
 *
 * @example
 * ```ts
 * const path = await UdpProxy.start({ port: turn.port });
 * // ICE server for this participant: `turn:127.0.0.1:${path.port}?transport=udp`
 * path.cut(); await delay(8000); path.restore({ newPath: true });
 * ```
 */
export class UdpProxy {
  readonly #downstream: Socket;
  readonly #target: Required<UdpTarget>;
  /** Upstream socket by client address (`host:port`). */
  readonly #upstreams = new Map<string, Socket>();
  #cut = false;
  #closed = false;
  #stats: UdpProxyStats = { toTarget: 0, toClient: 0, dropped: 0, upstreamSockets: 0, newPaths: 0 };

  private constructor(downstream: Socket, target: Required<UdpTarget>) {
    this.#downstream = downstream;
    this.#target = target;
    downstream.on('message', (msg, rinfo) => this.#fromClient(msg, rinfo));
    downstream.on('error', () => {});
  }

  /** Starts a proxy on 127.0.0.1 with a free UDP port, forwarding to `target`. */
  static async start(target: UdpTarget): Promise<UdpProxy> {
    const downstream = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      downstream.once('error', reject);
      downstream.bind(0, '127.0.0.1', () => resolve());
    });
    return new UdpProxy(downstream, { host: target.host ?? '127.0.0.1', port: target.port });
  }

  /** The UDP port clients send to. */
  get port(): number {
    return this.#downstream.address().port;
  }

  /** True while the path is cut. */
  get isCut(): boolean {
    return this.#cut;
  }

  /** A snapshot of the counters. */
  stats(): UdpProxyStats {
    return { ...this.#stats };
  }

  /** Drops every datagram, both ways, until {@link restore}. */
  cut(): void {
    this.#cut = true;
  }

  /** Forwards again, over the same path or a new one (see {@link RestoreOptions}). */
  restore({ newPath = false }: RestoreOptions = {}): void {
    if (newPath) {
      this.#closeUpstreams();
      this.#stats.newPaths += 1;
    }
    this.#cut = false;
  }

  /** Closes every socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeUpstreams();
    await new Promise<void>((resolve) => this.#downstream.close(() => resolve()));
  }

  #fromClient(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.#cut || this.#closed) {
      this.#stats.dropped += 1;
      return;
    }
    const key = `${rinfo.address}:${rinfo.port}`;
    let upstream = this.#upstreams.get(key);
    if (!upstream) {
      upstream = this.#openUpstream(key, rinfo);
      this.#upstreams.set(key, upstream);
    }
    this.#stats.toTarget += 1;
    upstream.send(msg, this.#target.port, this.#target.host);
  }

  #openUpstream(key: string, client: RemoteInfo): Socket {
    const upstream = createSocket('udp4');
    this.#stats.upstreamSockets += 1;
    // Sending before bind() binds to a free port; bind explicitly so it stays on loopback.
    upstream.bind(0, '127.0.0.1');
    upstream.on('error', () => {
      upstream.close();
      if (this.#upstreams.get(key) === upstream) this.#upstreams.delete(key);
    });
    upstream.on('message', (msg) => {
      if (this.#cut || this.#closed || this.#upstreams.get(key) !== upstream) {
        this.#stats.dropped += 1;
        return;
      }
      this.#stats.toClient += 1;
      this.#downstream.send(msg, client.port, client.address);
    });
    return upstream;
  }

  #closeUpstreams(): void {
    for (const upstream of this.#upstreams.values()) {
      try {
        upstream.close();
      } catch {
        // already closed after an error
      }
    }
    this.#upstreams.clear();
  }
}
