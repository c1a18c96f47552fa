import { CHAOS_ROUTES, type ChaosAnswer, type ChaosConfig, type NodeStatus } from './chaos-api';

/** The sidecar's URL: set by `npm start` (empty when Storybook runs without it). */
export const CHAOS_URL: string = import.meta.env.STORYBOOK_HOLDFAST_CHAOS_URL ?? '';
/** The holdfast server used when no sidecar runs (one node, no fault controls then). */
export const SERVER_URL: string = import.meta.env.STORYBOOK_HOLDFAST_URL ?? 'http://127.0.0.1:4000';

/** The sidecar's config, or a one-node config without faults when it cannot be reached. */
export async function loadChaosConfig(
  names: readonly string[],
): Promise<{ config: ChaosConfig; chaos: boolean }> {
  if (CHAOS_URL) {
    try {
      const response = await fetch(`${CHAOS_URL}${CHAOS_ROUTES.config}`);
      if (response.ok) return { config: (await response.json()) as ChaosConfig, chaos: true };
    } catch {
      // fall through to the direct config
    }
  }
  return {
    chaos: false,
    config: {
      nodes: [{ id: 'server', url: SERVER_URL }],
      participants: names.map((name) => ({ name, routes: {} })),
      capabilities: { media: false },
    },
  };
}

/** Sends one fault request; resolves with the sidecar's sentence (never throws). */
export async function chaos(route: string): Promise<ChaosAnswer> {
  try {
    const response = await fetch(`${CHAOS_URL}${route}`, { method: 'POST' });
    const answer = (await response.json()) as ChaosAnswer;
    return { ok: response.ok && answer.ok, message: answer.message };
  } catch (error) {
    return { ok: false, message: `the chaos sidecar did not answer (${String(error)})` };
  }
}

/** The nodes' states, or null when the sidecar does not answer. */
export async function loadNodes(): Promise<NodeStatus[] | null> {
  try {
    const response = await fetch(`${CHAOS_URL}${CHAOS_ROUTES.nodes}`);
    return response.ok ? ((await response.json()) as NodeStatus[]) : null;
  } catch {
    return null;
  }
}
