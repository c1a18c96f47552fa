import type { Socket } from 'socket.io-client';
import { LIMITS, type ServerEnvelope, WIRE } from '../../src/protocol';
import { LoadClient, type LoadTarget } from './load-client';

/** Options of {@link measureRelayRtt}. */
export interface RelayRttOptions {
  rounds: number;
  /** Senders of max-size messages beside the measured pair. */
  senders: number;
  /** A round not answered within this long counts as never. */
  roundBoundMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Sequenced `hf:msg` sender on a joined socket; acknowledges every event it receives. */
class Wire {
  readonly socket: Socket;
  #seq = 1;

  constructor(socket: Socket, onEvent: (envelope: ServerEnvelope) => void = () => {}) {
    this.socket = socket;
    socket.on(WIRE.evt, (envelope: ServerEnvelope) => {
      onEvent(envelope);
      socket.emit(WIRE.ack, { seq: envelope.seq });
    });
  }

  send(msg: unknown): Promise<unknown> {
    const seq = this.#seq;
    this.#seq += 1;
    return this.socket
      .timeout(5_000)
      .emitWithAck(WIRE.msg, { seq, msg })
      .catch(() => null);
  }
}

async function joined(target: LoadTarget, sessionId: string, identity: string) {
  const client = new LoadClient(target, sessionId, identity);
  const result = await client.join();
  if (result.outcome !== 'joined' || !client.socket || !client.connectionId) {
    throw new Error(`${identity} could not join (${result.outcome})`);
  }
  return { client, socket: client.socket, id: client.connectionId };
}

/**
 * Round trips of a healthy pair (A → server → B → server → A, app signals) while `senders` other
 * clients each send max-size signals as fast as their acknowledgements come back (8 in flight), to a
 * receiver that acknowledges everything. Returns each round's milliseconds (null: not answered in time).
 */
export async function measureRelayRtt(target: LoadTarget, o: RelayRttOptions): Promise<(number | null)[]> {
  const a = await joined(target, 'rtt-pair', 'rtt-a');
  const b = await joined(target, 'rtt-pair', 'rtt-b');
  const sink = await joined(target, 'rtt-flood', 'flood-sink');
  new Wire(sink.socket);
  const pending = new Map<number, (at: number) => void>();
  const aWire = new Wire(a.socket, ({ evt }) => {
    if (evt.kind === 'signal' && evt.type === 'pong') pending.get(evt.data as number)?.(performance.now());
  });
  const bWire: Wire = new Wire(b.socket, ({ evt }) => {
    if (evt.kind === 'signal' && evt.type === 'ping')
      void bWire.send({ kind: 'signal', type: 'pong', data: evt.data, to: [a.id] });
  });
  let flooding = true;
  const bulk = 'x'.repeat(LIMITS.maxMessageBytes - 200);
  const floods: Promise<void>[] = [];
  const senders: LoadClient[] = [];
  for (let i = 0; i < o.senders; i += 1) {
    const sender = await joined(target, 'rtt-flood', `flood-${i}`);
    senders.push(sender.client);
    const wire = new Wire(sender.socket);
    const lane = async () => {
      while (flooding) await wire.send({ kind: 'signal', type: 'bulk', data: bulk, to: [sink.id] });
    };
    for (let k = 0; k < 8; k += 1) floods.push(lane());
  }
  await sleep(2_000);
  const samples: (number | null)[] = [];
  for (let round = 0; round < o.rounds; round += 1) {
    const sentAt = performance.now();
    const answered = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), o.roundBoundMs);
      pending.set(round, (at) => {
        clearTimeout(timer);
        resolve(at - sentAt);
      });
    });
    void aWire.send({ kind: 'signal', type: 'ping', data: round, to: [b.id] });
    const ms = await answered;
    pending.delete(round);
    samples.push(ms === null ? null : Math.round(ms * 10) / 10);
    await sleep(20);
  }
  flooding = false;
  await Promise.race([Promise.all(floods), sleep(6_000)]);
  for (const client of [a.client, b.client, sink.client, ...senders]) client.close();
  return samples;
}
