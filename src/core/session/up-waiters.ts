import { HoldfastError } from '../errors';
import { listen } from '../listen';

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/**
 * Callers of `whenSignalingUp()` waiting for signaling to come back: released when the session is
 * connected again, rejected when it ends, or by their own abort signal.
 */
export class UpWaiters {
  readonly #waiters = new Set<Waiter>();

  /** Waits; `signal` withdraws the wait (rejecting with its reason). */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const unwatch = signal
        ? listen(signal, 'abort', () => {
            this.#waiters.delete(waiter);
            reject(signal.reason);
          })
        : () => {};
      const waiter: Waiter = {
        resolve: () => {
          unwatch();
          resolve();
        },
        reject: (error) => {
          unwatch();
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Signaling is up: everyone waiting goes on. */
  release(): void {
    for (const waiter of this.#take()) waiter.resolve();
  }

  /** The session ended: everyone waiting is told. */
  fail(error = new HoldfastError('SESSION_ENDED', 'the session ended')): void {
    for (const waiter of this.#take()) waiter.reject(error);
  }

  #take(): Waiter[] {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    return waiters;
  }
}
