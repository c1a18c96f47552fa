/**
 * The playground's chaos sidecar API, shared by the Node sidecar (chaos-server.ts) and the Playground
 * story. The sidecar runs a two-node in-memory holdfast cluster and one TCP path per participant per
 * node. Faults are injected at the transport (TCP proxy, UDP path to TURN) or at the node (a crash that
 * cuts every socket and stops the lease, a drain with a deadline), never by calling the client library.
 */

/** One cluster node as the playground shows it. */
export interface ChaosNode {
  /** `node-1`, `node-2`. */
  id: string;
  /** The node's own URL (what tokens and answers name). */
  url: string;
}

/** One playground participant's own paths to the nodes and to the TURN relay. */
export interface ChaosParticipant {
  name: string;
  /** Node URL → this participant's TCP proxy to that node: its own "network" to each node. */
  routes: Record<string, string>;
  /** Relay-only ICE through this participant's UDP path to TURN; absent without coturn. */
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** What `GET /config` answers. */
export interface ChaosConfig {
  nodes: ChaosNode[];
  participants: ChaosParticipant[];
  capabilities: {
    /** Media paths can be cut (coturn is installed). */
    media: boolean;
  };
}

/** Where a node is in its life, as `GET /nodes` reports it. */
export type NodeLife =
  | { state: 'serving' }
  | { state: 'draining'; deadline: number }
  | { state: 'crashed'; since: number; declared: boolean }
  | { state: 'restarting' };

/** `GET /nodes`: one entry per node. */
export type NodeStatus = ChaosNode & NodeLife & { members: number; boots: number };

/** What every POST answers: a sentence for the timeline, or an error sentence. */
export interface ChaosAnswer {
  ok: boolean;
  message: string;
}

/**
 * Routes: `GET /config`, `GET /nodes`; `POST /signaling/:name/drop?ms=`, `/signaling/:name/reset`,
 * `/media/:name/cut?ms=&newPath=1`, `/nodes/:id/crash`, `/nodes/:id/rotate?ms=`, `/nodes/:id/restart`,
 * `/nodes/:id/isolate?ms=`.
 */
export const CHAOS_ROUTES = {
  config: '/config',
  nodes: '/nodes',
  dropSignaling: (name: string, ms: number) => `/signaling/${encodeURIComponent(name)}/drop?ms=${ms}`,
  resetSignaling: (name: string) => `/signaling/${encodeURIComponent(name)}/reset`,
  cutMedia: (name: string, ms: number, newPath: boolean) =>
    `/media/${encodeURIComponent(name)}/cut?ms=${ms}&newPath=${newPath ? 1 : 0}`,
  crashNode: (id: string) => `/nodes/${encodeURIComponent(id)}/crash`,
  rotateNode: (id: string, ms: number) => `/nodes/${encodeURIComponent(id)}/rotate?ms=${ms}`,
  restartNode: (id: string) => `/nodes/${encodeURIComponent(id)}/restart`,
  isolateNode: (id: string, ms: number) => `/nodes/${encodeURIComponent(id)}/isolate?ms=${ms}`,
} as const;

/** Longest fault (or drain deadline) the sidecar accepts (ms). */
export const MAX_FAULT_MS = 60_000;
