/**
 * The playground's chaos sidecar API, shared by the Node sidecar (chaos-server.ts) and the Playground
 * story. Faults are injected at the transport (TCP proxy, UDP path to TURN, the server process), never by
 * calling holdfast.
 */

/** One playground participant's own paths to the server and to the TURN relay. */
export interface ChaosParticipant {
  name: string;
  /** Signaling URL through this participant's TCP proxy. */
  serverUrl: string;
  /** Relay-only ICE through this participant's UDP path to TURN; absent without coturn. */
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** What `GET /config` answers. */
export interface ChaosConfig {
  /** The holdfast server itself (for `/dev/token`; the app backend is not on the faulty path). */
  serverUrl: string;
  participants: ChaosParticipant[];
  capabilities: {
    /** Media paths can be cut (coturn is installed). */
    media: boolean;
    /** The server process can be crashed/frozen (the sidecar runs under `npm start`). */
    server: boolean;
    /** Planned rotation can be started (not served by this server yet). */
    rotation: boolean;
  };
}

/** Server process actions the sidecar asks its parent (scripts/start.mjs) for over IPC. */
export type ServerAction =
  | { type: 'holdfast-server'; action: 'crash' }
  | { type: 'holdfast-server'; action: 'freeze'; ms: number };

/** Routes: `POST /signaling/:name/drop?ms=`, `/signaling/:name/reset`, `/media/:name/cut?ms=&newPath=1`, `/server/crash`, `/server/freeze?ms=`. */
export const CHAOS_ROUTES = {
  config: '/config',
  dropSignaling: (name: string, ms: number) => `/signaling/${encodeURIComponent(name)}/drop?ms=${ms}`,
  resetSignaling: (name: string) => `/signaling/${encodeURIComponent(name)}/reset`,
  cutMedia: (name: string, ms: number, newPath: boolean) =>
    `/media/${encodeURIComponent(name)}/cut?ms=${ms}&newPath=${newPath ? 1 : 0}`,
  crashServer: '/server/crash',
  freezeServer: (ms: number) => `/server/freeze?ms=${ms}`,
} as const;

/** Longest fault the sidecar accepts (ms). */
export const MAX_FAULT_MS = 60_000;
