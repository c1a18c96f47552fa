import type {
  SimplePeerFactory,
  SimplePeerLike,
  SimplePeerOptions,
  SimplePeerSignal,
} from '../../../../src/core/media/simple-peer-like';

type Listener = (...args: never[]) => void;

/** A stand-in RTCPeerConnection: states set by the test, listeners counted, close recorded. */
export class FakePc {
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  restarts = 0;
  closed = false;
  /** What getStats() reports (set by the test). */
  stats: Record<string, unknown>[] = [];
  readonly #listeners = new Map<string, Set<() => void>>();

  addEventListener(type: string, fn: () => void): void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(fn);
  }

  removeEventListener(type: string, fn: () => void): void {
    this.#listeners.get(type)?.delete(fn);
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  /** The camera sender: `active` of its one encoding after each setParameters, in order. */
  readonly video = new FakeVideoSender();

  getSenders(): RTCRtpSender[] {
    return [this.video as unknown as RTCRtpSender];
  }

  /** The audio and video transceivers (both `sendrecv` until the test or holdfast changes them). */
  readonly transceivers = [new FakeTransceiver(), new FakeTransceiver()];

  getTransceivers(): RTCRtpTransceiver[] {
    return this.transceivers as unknown as RTCRtpTransceiver[];
  }

  restartIce(): void {
    this.restarts += 1;
  }

  close(): void {
    this.closed = true;
    this.signalingState = 'closed';
  }

  async getStats(): Promise<Map<string, unknown>> {
    return new Map(this.stats.map((s, i) => [String(s.id ?? i), s]));
  }

  /** Sets both states and fires the change events. */
  setState(ice: RTCIceConnectionState, connection: RTCPeerConnectionState): void {
    this.iceConnectionState = ice;
    this.connectionState = connection;
    for (const type of ['iceconnectionstatechange', 'connectionstatechange']) {
      for (const fn of this.#listeners.get(type) ?? []) fn();
    }
  }
}

/** A stand-in RTCRtpTransceiver: records every direction set; a stopped one refuses any. */
export class FakeTransceiver {
  #direction: RTCRtpTransceiverDirection = 'sendrecv';
  /** Every direction set, in order. */
  readonly set: RTCRtpTransceiverDirection[] = [];

  get direction(): RTCRtpTransceiverDirection {
    return this.#direction;
  }

  set direction(next: RTCRtpTransceiverDirection) {
    if (this.#direction === 'stopped') throw new DOMException('transceiver stopped', 'InvalidStateError');
    this.#direction = next;
    this.set.push(next);
  }

  stop(): void {
    this.#direction = 'stopped';
  }
}

/** A stand-in video RTCRtpSender with one encoding; records what each setParameters applied. */
export class FakeVideoSender {
  readonly track = { kind: 'video' };
  /** `active` as applied by each setParameters call, in call order. */
  readonly applied: boolean[] = [];

  /** `active` of the encoding now: the last one applied (active until the first call). */
  get active(): boolean {
    return this.applied.at(-1) ?? true;
  }

  getParameters(): { encodings: { active: boolean }[] } {
    return { encodings: [{ active: this.active }] };
  }

  async setParameters(parameters: { encodings: { active: boolean }[] }): Promise<void> {
    this.applied.push(parameters.encodings[0]?.active ?? true);
  }
}

/** A stand-in simple-peer instance. */
export class FakePeer implements SimplePeerLike {
  readonly options: SimplePeerOptions;
  readonly pc = new FakePc();
  readonly fed: SimplePeerSignal[] = [];
  negotiations = 0;
  destroyed = false;
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(options: SimplePeerOptions) {
    this.options = options;
  }

  get _pc(): RTCPeerConnection | null {
    return this.destroyed ? null : (this.pc as unknown as RTCPeerConnection);
  }

  on(event: string, listener: Listener): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  removeAllListeners(): this {
    this.#listeners.clear();
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.#listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }

  signal(data: SimplePeerSignal): void {
    this.fed.push(data);
  }

  negotiate(): void {
    this.negotiations += 1;
  }

  /** Streams added after the peer was built (each one renegotiates). */
  readonly added: MediaStream[] = [];
  addStream(stream: MediaStream): void {
    this.added.push(stream);
  }
  removeStream(): void {}

  /** Tracks swapped on this peer's senders: [old track id, new track id]. */
  readonly replaced: Array<[string, string]> = [];
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack): void {
    this.replaced.push([oldTrack.id, newTrack.id]);
  }

  destroy(): void {
    this.destroyed = true;
    this.pc.close();
  }

  /** simple-peer's own reaction to `failed`: destroy the peer and emit error + close. */
  failAndDestroy(): void {
    this.pc.setState('failed', 'failed');
    this.destroyed = true;
    this.pc.close();
    this.emit('error', Object.assign(new Error('Connection failed.'), { code: 'ERR_CONNECTION_FAILURE' }));
    this.emit('close');
  }
}

/** A factory recording every peer it builds. */
export function fakePeerFactory(): { factory: SimplePeerFactory; peers: FakePeer[] } {
  const peers: FakePeer[] = [];
  return {
    peers,
    factory: (options) => {
      const peer = new FakePeer(options);
      peers.push(peer);
      return peer;
    },
  };
}
