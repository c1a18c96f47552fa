import type { ServerClock } from '../clock';
import type { Connection } from '../connection/connection';

/** What a {@link GraceTimer} is built from. */
export interface GraceTimerDeps {
  clock: ServerClock;
  graceMs: number;
  /** How far past `graceMs` a grace may be stretched, in total. */
  maxExtensionMs: number;
  /** Milliseconds the server's own event loop has been stalled so far (a growing counter). */
  stalledMs: () => number;
  /** While this many members (or more) are in their grace at once, none is evicted (0: never). */
  stormMembers?: number;
}

/** How often, during a storm, a grace that ran out looks again whether the storm is over. */
const STORM_STEP_MS = 1_000;
/** How often the count of members in grace is brought up to date (a storm judges thousands at once). */
const COUNT_EVERY_MS = 250;

interface GraceRecord {
  /** When the grace would end, had nothing stretched it. */
  endsAt: number;
  /** The stall counter when the grace started. */
  stalledAtStart: number;
  /** Stall time already given back. */
  credited: number;
  /** The server asked the client to come back at a later slot: keep the place until then. */
  holdUntil: number;
  expire: () => void;
}

/**
 * The eviction grace of members whose socket was lost, judged fairly under load: when it runs out,
 * the time the server's own loop was stalled meanwhile is given back (a heartbeat or a resume the
 * server could not process is not the client's fault), and a member the server told to retry later
 * (`retryAfterMs`) keeps its place until that slot. And during a storm (`stormMembers` or more members
 * in their grace at once: a mass loss, thousands resuming faster than the server can take them) no
 * grace runs out: evicting members still queueing to come back would turn the server's backlog into lost
 * places. All of these stretch a grace by at most `maxExtensionMs`.
 */
export class GraceTimer {
  readonly #deps: GraceTimerDeps;
  /** Members whose grace started and was not seen over yet (those that ended otherwise are pruned when counted). */
  readonly #records = new Map<Connection, GraceRecord>();
  #inGrace = 0;
  #countedAt = Number.NEGATIVE_INFINITY;

  constructor(deps: GraceTimerDeps) {
    this.#deps = deps;
  }

  /**
   * A live `connection` lost its socket: it enters its grace, and `expire` runs once the grace is really
   * over. Returns false, changing nothing, when it was not live.
   */
  start(connection: Connection, expire: () => void): boolean {
    const record: GraceRecord = {
      endsAt: this.#deps.clock.now() + this.#deps.graceMs,
      stalledAtStart: this.#deps.stalledMs(),
      credited: 0,
      holdUntil: 0,
      expire,
    };
    if (!connection.enterGrace(this.#deps.graceMs, () => this.#judge(connection, record))) return false;
    this.#records.set(connection, record);
    // Members that ended some other way (their session closed) are pruned here too, not only in a storm.
    if (this.#records.size > 2 * this.#inGrace + 1_000) this.#count(this.#deps.clock.now());
    return true;
  }

  /**
   * Keeps `connection` (in its grace) until at least `until` (epoch ms), within the extension cap.
   * Returns the time it is kept until, or null when it is not in a grace.
   */
  hold(connection: Connection, until: number): number | null {
    const record = this.#records.get(connection);
    if (!record || connection.status !== 'grace') return null;
    record.holdUntil = Math.max(record.holdUntil, Math.min(until, this.#latest(record)));
    return Math.max(record.endsAt, record.holdUntil);
  }

  /** Forgets `connection`'s grace (it resumed or ended). */
  clear(connection: Connection): void {
    this.#records.delete(connection);
  }

  /** True while `stormMembers` or more members are in their grace (counted at most every 250 ms). */
  #storm(now: number): boolean {
    const threshold = this.#deps.stormMembers ?? 0;
    if (threshold <= 0) return false;
    if (now - this.#countedAt >= COUNT_EVERY_MS) this.#count(now);
    return this.#inGrace >= threshold;
  }

  #count(now: number): void {
    for (const member of this.#records.keys()) if (member.status !== 'grace') this.#records.delete(member);
    this.#inGrace = this.#records.size;
    this.#countedAt = now;
  }

  #latest(record: GraceRecord): number {
    return record.endsAt + this.#deps.maxExtensionMs;
  }

  #judge(connection: Connection, record: GraceRecord): void {
    if (this.#records.get(connection) !== record || connection.status !== 'grace') return;
    const now = this.#deps.clock.now();
    const room = this.#latest(record) - now;
    const lost = this.#deps.stalledMs() - record.stalledAtStart - record.credited;
    const storm = this.#storm(now) ? STORM_STEP_MS : 0;
    const wait = Math.min(room, Math.max(lost, record.holdUntil - now, storm));
    if (wait > 0) {
      record.credited += Math.max(0, lost);
      connection.extendGrace(wait, () => this.#judge(connection, record));
      return;
    }
    this.#records.delete(connection);
    record.expire();
  }
}
