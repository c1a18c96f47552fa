import { describe, expect, it } from 'vitest';
import { foldTransportState, IceWatchdog } from '../../../src/core/media/ice-watchdog';
import { FakeClock } from './support/fake-clock';

function setup(timeoutMs = 4000) {
  const clock = new FakeClock();
  const exceptions: string[] = [];
  const repairs: { cause: string; at: number }[] = [];
  const watchdog = new IceWatchdog(clock, timeoutMs, {
    onException: (name) => exceptions.push(name),
    onRepairNeeded: (cause) => repairs.push({ cause, at: clock.now() }),
  });
  watchdog.update('connected', 'connected');
  return { clock, exceptions, repairs, watchdog, start: clock.now() };
}

describe('foldTransportState', () => {
  it('counts connectionState failed even while ICE still says disconnected', () => {
    expect(foldTransportState('disconnected', 'failed')).toBe('failed');
  });
  it('needs both states up to be connected', () => {
    expect(foldTransportState('connected', 'connecting')).toBe('connecting');
    expect(foldTransportState('completed', 'connected')).toBe('connected');
  });
  it('reads either side disconnected as disconnected', () => {
    expect(foldTransportState('connected', 'disconnected')).toBe('disconnected');
  });
});

describe('IceWatchdog', () => {
  it('reports ICE_CONNECTION_DISCONNECTED at once and asks for a repair only after the timeout', async () => {
    const { clock, exceptions, repairs, watchdog, start } = setup();
    watchdog.update('disconnected', 'disconnected');
    expect(exceptions).toEqual(['ICE_CONNECTION_DISCONNECTED']);
    await clock.advance(3999);
    expect(repairs).toEqual([]);
    await clock.advance(1);
    expect(repairs).toEqual([{ cause: 'disconnected', at: start + 4000 }]);
  });

  it('asks for no repair when the connection comes back within the timeout', async () => {
    const { clock, repairs, watchdog } = setup();
    watchdog.update('disconnected', 'disconnected');
    await clock.advance(1500);
    watchdog.update('connected', 'connected');
    await clock.advance(10_000);
    expect(repairs).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('reports ICE_CONNECTION_FAILED and asks for a repair at once on failed', async () => {
    const { clock, exceptions, repairs, watchdog, start } = setup();
    watchdog.update('disconnected', 'disconnected');
    await clock.advance(1000);
    watchdog.update('disconnected', 'failed');
    expect(exceptions).toEqual(['ICE_CONNECTION_DISCONNECTED', 'ICE_CONNECTION_FAILED']);
    expect(repairs).toEqual([{ cause: 'failed', at: start + 1000 }]);
    await clock.advance(10_000);
    expect(repairs).toHaveLength(1);
  });

  it('reports each exception once per episode and again in the next episode', async () => {
    const { clock, exceptions, watchdog } = setup();
    watchdog.update('disconnected', 'disconnected');
    watchdog.update('checking', 'connecting');
    watchdog.update('disconnected', 'disconnected');
    expect(exceptions).toEqual(['ICE_CONNECTION_DISCONNECTED']);
    watchdog.update('connected', 'connected');
    watchdog.update('disconnected', 'disconnected');
    expect(exceptions).toEqual(['ICE_CONNECTION_DISCONNECTED', 'ICE_CONNECTION_DISCONNECTED']);
    await clock.advance(0);
  });

  it('uses the configured timeout', async () => {
    const { clock, repairs, watchdog, start } = setup(1234);
    watchdog.update('disconnected', 'connected');
    await clock.advance(5000);
    expect(repairs).toEqual([{ cause: 'disconnected', at: start + 1234 }]);
  });

  it('does nothing after dispose', async () => {
    const { clock, exceptions, repairs, watchdog } = setup();
    watchdog.update('disconnected', 'disconnected');
    watchdog.dispose();
    watchdog.update('failed', 'failed');
    await clock.advance(10_000);
    expect(exceptions).toEqual(['ICE_CONNECTION_DISCONNECTED']);
    expect(repairs).toEqual([]);
  });
});
