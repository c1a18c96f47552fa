import type { Disposer } from '../emitter';
import { listen } from '../listen';

/**
 * The page signals that make a retry worth trying at once. Injected so tests (and non-browser hosts)
 * can raise them; the default listens to `window` and `document` when they exist.
 */
export interface SessionEnvironment {
  /** Calls `listener` when the device reports it is back online. */
  onOnline(listener: () => void): Disposer;
  /** Calls `listener` when the page becomes visible again. */
  onVisible(listener: () => void): Disposer;
  /**
   * Calls `listener` when the page goes away for good (closed, reloaded or navigated away: `pagehide`
   * not kept in the back/forward cache).
   */
  onPageHide(listener: () => void): Disposer;
}

/**
 * The browser's environment: `window` `online` and `pagehide` events and `document` `visibilitychange`
 * to `visible`.
 * Safe to call on a server (SSR) or in Node: without `window`/`document` nothing is listened to.
 */
export function browserEnvironment(): SessionEnvironment {
  /** Listens to `type` on `window`, when there is one. */
  const onWindow = (type: string, listener: (event: Event) => void): Disposer => {
    const target = globalThis.window;
    if (!target?.addEventListener) return () => {};
    return listen(target, type, listener);
  };
  return {
    onOnline(listener) {
      return onWindow('online', () => listener());
    },
    onVisible(listener) {
      const doc = globalThis.document;
      if (!doc?.addEventListener) return () => {};
      return listen(doc, 'visibilitychange', () => {
        if (doc.visibilityState === 'visible') listener();
      });
    },
    onPageHide(listener) {
      return onWindow('pagehide', (event) => {
        // A page kept in the back/forward cache may come back: it is not leaving.
        if (!(event as PageTransitionEvent).persisted) listener();
      });
    },
  };
}
