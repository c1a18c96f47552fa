import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { IdSchema, LIMITS, MAX_TOKEN_USES, type Role, RoleSchema, SessionIdSchema } from '../protocol';
import type { ServerClock } from './clock';
import { signHs256, verifyHs256 } from './hs256-jwt';
import type { IdSource } from './ids';
import { ProtocolFailure } from './protocol-failure';

const ISSUER = 'holdfast';

/** What a token is issued for. */
export interface TokenRequest {
  sessionId: string;
  /** The incarnation of the session (see `SessionRecord.incarnation`): the token dies with it. */
  incarnation: string;
  /** The only identity a join with this token may present. */
  identity: string;
  role: Role;
  data: string;
  ttlSeconds: number;
  /** How many joins the token admits. */
  maxUses: number;
  /** In a cluster: the public URL of the node to connect to (claim `url`; clients read it unverified). */
  url?: string;
}

/** What a verified token grants. */
export interface TokenGrant extends Omit<TokenRequest, 'ttlSeconds'> {
  tokenId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

const ClaimsSchema = v.object({
  sid: SessionIdSchema,
  inc: v.pipe(v.string(), v.minLength(1)),
  idn: IdSchema,
  role: RoleSchema,
  data: v.pipe(v.string(), v.maxLength(LIMITS.maxConnectionDataChars)),
  uses: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TOKEN_USES)),
  jti: v.pipe(v.string(), v.minLength(1)),
  iss: v.literal(ISSUER),
  iat: v.optional(v.number()),
  exp: v.number(),
  url: v.optional(v.string()),
});

/**
 * Connection tokens: JWT HS256 (node:crypto HMAC, see `hs256-jwt.ts`) signed with a key derived from
 * the server secret, with claims
 * `sid` and `inc` (the session and the incarnation of it the token is bound to), `idn` (the identity
 * it admits), `role`, `data`, `uses` (how many joins it admits), `jti`, `iat`, `exp` and
 * `iss: 'holdfast'`, and in a cluster `url` (the node to connect to). Expiry is checked against the injected clock; uses are counted by
 * {@link TokenUses}.
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
    const { sessionId, incarnation, identity, role, data, maxUses, url } = request;
    const token = signHs256(
      {
        sid: sessionId,
        inc: incarnation,
        idn: identity,
        role,
        data,
        uses: maxUses,
        ...(url === undefined ? {} : { url }),
        iss: ISSUER,
        jti: this.#ids.tokenId(),
        iat: issuedAt,
        exp: expiresAtSeconds,
      },
      this.#key,
    );
    return { token, expiresAt: expiresAtSeconds * 1000 };
  }

  /**
   * Verifies signature, issuer, expiry and claims. Throws a {@link ProtocolFailure}: `TOKEN_EXPIRED`
   * for an expired token, `TOKEN_INVALID` for anything else wrong with it.
   */
  async verify(token: string): Promise<TokenGrant> {
    const checked = verifyHs256(token, this.#key);
    if (!checked.ok) throw new ProtocolFailure('TOKEN_INVALID', 'token is not a valid holdfast token');
    const claims = v.safeParse(ClaimsSchema, checked.payload);
    if (!claims.success) throw new ProtocolFailure('TOKEN_INVALID', 'token claims are invalid');
    // As jose judged it: expired once the clock has reached `exp` (seconds).
    if (Math.floor(this.#clock.now() / 1000) >= claims.output.exp)
      throw new ProtocolFailure('TOKEN_EXPIRED', 'token has expired');
    const { sid, inc, idn, role, data, uses, jti, exp, url } = claims.output;
    return {
      sessionId: sid,
      incarnation: inc,
      identity: idn,
      role,
      data,
      maxUses: uses,
      tokenId: jti,
      expiresAt: exp * 1000,
      ...(url === undefined ? {} : { url }),
    };
  }
}
