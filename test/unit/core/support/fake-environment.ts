import type { SessionEnvironment } from '../../../../src/core/signaling/environment';

/** An environment whose `online` and visibility signals a test raises by hand. */
export class FakeEnvironment implements SessionEnvironment {
  readonly #online = new Set<() => void>();
  readonly #visible = new Set<() => void>();
  readonly #pageHide = new Set<() => void>();

  onOnline(listener: () => void): () => void {
    this.#online.add(listener);
    return () => this.#online.delete(listener);
  }

  onVisible(listener: () => void): () => void {
    this.#visible.add(listener);
    return () => this.#visible.delete(listener);
  }

  onPageHide(listener: () => void): () => void {
    this.#pageHide.add(listener);
    return () => this.#pageHide.delete(listener);
  }

  /** The page goes away (closed, reloaded, navigated). */
  hidePage(): void {
    for (const listener of [...this.#pageHide]) listener();
  }

  goOnline(): void {
    for (const listener of [...this.#online]) listener();
  }

  becomeVisible(): void {
    for (const listener of [...this.#visible]) listener();
  }

  /** Listeners still registered (0 after the session is destroyed). */
  get listenerCount(): number {
    return this.#online.size + this.#visible.size + this.#pageHide.size;
  }
}
