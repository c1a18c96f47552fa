import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A constant-time check of a presented bearer secret against `secret` (SHA-256 digests compared with
 * node:crypto's `timingSafeEqual`, so neither the content nor the length leaks). Synchronous: hono's
 * own comparison digests both sides through WebCrypto on every request, which was a quarter of the
 * server's CPU while backends asked for tokens during a storm.
 */
export function secretCheck(secret: string): (presented: string) => boolean {
  const expected = digest(secret);
  return (presented) => timingSafeEqual(digest(presented), expected);
}
