import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../../src/core/session/machine';
import { resolveReconnectPolicy } from '../../../src/core/session/resolve-options';
import { createTransition, readResumeRefusal } from '../../../src/core/session/transitions';
import type { ErrorCode } from '../../../src/protocol';
import { NOW, reconnecting, rejoining } from './support/machine-states';

const t = createTransition(resolveReconnectPolicy(undefined));

function refused(code: ErrorCode, retryAfterMs?: number): MachineEvent {
  const error = retryAfterMs === undefined ? { code, message: code } : { code, message: code, retryAfterMs };
  return {
    type: 'refused',
    now: NOW,
    error,
    nodeRestarted: false,
    random: 0,
    startedAt: NOW,
    graceMs: 12_000,
  };
}

describe('session transitions in a cluster (issue #19)', () => {
  it('reads NODE_CRASHED, and NODE_FENCED from its own node back from a pause, as nodeCrashed; NOT_OWNER as a retry', () => {
    expect(readResumeRefusal('NODE_CRASHED', false)).toBe('nodeCrashed');
    expect(readResumeRefusal('NODE_FENCED', false)).toBe('nodeCrashed');
    expect(readResumeRefusal('NOT_OWNER', false)).toBe('retry');
  });

  it('a resume answered NODE_CRASHED by another node re-joins the same session with cause nodeCrashed', () => {
    const { state, effects } = t(reconnecting, refused('NODE_CRASHED'));
    expect(state).toMatchObject({
      status: 'rejoining',
      cause: 'nodeCrashed',
      previousConnectionId: 'c1',
      since: reconnecting.since,
    });
    expect(effects).toContainEqual({ type: 'startAttempt', mode: 'rejoin' });
    expect(effects).toContainEqual({ type: 'mediaRejoining', cause: 'nodeCrashed' });
    expect(effects).toContainEqual({
      type: 'emit',
      event: 'rejoining',
      payload: { cause: 'nodeCrashed', previousConnectionId: 'c1' },
    });
  });

  it('NOT_OWNER (the owner is alive or not declared yet) waits retryAfterMs, then resumes again', () => {
    const { state, effects } = t(reconnecting, refused('NOT_OWNER', 1000));
    expect(state).toMatchObject({ status: 'reconnecting', attempt: 2, nextRetryAt: NOW + 1000 });
    expect(effects).toContainEqual({ type: 'scheduleRetry', at: NOW + 1000 });
  });

  it('a re-join refused NOT_OWNER or NODE_FENCED (placement moving) backs off instead of ending', () => {
    expect(t(rejoining, refused('NOT_OWNER', 0)).state).toMatchObject({ status: 'rejoining', attempt: 2 });
    expect(t(rejoining, refused('NODE_FENCED')).state).toMatchObject({ status: 'rejoining', attempt: 2 });
    expect(t(rejoining, refused('SESSION_CLOSED')).state).toMatchObject({ status: 'disconnected' });
  });
});
