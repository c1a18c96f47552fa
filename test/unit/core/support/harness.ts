import { createSession, type Session } from '../../../../src/core';
import type { SessionEventMap } from '../../../../src/core/session/events';
import type { ReconnectPolicy } from '../../../../src/core/session/options';
import { FakeClock, sequenceRandom } from './fake-clock';
import { FakeEnvironment } from './fake-environment';
import { fakeMediaPlaneFactory } from './fake-media-plane';
import { FakeServer } from './fake-server';

/** One recorded session event. */
export type Recorded = {
  [K in keyof SessionEventMap]: { name: K; payload: SessionEventMap[K] };
}[keyof SessionEventMap];

/**
 * A session wired to fakes: fake clock, in-memory server, recording media plane, hand-raised
 * environment. Every event the session emits is recorded in order.
 */
export function sessionHarness(
  options: {
    identity?: string;
    reconnect?: ReconnectPolicy;
    random?: number[];
    leaveOnPageHide?: boolean;
  } = {},
) {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const environment = new FakeEnvironment();
  const media = fakeMediaPlaneFactory();
  const tokens: string[] = [];
  /** The identity each `getToken` call was asked for. */
  const tokenIdentities: string[] = [];
  let tokenFailure: Error | null = null;
  let tokenGate: Promise<void> | null = null;
  const session: Session = createSession(
    {
      serverUrl: 'http://holdfast.test',
      sessionId: 'room',
      identity: options.identity ?? 'alice',
      getToken: async (sessionId, { identity }) => {
        tokenIdentities.push(identity);
        if (tokenGate) await tokenGate;
        if (tokenFailure) throw tokenFailure;
        const token = `tok-${sessionId}-${tokens.length + 1}`;
        tokens.push(token);
        return token;
      },
      reconnect: options.reconnect,
      ...(options.leaveOnPageHide === undefined ? {} : { leaveOnPageHide: options.leaveOnPageHide }),
      clock,
      random: sequenceRandom(options.random ?? [0.5]),
    },
    { socketFactory: server.socketFactory, mediaPlaneFactory: media.factory, environment },
  );
  const events: Recorded[] = [];
  const names: Array<keyof SessionEventMap> = [
    'stateChanged',
    'connected',
    'reconnecting',
    'reconnected',
    'rejoining',
    'rejoined',
    'sessionDisconnected',
    'connectionCreated',
    'connectionDestroyed',
    'exception',
    'sessionNotification',
    'signal',
  ];
  for (const name of names) {
    session.on(name, (payload) => events.push({ name, payload } as Recorded));
  }
  return {
    clock,
    server,
    environment,
    session,
    events,
    tokens,
    tokenIdentities,
    media: () => media.plane(),
    failTokens(error: Error | null) {
      tokenFailure = error;
    },
    /** Holds every getToken call until the returned function is called. */
    holdTokens(): () => void {
      let open!: () => void;
      tokenGate = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => {
        tokenGate = null;
        open();
      };
    },
    /** Names of the recorded events, `stateChanged` left out. */
    names(): string[] {
      return events.filter((e) => e.name !== 'stateChanged').map((e) => e.name);
    },
    /** The statuses the session went through, in order. */
    statuses(): string[] {
      return events.flatMap((e) => (e.name === 'stateChanged' ? [e.payload.state.status] : []));
    },
    of<K extends keyof SessionEventMap>(name: K): Array<SessionEventMap[K]> {
      return events.filter((e) => e.name === name).map((e) => e.payload as SessionEventMap[K]);
    },
  };
}

export type SessionHarness = ReturnType<typeof sessionHarness>;

/** Joins and lets the join complete on the fake clock. */
export async function joined(harness: SessionHarness): Promise<void> {
  const join = harness.session.join();
  await harness.clock.advance(0);
  await join;
}
