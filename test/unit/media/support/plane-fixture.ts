import type { MediaSettings } from '../../../../src/core/media/media-plane';
import {
  createMeshMediaPlaneWith,
  type MeshMediaPlaneOptions,
} from '../../../../src/core/media/mesh-media-plane';
import type { ConnectionInfo, StreamInfo } from '../../../../src/protocol';
import { FakeClock } from './fake-clock';
import { fakeHost } from './fake-host';
import { fakePeerFactory } from './fake-peer';

export const ICE = {
  iceServers: [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'p' }],
  iceTransportPolicy: 'relay' as const,
};

export function connection(identity: string, connectionId = `c-${identity}`): ConnectionInfo {
  return { connectionId, identity, role: 'publisher', data: '', createdAt: 0 };
}

export function streamOf(
  identity: string,
  connectionId = `c-${identity}`,
  streamId = `s-${identity}`,
): StreamInfo {
  return {
    streamId,
    connectionId,
    identity,
    hasAudio: true,
    hasVideo: true,
    audioActive: true,
    videoActive: true,
    typeOfVideo: 'CAMERA',
    createdAt: 0,
  };
}

/** A mesh plane for `local` with fake peers, not joined yet: `join(remotes)` joins it. */
export function unjoinedPlane(
  local: string,
  settings: Partial<MediaSettings> = {},
  options: Omit<MeshMediaPlaneOptions, 'createPeer'> = {},
) {
  const clock = new FakeClock();
  const host = fakeHost(clock, local, settings);
  const peers = fakePeerFactory();
  const plane = createMeshMediaPlaneWith({ ...options, createPeer: peers.factory })(host.host);
  /** Joins with `remotes`, each publishing a stream. */
  const join = (remotes: string[]) => {
    for (const remote of remotes) host.participants.set(remote, { ...connection(remote), isLocal: false });
    plane.onJoined({
      kind: 'join',
      connectionId: `c-${local}`,
      ice: ICE,
      connections: remotes.map((r) => connection(r)),
      streams: remotes.map((r) => streamOf(r)),
    });
  };
  return { clock, plane, peers: peers.peers, join, ...host };
}

/** A mesh plane for `local` with fake peers, joined with `remotes` (each publishing a stream). */
export function joinedPlane(
  local: string,
  remotes: string[],
  settings: Partial<MediaSettings> = {},
  options: Omit<MeshMediaPlaneOptions, 'createPeer'> = {},
) {
  const fixture = unjoinedPlane(local, settings, options);
  fixture.join(remotes);
  return fixture;
}

/**
 * As {@link joinedPlane}, every link connected, with a path probe that answers after 20 ms whether the
 * path is up: as `setUp` last said (up at first).
 */
export function joinedPlaneWithPath(local: string, remotes: string[]) {
  let up = true;
  let clock: FakeClock | undefined;
  const fixture = joinedPlane(
    local,
    remotes,
    {},
    {
      pathProbe: (signal) =>
        new Promise<boolean>((resolve) => {
          clock?.setTimeout(() => resolve(up), 20);
          signal.addEventListener('abort', () => resolve(false));
        }),
    },
  );
  clock = fixture.clock;
  for (const peer of fixture.peers) peer.pc.setState('connected', 'connected');
  return {
    ...fixture,
    setUp: (value: boolean) => {
      up = value;
    },
  };
}
