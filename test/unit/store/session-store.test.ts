import { describe, expect, it, vi } from 'vitest';
import { FakeSession } from '../../../stories/fixtures/fake-session';
import { ManualClock } from '../../../stories/fixtures/manual-clock';

// The store is framework-free: importing and running it must never load React.
vi.mock('react', () => {
  throw new Error('the store imported react');
});

const { bindSessionToStore, createSessionStore, createStreamIdsSelector, selectReconnect, selectStream } =
  await import('../../../src/store');

function setup() {
  const clock = new ManualClock();
  const session = new FakeSession({ clock, identity: 'me' });
  const store = createSessionStore();
  const unbind = bindSessionToStore(session, store, { clock, recoveredVisibleMs: 3000 });
  return { clock, session, store, unbind };
}

describe('session store', () => {
  it('starts idle and follows the first join to stable', async () => {
    const { session, store } = setup();
    expect(store.getState().reconnect.phase).toBe('idle');
    expect(store.getState().identity).toBe('me');
    await session.join();
    expect(store.getState().status).toBe('connected');
    expect(store.getState().reconnect.phase).toBe('stable');
    expect(store.getState().connectionId).toBe(session.connectionId);
  });

  it('shows a first join that failed as joinFailed with its error, and a join abandoned by leave() as idle', async () => {
    const { clock, session, store } = setup();
    const error = { code: 'SIGNALING_UNREACHABLE', message: 'no holdfast server answered' } as const;
    session.setState({ status: 'idle', joinFailure: { error, at: clock.now() } });
    expect(store.getState().reconnect).toMatchObject({
      phase: 'joinFailed',
      since: clock.now(),
      joinError: error,
      reason: null,
      error: null,
    });
    await session.join();
    expect(store.getState().reconnect).toMatchObject({ phase: 'stable', joinError: null });
    session.setState({ status: 'idle' });
    expect(store.getState().reconnect.phase).toBe('idle');
  });

  it('reports a signaling outage with attempt, since and next retry, then recovered briefly, then stable', async () => {
    const { clock, session, store } = setup();
    await session.join();
    const lostAt = clock.now();
    session.loseSignaling();
    expect(store.getState().reconnect).toMatchObject({
      phase: 'reconnecting',
      attempt: 1,
      since: lostAt,
      reason: 'networkDisconnect',
    });
    clock.advance(1200);
    session.retry(3, clock.now() + 800);
    expect(store.getState().reconnect).toMatchObject({
      attempt: 3,
      nextRetryAt: clock.now() + 800,
      since: lostAt,
    });
    clock.advance(2800);
    session.resume();
    expect(store.getState().reconnect).toMatchObject({
      phase: 'recovered',
      reason: 'networkDisconnect',
      downtimeMs: 4000,
      attempt: 3,
    });
    clock.advance(2999);
    expect(store.getState().reconnect.phase).toBe('recovered');
    clock.advance(1);
    expect(store.getState().reconnect.phase).toBe('stable');
  });

  it('shows media recovery while a stream is frozen or recovering, and a muted stream as no trouble', async () => {
    const { clock, session, store } = setup();
    await session.join();
    session.addStream('alice');
    session.addStream('bob');
    session.setHealth('stream-bob', 'muted');
    expect(store.getState().reconnect.phase).toBe('stable');
    session.setHealth('stream-alice', 'frozen');
    const troubleAt = clock.now();
    expect(store.getState().reconnect).toMatchObject({
      phase: 'recoveringMedia',
      reason: 'mediaFailure',
      affectedStreams: 1,
      since: troubleAt,
    });
    clock.advance(500);
    session.setHealth('stream-alice', 'recovering');
    expect(store.getState().reconnect.since).toBe(troubleAt);
    clock.advance(700);
    session.setHealth('stream-alice', 'live');
    expect(store.getState().reconnect).toMatchObject({
      phase: 'recovered',
      reason: 'mediaFailure',
      downtimeMs: 1200,
    });
  });

  it('does not claim recovery when the frozen stream simply went away', async () => {
    const { session, store } = setup();
    await session.join();
    session.addStream('alice', { health: 'frozen' });
    expect(store.getState().reconnect.phase).toBe('recoveringMedia');
    session.removeStream('stream-alice', 'networkDisconnect');
    expect(store.getState().reconnect.phase).toBe('stable');
  });

  it('tells rejoining after a node crash apart, and records the re-join as a recovery', async () => {
    const { clock, session, store } = setup();
    await session.join();
    session.startRejoin('nodeCrashed', { attempt: 2 });
    expect(store.getState().reconnect).toMatchObject({
      phase: 'rejoining',
      reason: 'nodeCrashed',
      attempt: 2,
    });
    clock.advance(3000);
    session.finishRejoin();
    expect(store.getState().reconnect).toMatchObject({
      phase: 'recovered',
      reason: 'nodeCrashed',
      downtimeMs: 3000,
    });
  });

  it('a re-join whose held streams heal after it is still reported as the re-join, until video is back', async () => {
    const { clock, session, store } = setup();
    await session.join();
    session.addStream('alice');
    session.startRejoin('nodeCrashed', { attempt: 1 });
    // The stream is held through the re-join, `recovering` (its publisher re-joins too).
    session.setHealth('stream-alice', 'recovering');
    clock.advance(2000);
    session.finishRejoin();
    expect(store.getState().reconnect).toMatchObject({ phase: 'recoveringMedia' });
    clock.advance(1500);
    session.setHealth('stream-alice', 'live');
    expect(store.getState().reconnect).toMatchObject({
      phase: 'recovered',
      reason: 'nodeCrashed',
      downtimeMs: 3500,
    });
  });

  it('keeps a rotation notice pending until the migration is done', async () => {
    const { clock, session, store } = setup();
    await session.join();
    const deadline = clock.now() + 30_000;
    session.notifyRotation(deadline, 'maintenance');
    expect(store.getState().notification).toMatchObject({
      reason: 'serverRotation',
      deadline,
      message: 'maintenance',
    });
    session.startMigration(deadline);
    expect(store.getState().reconnect).toMatchObject({
      phase: 'migrating',
      reason: 'serverRotation',
      deadline,
    });
    clock.advance(800);
    session.finishMigration();
    expect(store.getState().notification).toBeNull();
    expect(store.getState().reconnect).toMatchObject({ phase: 'recovered', reason: 'serverRotation' });
    expect(store.getState().lastRecovery).toMatchObject({ reason: 'serverRotation', downtimeMs: 0 });
  });

  it('records the last disconnect reason and empties the roster when the session ends', async () => {
    const { session, store } = setup();
    await session.join();
    session.addStream('alice');
    const error = { code: 'CONNECTION_EVICTED', message: 'evicted' } as const;
    session.disconnect('networkDisconnect', error);
    const state = store.getState();
    expect(state.reconnect).toMatchObject({ phase: 'disconnected', reason: 'networkDisconnect', error });
    expect(state.lastDisconnect).toMatchObject({ reason: 'networkDisconnect', error });
    expect(state.participants.size).toBe(0);
    expect(state.streams.size).toBe(0);
  });

  it('keys participants by identity: a replacing connection updates the entry instead of adding a ghost', async () => {
    const { session, store } = setup();
    await session.join();
    const first = session.addParticipant('alice');
    const second = session.addParticipant('alice');
    expect(store.getState().participants.size).toBe(1);
    expect(store.getState().participants.get('alice')?.connectionId).toBe(second.connectionId);
    // A late destroy of the replaced connection must not remove the participant.
    session.emit('connectionDestroyed', { connection: first, reason: 'networkDisconnect' });
    expect(store.getState().participants.get('alice')?.connectionId).toBe(second.connectionId);
  });

  it('changes only the changed stream: other snapshots, the id list and the reconnect state keep their references', async () => {
    const { session, store } = setup();
    await session.join();
    for (const name of ['a', 'b', 'c']) session.addStream(name);
    const ids = createStreamIdsSelector();
    const before = store.getState();
    const idsBefore = ids(before);
    session.setHealth('stream-b', 'muted');
    const after = store.getState();
    expect(selectStream('stream-a')(after)).toBe(selectStream('stream-a')(before));
    expect(selectStream('stream-b')(after)).not.toBe(selectStream('stream-b')(before));
    expect(ids(after)).toBe(idsBefore);
    expect(selectReconnect(after)).toBe(selectReconnect(before));
    session.emit('signal', { type: 'chat', data: 'hi', from: null });
    expect(selectReconnect(store.getState())).toBe(selectReconnect(after));
  });

  it('keeps the local stream from the core', async () => {
    const { session, store } = setup();
    const media = {} as MediaStream;
    await session.join();
    const local = await session.publish({ mediaStream: media });
    expect(store.getState().localStream).toBe(local);
    session.setMediaEnabled('video', false);
    expect(store.getState().localStream?.properties.videoActive).toBe(false);
    await session.unpublish();
    expect(store.getState().localStream).toBeNull();
  });

  it('stops listening and clears its timer when unbound', async () => {
    const { clock, session, store, unbind } = setup();
    await session.join();
    session.loseSignaling();
    session.resume();
    expect(store.getState().reconnect.phase).toBe('recovered');
    expect(clock.pending).toBe(1);
    unbind();
    expect(session.listenerCount()).toBe(0);
    expect(clock.pending).toBe(0);
    session.loseSignaling();
    expect(store.getState().reconnect.phase).toBe('recovered');
  });
});
