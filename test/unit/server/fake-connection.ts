import type { FakeClock } from './fake-clock';

/** The part of a Connection the grace timer uses: its status and its grace's one timer. */
export function fakeConnection(clock: FakeClock) {
  let timer: unknown = null;
  const schedule = (ms: number, fn: () => void) => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(fn, ms);
  };
  return {
    status: 'live' as 'live' | 'grace',
    enterGrace(ms: number, fn: () => void) {
      this.status = 'grace';
      schedule(ms, fn);
      return true;
    },
    extendGrace: schedule,
  };
}
