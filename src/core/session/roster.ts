import type { ConnectionInfo } from '../../protocol';
import type { Participant } from '../media/types';

/** How a fresh snapshot (a join or re-join answer) differs from what the roster held. */
export interface RosterDiff {
  /** Identities not known before. */
  added: Participant[];
  /** Identities known before, now on another connection id. */
  replaced: Array<{ participant: Participant; previousConnectionId: string }>;
  /** Identities no longer present. */
  removed: Participant[];
  /** Identities no longer present but kept, waiting for them to come back (a re-join, see {@link Roster.reset}). */
  held: Participant[];
}

/**
 * Everyone else in the session, keyed by stable identity (a connection id changes at each join; the
 * identity does not, so a re-join replaces a participant instead of adding a ghost).
 */
export class Roster {
  readonly #byIdentity = new Map<string, Participant>();
  readonly #identityByConnection = new Map<string, string>();
  /** Identities kept through a re-join although the server's snapshot did not have them (yet). */
  readonly #held = new Set<string>();
  readonly #selfIdentity: string;

  constructor(selfIdentity: string) {
    this.#selfIdentity = selfIdentity;
  }

  /** Participants keyed by identity (a live view). */
  get participants(): ReadonlyMap<string, Participant> {
    return this.#byIdentity;
  }

  /** The participant owning `connectionId`, if present. */
  byConnection(connectionId: string): Participant | undefined {
    const identity = this.#identityByConnection.get(connectionId);
    return identity === undefined ? undefined : this.#byIdentity.get(identity);
  }

  /**
   * Replaces the whole roster with a snapshot and says what changed. With `holdAbsent` (a re-join: a
   * restarted server answers before the others are back), an identity missing from the snapshot is kept
   * as it was and reported `held`: its next `connectionCreated` replaces it ({@link upsert}), and
   * {@link releaseHeld} removes it if it never comes back.
   */
  reset(connections: readonly ConnectionInfo[], { holdAbsent = false } = {}): RosterDiff {
    const diff: RosterDiff = { added: [], replaced: [], removed: [], held: [] };
    const seen = new Set<string>();
    for (const info of connections) {
      if (info.identity === this.#selfIdentity) continue;
      seen.add(info.identity);
      this.#held.delete(info.identity);
      const previous = this.#byIdentity.get(info.identity);
      const participant = this.#set(info);
      if (!previous) diff.added.push(participant);
      else if (previous.connectionId !== info.connectionId) {
        this.#identityByConnection.delete(previous.connectionId);
        diff.replaced.push({ participant, previousConnectionId: previous.connectionId });
      }
    }
    for (const [identity, participant] of [...this.#byIdentity]) {
      if (seen.has(identity)) continue;
      if (holdAbsent) {
        this.#held.add(identity);
        diff.held.push(participant);
        continue;
      }
      this.#delete(participant);
      diff.removed.push(participant);
    }
    return diff;
  }

  /** Removes every participant still held since a re-join (none came back on a new connection) and returns them. */
  releaseHeld(): Participant[] {
    const released: Participant[] = [];
    for (const identity of this.#held) {
      const participant = this.#byIdentity.get(identity);
      if (participant) released.push(participant);
    }
    for (const participant of released) this.#delete(participant);
    this.#held.clear();
    return released;
  }

  /**
   * Adds or updates a participant (a `connectionCreated`). Returns the participant and the connection
   * id it replaced, if its identity was on another connection. Null for this page's own identity.
   */
  upsert(
    info: ConnectionInfo,
  ): { participant: Participant; replacedConnectionId: string | undefined } | null {
    if (info.identity === this.#selfIdentity) return null;
    const previous = this.#byIdentity.get(info.identity);
    this.#held.delete(info.identity);
    let replacedConnectionId: string | undefined;
    if (previous && previous.connectionId !== info.connectionId) {
      this.#identityByConnection.delete(previous.connectionId);
      replacedConnectionId = previous.connectionId;
    }
    return { participant: this.#set(info), replacedConnectionId };
  }

  /**
   * Removes the participant on `connectionId` (a `connectionDestroyed`). A connection that was already
   * replaced by a newer one of the same identity removes nothing.
   */
  remove(connectionId: string): Participant | undefined {
    const participant = this.byConnection(connectionId);
    if (!participant) return undefined;
    this.#delete(participant);
    return participant;
  }

  /** Forgets everyone. */
  clear(): void {
    this.#byIdentity.clear();
    this.#identityByConnection.clear();
    this.#held.clear();
  }

  #delete(participant: Participant): void {
    this.#byIdentity.delete(participant.identity);
    this.#identityByConnection.delete(participant.connectionId);
    this.#held.delete(participant.identity);
  }

  #set(info: ConnectionInfo): Participant {
    const participant: Participant = { ...info, isLocal: false };
    this.#byIdentity.set(info.identity, participant);
    this.#identityByConnection.set(info.connectionId, info.identity);
    return participant;
  }
}
