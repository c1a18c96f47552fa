import { describe, expect, it } from 'vitest';
import { bindSessionToStore, createSessionStore } from '../../../src/store';
import { joined, sessionHarness } from '../core/support/harness';

function boundHarness() {
  const h = sessionHarness();
  const store = createSessionStore();
  bindSessionToStore(h.session, store, { clock: h.clock });
  return { ...h, store };
}

describe('session store on the real core', () => {
  it('shows the connection id the session holds once connected, and the new one after a re-join', async () => {
    const h = boundHarness();
    h.server.addPeer('bob');
    await joined(h);
    expect(h.store.getState().connectionId).toBe(h.session.connectionId);
    const first = h.session.connectionId;
    h.server.restart();
    h.server.addPeer('bob');
    await h.clock.advance(5_000);
    expect(h.session.connectionId).not.toBe(first);
    expect(h.store.getState().connectionId).toBe(h.session.connectionId);
    expect([...h.store.getState().participants.keys()]).toEqual(['bob']);
  });

  it('empties the roster when the session is left', async () => {
    const h = boundHarness();
    h.server.addPeer('bob');
    await joined(h);
    expect(h.store.getState().participants.size).toBe(1);
    await h.session.leave();
    await h.clock.advance(5_000);
    expect(h.store.getState().status).toBe('disconnected');
    expect(h.store.getState().participants.size).toBe(0);
  });
});
