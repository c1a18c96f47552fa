import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Where the server's random identifiers and secrets come from; injected so tests can fix them. */
export interface IdSource {
  /** A new session id (letters, digits, `_`, `-`). */
  sessionId(): string;
  /** A new connection id, unique on this node. */
  connectionId(): string;
  /** A new resume secret (unguessable). */
  resumeSecret(): string;
  /** A new token id (`jti`). */
  tokenId(): string;
  /** A new participant identity, for a token the app backend asked for without one. */
  identity(): string;
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Cryptographically random ids from `node:crypto`. */
export const cryptoIds: IdSource = {
  sessionId: () => `s_${random(12)}`,
  connectionId: () => `c_${random(12)}`,
  resumeSecret: () => random(32),
  tokenId: () => randomUUID(),
  identity: () => `p_${random(12)}`,
};

/** A new boot id: changes every time a server instance is created, so clients can tell a restart. */
export const newBootId = (): string => randomUUID();

/** Compares two secrets in constant time (for equal lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
