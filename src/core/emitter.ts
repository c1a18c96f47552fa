/** A function that undoes a subscription. Calling it twice is harmless. */
export type Disposer = () => void;

type Handler<T> = (payload: T) => void;

/**
 * A small typed event emitter. `on` returns a disposer; a handler that throws does not stop the others
 * (the error is reported through `onHandlerError`).
 */
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  readonly #handlers = new Map<keyof Events, Set<Handler<never>>>();
  readonly #onHandlerError: (error: unknown, event: keyof Events) => void;

  constructor(onHandlerError?: (error: unknown, event: keyof Events) => void) {
    this.#onHandlerError =
      onHandlerError ??
      ((error, event) => {
        console.error(`[holdfast] a "${String(event)}" handler threw`, error);
      });
  }

  on<K extends keyof Events>(event: K, handler: Handler<Events[K]>): Disposer {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    const entry = handler as Handler<never>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  once<K extends keyof Events>(event: K, handler: Handler<Events[K]>): Disposer {
    const dispose = this.on(event, (payload) => {
      dispose();
      handler(payload);
    });
    return dispose;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<Events[K]>)(payload);
      } catch (error) {
        this.#onHandlerError(error, event);
      }
    }
  }

  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.#handlers.get(event)?.size ?? 0;
    let total = 0;
    for (const set of this.#handlers.values()) total += set.size;
    return total;
  }

  clear(): void {
    this.#handlers.clear();
  }
}
