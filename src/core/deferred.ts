/** A promise with its settle functions, for a wait that something else ends (a join in flight). */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A {@link Deferred}. Its rejection is observed here: a caller that does not await (a `join()` fired
 * and forgotten) must not turn an ended wait into an unhandled rejection.
 */
export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
