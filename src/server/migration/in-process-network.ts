import type { MigrationDestination, MigrationTarget, SessionSnapshot } from './migration-target';

/** A node as the in-process network sees it. */
export interface InProcessNode {
  readonly nodeId: string;
  readonly url: string;
  /** Whether it is draining (it takes no session then). */
  draining(): boolean;
  /** Imports a session (throws when it cannot). */
  importSession(snapshot: SessionSnapshot): void;
}

/**
 * Several nodes of one process that migrate sessions to each other (tests, the playground, an embedded
 * cluster): {@link targetFor} gives a node its {@link MigrationTarget}; {@link add} makes a node
 * reachable once it listens. Picks the first other node that is not draining, in order of addition.
 */
export class InProcessMigrationNetwork {
  readonly #nodes = new Map<string, InProcessNode>();

  /** Makes `node` a place sessions can move to. */
  add(node: InProcessNode): void {
    this.#nodes.set(node.nodeId, node);
  }

  /** Takes `nodeId` out (it stopped). */
  remove(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  /** The target a node named `nodeId` migrates through. */
  targetFor(nodeId: string): MigrationTarget {
    return {
      pick: async (): Promise<MigrationDestination | null> => {
        for (const node of this.#nodes.values()) {
          if (node.nodeId !== nodeId && !node.draining()) return { nodeId: node.nodeId, url: node.url };
        }
        return null;
      },
      transfer: async (to: string, snapshot: SessionSnapshot): Promise<void> => {
        const node = this.#nodes.get(to);
        if (!node) throw new Error(`node ${to} is not in the network`);
        // Through JSON, as a cross-process transfer would be: nothing may share references.
        node.importSession(JSON.parse(JSON.stringify(snapshot)) as SessionSnapshot);
      },
    };
  }
}
