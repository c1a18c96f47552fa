import { createHmac, timingSafeEqual } from 'node:crypto';

/** The only header a holdfast token carries (and the only one it accepts). */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Why a compact JWS was not accepted. */
export type Hs256Failure = 'malformed' | 'signature';

/** Longest token looked at (a holdfast token is well under 2 KB; anything longer is refused unread). */
const MAX_TOKEN_CHARS = 8192;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Signs `claims` as a compact JWS, HS256 (`{"alg":"HS256","typ":"JWT"}`), with node:crypto's HMAC.
 * Synchronous and far cheaper than going through WebCrypto per token, which is what a join storm pays
 * for every join (measured in docs/decisions/0020-storms-admission.md).
 */
export function signHs256(claims: Record<string, unknown>, key: Uint8Array): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

/**
 * Checks a compact JWS made by {@link signHs256}: the exact header (no algorithm choice is read from
 * the token), the HMAC compared in constant time, a JSON object payload. Returns the payload, or why
 * it was refused. Claims (issuer, expiry, …) are the caller's to check.
 */
export function verifyHs256(
  token: string,
  key: Uint8Array,
): { ok: true; payload: Record<string, unknown> } | { ok: false; why: Hs256Failure } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, why: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, why: 'malformed' };
  const [header, body, signature] = parts as [string, string, string];
  if (header !== HEADER || !BASE64URL.test(body) || !BASE64URL.test(signature))
    return { ok: false, why: 'malformed' };
  const expected = createHmac('sha256', key).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, why: 'signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'malformed' };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { ok: false, why: 'malformed' };
  return { ok: true, payload: payload as Record<string, unknown> };
}
