import type { MediaPayload } from '../../protocol';
import { errorMessage } from '../errors';
import { listen } from '../listen';
import { toPayload, toSignal } from './signal-payload';
import type { SimplePeerFactory, SimplePeerLike } from './simple-peer-like';

/** What one peer reports to its media link. */
export interface PeerGenerationEvents {
  /** A negotiation message to relay to the other side. */
  onSignal(payload: MediaPayload): void;
  /** A remote track arrived. */
  onTrack(track: MediaStreamTrack): void;
  /** `iceConnectionState` or `connectionState` changed (read from the RTCPeerConnection itself). */
  onTransport(ice: RTCIceConnectionState, connection: RTCPeerConnectionState | undefined): void;
  /** simple-peer destroyed the peer by itself (ICE/connection failed, channel closed, error). */
  onDead(reason: string): void;
}

/** Options of {@link PeerGeneration}. */
export interface PeerGenerationOptions {
  initiator: boolean;
  config: RTCConfiguration;
  localStream: MediaStream | null;
  createPeer: SimplePeerFactory;
  events: PeerGenerationEvents;
}

/**
 * One simple-peer peer of a media link (one generation of it). It keeps its own reference to the
 * RTCPeerConnection and watches it directly, because simple-peer destroys (and forgets) the peer on
 * `failed`: the link learns of that through `onDead` and recovers without this object.
 * `close()` releases everything: the peer, the RTCPeerConnection, remote tracks and every listener.
 */
export class PeerGeneration {
  readonly initiator: boolean;
  /** The RTCPeerConnection (kept even after simple-peer forgets it, so it can be closed for sure). */
  readonly pc: RTCPeerConnection | null;
  readonly #peer: SimplePeerLike;
  readonly #events: PeerGenerationEvents;
  /** Set by the owner once the transport first connected (later reconnections are recoveries). */
  everConnected = false;
  readonly #remoteTracks = new Set<MediaStreamTrack>();
  readonly #detach: (() => void)[] = [];
  #closed = false;
  #dead = false;
  /** The local stream this peer sends: the one it was built with, or added since. */
  #sending: MediaStream | null;
  /** After an ICE restart's offer: turns the transceivers back to their directions (see restartIce). */
  #restore: (() => void) | undefined;

  constructor(options: PeerGenerationOptions) {
    this.initiator = options.initiator;
    this.#events = options.events;
    this.#sending = options.localStream;
    const peer = options.createPeer({
      initiator: options.initiator,
      config: options.config,
      streams: options.localStream ? [options.localStream] : [],
      trickle: true,
    });
    this.#peer = peer;
    this.pc = peer._pc;
    peer.on('signal', (data) => {
      if (this.#closed) return;
      const payload = toPayload(data);
      if (payload) this.#events.onSignal(payload);
      if (data.type === 'offer') this.#restore?.();
    });
    peer.on('track', (track) => {
      if (this.#closed) return;
      this.#remoteTracks.add(track);
      this.#events.onTrack(track);
    });
    peer.on('error', (error) => this.#markDead(error.code ?? error.message));
    peer.on('close', () => this.#markDead('closed'));
    const pc = this.pc;
    if (pc) {
      const report = () => {
        if (!this.#closed) this.#events.onTransport(pc.iceConnectionState, pc.connectionState);
      };
      this.#detach.push(
        listen(pc, 'iceconnectionstatechange', report),
        listen(pc, 'connectionstatechange', report),
      );
    }
  }

  /** False once simple-peer destroyed the peer or the connection is closed. */
  get alive(): boolean {
    return !this.#closed && !this.#dead && !this.#peer.destroyed && this.pc?.signalingState !== 'closed';
  }

  /** Feeds a negotiation message from the other side. */
  signal(payload: MediaPayload): void {
    if (!this.alive) return;
    const data = toSignal(payload);
    if (!data) return;
    try {
      this.#peer.signal(data);
    } catch (error) {
      this.#markDead(errorMessage(error));
    }
  }

  /**
   * Restarts ICE on this connection and renegotiates (offerer only). False when it cannot.
   *
   * The restart's offer also turns every transceiver inactive, and the next offer turns each back to
   * its direction. Chromium then drops its receive streams and builds new ones, so their timing starts
   * over on the new path. A receiver kept from before the outage could hold the first complete frames
   * for seconds (docs/decisions/0006-new-receivers-with-ice-restart.md).
   */
  restartIce(): boolean {
    const pc = this.pc;
    if (!this.alive || !pc || !this.initiator) return false;
    try {
      // A restart whose offer is not out yet already saved the directions (now all inactive).
      if (!this.#restore) {
        // A stopped transceiver refuses a direction: then no restart, and the link gets a fresh peer.
        const saved = pc.getTransceivers().map((t) => [t, t.direction] as const);
        for (const [t] of saved) t.direction = 'inactive';
        // Once that offer is out: the directions back, in the next offer.
        this.#restore = () => {
          this.#restore = undefined;
          for (const [t, direction] of saved) t.direction = direction;
          this.#peer.negotiate();
        };
      }
      pc.restartIce();
      this.#peer.negotiate();
      return true;
    } catch {
      return false;
    }
  }

  /** Adds a local stream (renegotiates); none for the stream the peer already sends. */
  addStream(stream: MediaStream): void {
    if (!this.alive || this.#sending === stream) return;
    this.#sending = stream;
    try {
      this.#peer.addStream(stream);
    } catch {
      // already added: nothing to do
    }
  }

  /** Sends `next` instead of `previous` of the local `stream` (no renegotiation). */
  replaceTrack(previous: MediaStreamTrack, next: MediaStreamTrack, stream: MediaStream): void {
    if (!this.alive || this.#sending !== stream) return;
    try {
      this.#peer.replaceTrack(previous, next, stream);
    } catch {
      // `previous` not sent by this peer (built after the swap): it sends the stream's tracks as they are
    }
  }

  removeStream(stream: MediaStream): void {
    if (this.#sending === stream) this.#sending = null;
    if (!this.alive) return;
    try {
      this.#peer.removeStream(stream);
    } catch {
      // never added: nothing to do
    }
  }

  /**
   * Pauses or resumes every video sender's encodings (no renegotiation). Paused while the transport is
   * down, a sender encodes nothing that would be lost or retransmitted late once the path is back.
   */
  async setVideoActive(active: boolean): Promise<void> {
    // Every change is issued at once, so a later call always lands after this one. A sender that went
    // away meanwhile (closed, or without encodings yet) refuses the change: nothing to do.
    const changes = (this.pc?.getSenders() ?? []).map(async (sender) => {
      if (sender.track?.kind !== 'video') return;
      const parameters = sender.getParameters();
      for (const encoding of parameters.encodings) encoding.active = active;
      await sender.setParameters(parameters);
    });
    await Promise.allSettled(changes);
  }

  /** The connection's stats, or null once it is gone. */
  async stats(): Promise<RTCStatsReport | null> {
    try {
      // A closed RTCPeerConnection refuses getStats.
      return this.#closed ? null : ((await this.pc?.getStats()) ?? null);
    } catch {
      return null;
    }
  }

  /** Releases the peer, its RTCPeerConnection, its remote tracks and every listener. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const detach of this.#detach.splice(0)) detach();
    this.#peer.removeAllListeners();
    // simple-peer emits `error`/`close` a tick after destroy(); an EventEmitter without an `error`
    // listener would throw, so keep a silent one.
    this.#peer.on('error', () => {});
    if (!this.#peer.destroyed) this.#peer.destroy();
    try {
      this.pc?.close();
    } catch {
      // already closed
    }
    for (const track of this.#remoteTracks) track.stop();
    this.#remoteTracks.clear();
  }

  #markDead(reason: string): void {
    if (this.#closed || this.#dead) return;
    this.#dead = true;
    this.#events.onDead(reason);
  }
}
