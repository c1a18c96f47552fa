import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import * as v from 'valibot';
import { LIMITS, type Role, RoleSchema, SessionIdSchema } from '../protocol';
import type { ServerClock } from './clock';
import type { IdSource } from './ids';
import { ProtocolFailure } from './protocol-failure';

const ISSUER = 'holdfast';
const ALGORITHM = 'HS256';

/** What a verified token grants. */
export interface TokenGrant {
  sessionId: string;
  role: Role;
  data: string;
  tokenId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

/** What a token is issued for. */
export interface TokenRequest {
  sessionId: string;
  role: Role;
  data: string;
  ttlSeconds: number;
}

const ClaimsSchema = v.object({
  sid: SessionIdSchema,
  role: RoleSchema,
  data: v.pipe(v.string(), v.maxLength(LIMITS.maxConnectionDataChars)),
  jti: v.pipe(v.string(), v.minLength(1)),
  exp: v.number(),
});

/**
 * Connection tokens: JWT HS256 signed with a key derived from the server secret, with claims
 * `sid` (the session the token is bound to), `role`, `data`, `jti`, `iat`, `exp` and `iss: 'holdfast'`.
 * Expiry is checked against the injected clock.
 */
export class TokenService {
  readonly #key: Uint8Array;
  readonly #clock: ServerClock;
  readonly #ids: IdSource;

  constructor(secret: string, clock: ServerClock, ids: IdSource) {
    // A derived key, so the REST secret itself never doubles as a JWT key.
    this.#key = createHash('sha256').update('holdfast connection token\0').update(secret).digest();
    this.#clock = clock;
    this.#ids = ids;
  }

  /** Signs a token for `request.sessionId`. */
  async issue(request: TokenRequest): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = Math.floor(this.#clock.now() / 1000);
    const expiresAtSeconds = issuedAt + request.ttlSeconds;
    const token = await new SignJWT({ sid: request.sessionId, role: request.role, data: request.data })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setJti(this.#ids.tokenId())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.#key);
    return { token, expiresAt: expiresAtSeconds * 1000 };
  }

  /**
   * Verifies signature, issuer, expiry and claims. Throws a {@link ProtocolFailure}: `TOKEN_EXPIRED`
   * for an expired token, `TOKEN_INVALID` for anything else wrong with it.
   */
  async verify(token: string): Promise<TokenGrant> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        issuer: ISSUER,
        algorithms: [ALGORITHM],
        currentDate: new Date(this.#clock.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new ProtocolFailure('TOKEN_EXPIRED', 'token has expired');
      throw new ProtocolFailure('TOKEN_INVALID', 'token is not a valid holdfast token');
    }
    const claims = v.safeParse(ClaimsSchema, payload);
    if (!claims.success) throw new ProtocolFailure('TOKEN_INVALID', 'token claims are invalid');
    const { sid, role, data, jti, exp } = claims.output;
    return { sessionId: sid, role, data, tokenId: jti, expiresAt: exp * 1000 };
  }
}
