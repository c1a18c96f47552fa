// The benchmark's baseline: a plain simple-peer call with no recovery of any kind, the way an app
// uses simple-peer out of the box (one peer per remote, signals relayed by the app's own channel).
import SimplePeer from 'simple-peer/simplepeer.min.js';

interface BaselinePeer {
  _pc: RTCPeerConnection | null;
  destroyed: boolean;
  on(event: string, fn: (...args: never[]) => void): void;
  signal(data: unknown): void;
}

declare global {
  interface Window {
    bl: BaselineDriver;
    /** Exposed by the Node side: relays a signal to the other page. */
    __blSignal: (data: string) => Promise<void>;
  }
}

/** What the Node side drives on `window.bl`. */
export interface BaselineDriver {
  start(options: { initiator: boolean; iceServers: RTCIceServer[] }): Promise<void>;
  signal(data: string): void;
  watchFrames(): void;
  firstRiseAfter(after: number): number | null;
  freezeVideo(): Promise<void>;
  unfreezeVideo(): Promise<void>;
  /** When simple-peer first reported trouble after `after` (ICE state change away from connected, close, error). */
  troubleAfter(after: number): number | null;
  /** Inbound video stats and states (diagnostics). */
  inbound(): Promise<Record<string, unknown>>;
}

let peer: BaselinePeer | null = null;
let pc: RTCPeerConnection | null = null;
const rises: number[] = [];
const trouble: number[] = [];
const frozen = new Map<RTCRtpSender, MediaStreamTrack | null>();

window.bl = {
  async start({ initiator, iceServers }) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const p = new SimplePeer({
      initiator,
      stream,
      trickle: true,
      config: { iceServers, iceTransportPolicy: 'relay' },
    }) as BaselinePeer;
    peer = p;
    pc = p._pc;
    p.on('signal', (data: never) => void window.__blSignal(JSON.stringify(data)));
    p.on('iceStateChange', ((state: string) => {
      if (state !== 'connected' && state !== 'completed' && state !== 'checking' && state !== 'new')
        trouble.push(Date.now());
    }) as never);
    p.on('close', () => trouble.push(Date.now()));
    p.on('error', () => trouble.push(Date.now()));
  },
  signal(data) {
    if (peer && !peer.destroyed) peer.signal(JSON.parse(data));
  },
  watchFrames() {
    let last = -1;
    const tick = async () => {
      const c = pc;
      if (c && c.signalingState !== 'closed') {
        for (const stat of (await c.getStats()).values()) {
          if (stat.type !== 'inbound-rtp' || stat.kind !== 'video') continue;
          const frames = stat.framesDecoded ?? 0;
          if (frames > last && last >= 0) rises.push(Date.now());
          last = frames;
        }
      }
      setTimeout(() => void tick(), 40);
    };
    void tick();
  },
  firstRiseAfter: (after) => rises.find((t) => t > after) ?? null,
  async freezeVideo() {
    const canvas = document.createElement('canvas');
    const still = canvas.captureStream(0).getVideoTracks()[0] ?? null;
    for (const sender of pc?.getSenders() ?? []) {
      if (sender.track?.kind !== 'video') continue;
      frozen.set(sender, sender.track);
      await sender.replaceTrack(still);
    }
  },
  async unfreezeVideo() {
    for (const [sender, track] of frozen) await sender.replaceTrack(track).catch(() => {});
    frozen.clear();
  },
  troubleAfter: (after) => trouble.find((t) => t > after) ?? null,
  async inbound() {
    const out: Record<string, unknown> = {
      ice: pc?.iceConnectionState,
      connection: pc?.connectionState,
      destroyed: peer?.destroyed,
      rises: rises.length,
      lastRise: rises.at(-1),
    };
    for (const stat of (await pc?.getStats())?.values() ?? []) {
      if (stat.type === 'inbound-rtp' && stat.kind === 'video') {
        Object.assign(out, { packets: stat.packetsReceived, frames: stat.framesDecoded, pli: stat.pliCount });
      }
    }
    return out;
  },
};
