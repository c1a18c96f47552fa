/**
 * The id of the media link between two identities: the same on both sides (the two identities in
 * code-unit order, joined by `|`), so both ends name the link alike without talking first.
 */
export function linkIdFor(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * Whether this side creates the offers of the link (the simple-peer initiator). Fixed by the
 * identities alone, so both sides agree without negotiating and never offer at once (no glare).
 * The initiator also runs every repair of the link; the other side only asks for one.
 */
export function isInitiator(localIdentity: string, remoteIdentity: string): boolean {
  return localIdentity < remoteIdentity;
}
