/**
 * A child process driving a share of the bench's protocol clients (one Node process cannot drive
 * 10 000 sockets on its own). Commands arrive over IPC from {@link Fleet}; every answer carries
 * absolute epoch times, so the parent can measure from its own moments (a drop, a SIGKILL).
 */
import { LoadClient, type LoadTarget, type Recovery } from './load-client';
import { measureRelayRtt, type RelayRttOptions } from './relay-rtt';

/** What the parent asks. */
export type WorkerCommand =
  | {
      cmd: 'join';
      target: LoadTarget;
      clients: [sessionId: string, identity: string][];
      /** Joins this worker starts per second (people arrive over time, not in one instant). */
      perSec: number;
    }
  | { cmd: 'drop' }
  | { cmd: 'watch'; boundMs: number }
  | { cmd: 'rtt'; target: LoadTarget; options: RelayRttOptions }
  /** Closes every client; the worker stays up for the next command. */
  | { cmd: 'close' };

/** What the worker answers, one per command. */
export type WorkerAnswer =
  | { cmd: 'join' | 'drop' | 'watch'; results: (Recovery | null)[] }
  | { cmd: 'rtt'; samples: (number | null)[] }
  | { cmd: 'close' }
  | { cmd: 'error'; message: string };

let clients: LoadClient[] = [];

async function handle(command: WorkerCommand): Promise<WorkerAnswer> {
  switch (command.cmd) {
    case 'join':
      clients = command.clients.map(
        ([sessionId, identity]) => new LoadClient(command.target, sessionId, identity),
      );
      return {
        cmd: 'join',
        results: await Promise.all(
          clients.map(async (c, i) => {
            await new Promise((resolve) => setTimeout(resolve, (i * 1000) / command.perSec));
            return c.join();
          }),
        ),
      };
    case 'drop':
      return { cmd: 'drop', results: await Promise.all(clients.map((c) => c.dropAndRecover())) };
    case 'watch':
      return {
        cmd: 'watch',
        results: await Promise.all(clients.map((c) => c.recoverWhenLost(command.boundMs))),
      };
    case 'rtt':
      return { cmd: 'rtt', samples: await measureRelayRtt(command.target, command.options) };
    case 'close':
      for (const client of clients) client.close();
      clients = [];
      return { cmd: 'close' };
  }
}

process.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (answer) => process.send?.(answer),
    (error: unknown) => process.send?.({ cmd: 'error', message: String(error) }),
  );
});
// Leave when the parent goes away.
process.on('disconnect', () => process.exit(0));
