import { CHAOS_ROUTES, type ChaosConfig } from './chaos-api';

/** The sidecar's URL: set by `npm start`, else the default of a sidecar started by hand. */
export const CHAOS_URL: string = import.meta.env.STORYBOOK_HOLDFAST_CHAOS_URL ?? '';
/** The holdfast server used when no sidecar runs (no chaos controls then). */
export const SERVER_URL: string = import.meta.env.STORYBOOK_HOLDFAST_URL ?? 'http://127.0.0.1:4000';

/** The sidecar's config, or a direct-to-server config without chaos when it cannot be reached. */
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
      serverUrl: SERVER_URL,
      participants: names.map((name) => ({ name, serverUrl: SERVER_URL })),
      capabilities: { media: false, server: false, rotation: false },
    },
  };
}

/** Sends one chaos request; resolves with the sidecar's answer text for the log. */
export async function chaos(route: string): Promise<string> {
  const response = await fetch(`${CHAOS_URL}${route}`, { method: 'POST' });
  return `${response.status} ${await response.text()}`;
}
