import { HoldfastError } from '../errors';

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
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
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
