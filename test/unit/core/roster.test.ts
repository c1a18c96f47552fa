import { describe, expect, it } from 'vitest';
import { Roster } from '../../../src/core/session/roster';
import type { ConnectionInfo } from '../../../src/protocol';

function connection(identity: string, connectionId = `c-${identity}`): ConnectionInfo {
  return { connectionId, identity, role: 'publisher', data: '', createdAt: 0 };
}

describe('roster', () => {
  it('a snapshot without someone removes them, unless told to hold the absent (a re-join)', () => {
    const roster = new Roster('alice');
    roster.reset([connection('bob'), connection('carol')]);
    expect(roster.reset([connection('bob')]).removed.map((p) => p.identity)).toEqual(['carol']);

    const held = new Roster('alice');
    held.reset([connection('bob'), connection('carol')]);
    const diff = held.reset([connection('alice', 'c-alice-2'), connection('bob', 'c-bob-2')], {
      holdAbsent: true,
    });
    expect(diff.removed).toEqual([]);
    expect(diff.held.map((p) => p.identity)).toEqual(['carol']);
    expect(diff.replaced.map((r) => [r.participant.connectionId, r.previousConnectionId])).toEqual([
      ['c-bob-2', 'c-bob'],
    ]);
    expect(held.byConnection('c-carol')?.identity).toBe('carol');
  });

  it('a held participant coming back on a new connection replaces the old one and is no longer held', () => {
    const roster = new Roster('alice');
    roster.reset([connection('bob')]);
    roster.reset([], { holdAbsent: true });
    expect(roster.upsert(connection('bob', 'c-bob-2'))?.replacedConnectionId).toBe('c-bob');
    expect(roster.byConnection('c-bob')).toBeUndefined();
    expect(roster.releaseHeld()).toEqual([]);
    expect([...roster.participants.keys()]).toEqual(['bob']);
  });

  it('releaseHeld() removes and returns those still held, once', () => {
    const roster = new Roster('alice');
    roster.reset([connection('bob'), connection('carol')]);
    roster.reset([connection('carol', 'c-carol-2')], { holdAbsent: true });
    expect(roster.releaseHeld().map((p) => p.connectionId)).toEqual(['c-bob']);
    expect([...roster.participants.keys()]).toEqual(['carol']);
    expect(roster.byConnection('c-bob')).toBeUndefined();
    expect(roster.releaseHeld()).toEqual([]);
  });
});
