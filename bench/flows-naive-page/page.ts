// The flows group's baseline: a video call written the way a tutorial writes one with simple-peer and
// socket.io-client on their defaults. Every (re)connected socket joins the room and offers to everyone
// already there; a signal from an unknown socket makes an answering peer; `left` destroys that peer.
// Nothing else: no resume, no repair. Its own socket.io server is in bench/flows-naive.ts.
import SimplePeer from 'simple-peer/simplepeer.min.js';
import { io } from 'socket.io-client';

interface NaivePeer {
  destroyed: boolean;
  on(event: string, fn: (...args: never[]) => void): void;
  signal(data: unknown): void;
  destroy(): void;
}

const params = new URLSearchParams(window.location.search);
const room = params.get('room') ?? 'naive';
const iceServers = JSON.parse(params.get('ice') ?? '[]') as RTCIceServer[];
const relayOnly = params.get('relay') === '1';

// The bench reads peer connections the way it reads the holdfast consumer app's (window.__consumer).
const peerConnections: RTCPeerConnection[] = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    peerConnections.push(this);
  }
};
(window as unknown as { __consumer: unknown }).__consumer = { sockets: [], peerConnections, fetches: [] };

const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
const peers = new Map<string, NaivePeer>();
const socket = io(params.get('server') ?? '', { transports: ['websocket'] });

function connect(id: string, initiator: boolean): NaivePeer {
  peers.get(id)?.destroy();
  const peer = new SimplePeer({
    initiator,
    stream,
    config: { iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all' },
  }) as unknown as NaivePeer;
  peer.on('signal', (data: never) => socket.emit('signal', { to: id, data }));
  peer.on('stream', (remote: never) => {
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.srcObject = remote;
    document.body.append(video);
  });
  const forget = () => {
    if (peers.get(id) === peer) peers.delete(id);
  };
  peer.on('close', forget);
  peer.on('error', forget);
  peers.set(id, peer);
  return peer;
}

socket.on('connect', () => {
  socket.emit('join', room, (others: string[]) => {
    for (const id of others) connect(id, true);
  });
});
socket.on('signal', ({ from, data }: { from: string; data: unknown }) => {
  const peer = peers.get(from);
  (peer && !peer.destroyed ? peer : connect(from, false)).signal(data);
});
socket.on('left', (id: string) => {
  peers.get(id)?.destroy();
  peers.delete(id);
});
