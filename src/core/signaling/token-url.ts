/**
 * The `url` claim of a holdfast token: in a cluster, the node the session is placed on. Read without
 * verifying (the token comes from the app's own backend; the server verifies it). Undefined when the
 * token is not a JWT, has no such claim, or the claim is not an http(s) URL.
 */
export function tokenUrl(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload.length > 16_384) return undefined;
  try {
    const base64 = payload.replaceAll('-', '+').replaceAll('_', '/');
    const json: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
    const url = (json as { url?: unknown } | null)?.url;
    return typeof url === 'string' && /^https?:\/\/[^\s]+$/.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}
