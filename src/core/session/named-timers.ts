import type { Clock, TimerHandle } from '../clock';

/**
 * A few named one-shot timers on the injected clock: setting a name again replaces its timer, so at
 * most one of each runs.
 */
export class NamedTimers<Name extends string> {
  readonly #clock: Clock;
  readonly #handles = new Map<Name, TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `fire` at epoch time `at` (at once if it is past). */
  setAt(name: Name, at: number, fire: () => void): void {
    this.clear(name);
    const handle = this.#clock.setTimeout(
      () => {
        this.#handles.delete(name);
        fire();
      },
      Math.max(0, at - this.#clock.now()),
    );
    this.#handles.set(name, handle);
  }

  clear(name: Name): void {
    const handle = this.#handles.get(name);
    if (handle === undefined) return;
    this.#handles.delete(name);
    this.#clock.clearTimeout(handle);
  }

  clearAll(): void {
    for (const name of [...this.#handles.keys()]) this.clear(name);
  }
}
