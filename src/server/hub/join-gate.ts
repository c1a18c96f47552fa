import type { JoinRequest } from '../../protocol';
import type { ServerClock } from '../clock';
import { ProtocolFailure } from '../protocol-failure';
import type { SessionRecord, SessionRegistry } from '../registry/session-registry';
import { TokenUses } from '../token-uses';
import type { TokenGrant, TokenService } from '../tokens';
import type { LiveSession } from './live-session';

/** What a {@link JoinGate} is built from. */
export interface JoinGateDeps {
  tokens: TokenService;
  registry: SessionRegistry;
  clock: ServerClock;
  /** Members one session may have at once. */
  maxSessionMembers: number;
  /** In a cluster: throws `NOT_OWNER` unless the session is hosted here. */
  checkHost?: (record: SessionRecord) => Promise<void>;
}

/**
 * Who may join: a token that is genuine, unexpired, bound to this session's current incarnation and
 * to the identity the join presents, with a use left, into an open session with room. Every refusal
 * is a {@link ProtocolFailure} with its own code.
 */
export class JoinGate {
  readonly #deps: JoinGateDeps;
  readonly #uses: TokenUses;

  constructor(deps: JoinGateDeps) {
    this.#deps = deps;
    this.#uses = new TokenUses(deps.clock);
  }

  /** Checks the token and the session (asynchronous: the registry may be remote). */
  async check(request: JoinRequest): Promise<TokenGrant> {
    const grant = await this.#deps.tokens.verify(request.token);
    if (grant.sessionId !== request.sessionId) {
      throw new ProtocolFailure('TOKEN_SESSION_MISMATCH', 'token was issued for another session');
    }
    if (grant.identity !== request.identity) {
      throw new ProtocolFailure('TOKEN_IDENTITY_MISMATCH', 'token was issued for another identity');
    }
    const record = await this.#deps.registry.get(request.sessionId);
    if (!record) throw new ProtocolFailure('SESSION_NOT_FOUND', `no session "${request.sessionId}"`);
    if (record.closedAt !== undefined) throw new ProtocolFailure('SESSION_CLOSED', 'session was closed');
    if (record.incarnation !== grant.incarnation) {
      throw new ProtocolFailure(
        'TOKEN_SESSION_MISMATCH',
        'token was issued for an earlier session with this id, closed since',
      );
    }
    await this.#deps.checkHost?.(record);
    return grant;
  }

  /**
   * Right before admitting (synchronous, so concurrent joins cannot both pass): room in `live` unless
   * the join replaces a member, then one use of the token.
   */
  claim(grant: TokenGrant, live: LiveSession | undefined, replacing: boolean): void {
    const max = this.#deps.maxSessionMembers;
    if (!replacing && (live?.size ?? 0) >= max) {
      throw new ProtocolFailure('SESSION_FULL', `session has its maximum of ${max} members`);
    }
    if (!this.#uses.consume(grant.tokenId, grant.maxUses, grant.expiresAt)) {
      throw new ProtocolFailure('TOKEN_USED', 'token has already been used for its joins');
    }
  }

  /** Forgets every token use (server shutdown). */
  clear(): void {
    this.#uses.clear();
  }
}
