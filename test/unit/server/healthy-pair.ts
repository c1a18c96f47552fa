import { expect } from 'vitest';
import type { ServerEnvelope } from '../../../src/protocol';
import { waitFor } from '../../support/wait';
import type { TestClient, TestServer } from './harness';

/** Two members who keep talking while a test attacks the server around them. */
export interface HealthyPair {
  readonly h1: TestClient;
  readonly h2: TestClient;
  /** h1 signals h2 the next number; the server must accept it. */
  ping(): Promise<void>;
  /** Both acknowledge what they received and forget it (a long run must not fill their buffers). */
  trim(): void;
  /** Waits until h2 got every ping, and checks they came in order and both are still connected. */
  expectAllDelivered(): Promise<void>;
  /** {@link ping} then {@link expectAllDelivered}. */
  expectServed(): Promise<void>;
}

/** Joins `h1` and `h2` to `sessionId` on `t`. */
export async function healthyPair(t: TestServer, sessionId = 'room'): Promise<HealthyPair> {
  const h1 = await t.member(sessionId, 'h1');
  const h2 = await t.member(sessionId, 'h2');
  const delivered: unknown[] = [];
  h2.socket.on('hf:evt', (env: ServerEnvelope) => {
    if (env.evt.kind === 'signal' && env.evt.from === h1.connectionId && env.evt.type === 'healthy')
      delivered.push(env.evt.data);
  });
  let sent = 0;
  const pair: HealthyPair = {
    h1,
    h2,
    async ping() {
      sent += 1;
      const reply = await h1.send({ kind: 'signal', type: 'healthy', data: sent, to: [h2.connectionId] });
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
    },
    trim() {
      for (const h of [h1, h2]) {
        const last = h.events.at(-1)?.seq;
        if (last !== undefined) h.ack(last);
        h.events.length = 0;
      }
    },
    async expectAllDelivered() {
      await waitFor(() => delivered.length >= sent, { what: `${sent} healthy signals` });
      expect(delivered).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
      expect(h1.socket.connected && h2.socket.connected).toBe(true);
    },
    async expectServed() {
      await pair.ping();
      await pair.expectAllDelivered();
    },
  };
  return pair;
}
