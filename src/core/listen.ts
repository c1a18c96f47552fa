import type { Disposer } from './emitter';

/**
 * Adds `listener` for the `type` events of `target` and returns the disposer that removes it again, so
 * DOM and abort listeners are kept and released like every other subscription.
 */
export function listen(target: EventTarget, type: string, listener: (event: Event) => void): Disposer {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}
