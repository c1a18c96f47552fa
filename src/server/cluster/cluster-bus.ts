import * as v from 'valibot';
import { IdSchema, RestSignalRequestSchema, SessionIdSchema } from '../../protocol';
import type { HoldfastIo } from '../signaling/attach-signaling';

/**
 * What one node asks the others about the members it does not host (REST calls answered by any node):
 * end a session's members, or one member; describe a session's members and streams; deliver a server
 * signal to them.
 */
export const ClusterCommandSchema = v.variant('op', [
  v.object({ op: v.literal('endSession'), sessionId: SessionIdSchema }),
  v.object({ op: v.literal('forceDisconnect'), sessionId: SessionIdSchema, connectionId: IdSchema }),
  v.object({ op: v.literal('describe'), sessionId: SessionIdSchema }),
  v.object({ op: v.literal('signal'), sessionId: SessionIdSchema, request: RestSignalRequestSchema }),
]);
export type ClusterCommand = v.InferOutput<typeof ClusterCommandSchema>;

/**
 * Runs a command on this node's members. `endSession`, `forceDisconnect`: true when it acted on one.
 * `describe`: the members and streams when it hosts the session, else false. `signal`: see
 * {@link SignalOutcome}.
 */
export type ClusterCommandHandler = (command: ClusterCommand) => unknown;

/** What a node did with a server signal for a session: delivered, a target it does not have, or not hosted here. */
export type SignalOutcome = 'delivered' | { missing: string } | 'notHere';

/** Sends a command to every other node; resolves with their answers (nodes that did not answer: none). */
export type ClusterBroadcast = (command: ClusterCommand) => Promise<unknown[]>;

const EVENT = 'hf:cluster';
const TIMEOUT_MS = 2000;

/** The bus on Redis: socket.io's server-side events through the Redis streams adapter. */
export function ioClusterBus(io: HoldfastIo, handle: ClusterCommandHandler): ClusterBroadcast {
  io.on(EVENT, (raw: unknown, ack: unknown) => {
    const parsed = v.safeParse(ClusterCommandSchema, raw);
    const answer = parsed.success ? handle(parsed.output) : false;
    if (typeof ack === 'function') ack(answer);
  });
  return async (command) => {
    try {
      const answers: unknown = await withTimeout(io.serverSideEmitWithAck(EVENT, command), TIMEOUT_MS);
      return Array.isArray(answers) ? answers : [];
    } catch {
      return [];
    }
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('cluster command timed out')), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The bus between the nodes of one process (the in-memory cluster). */
export class MemoryClusterBus {
  readonly #handlers = new Map<string, ClusterCommandHandler>();

  /** Registers `nodeId`'s handler and returns its broadcast (to every other node) and a disposer. */
  join(nodeId: string, handle: ClusterCommandHandler): { broadcast: ClusterBroadcast; leave: () => void } {
    this.#handlers.set(nodeId, handle);
    const broadcast: ClusterBroadcast = async (command) =>
      [...this.#handlers].filter(([id]) => id !== nodeId).map(([, other]) => other(command));
    return { broadcast, leave: () => this.#handlers.delete(nodeId) };
  }
}
