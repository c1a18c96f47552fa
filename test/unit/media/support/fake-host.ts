import type { MediaHost, MediaSettings } from '../../../../src/core/media/media-plane';
import type { Participant } from '../../../../src/core/media/types';
import type { SessionEventMap } from '../../../../src/core/session/events';
import type { LinkRef, MediaPayload } from '../../../../src/protocol';
import type { FakeClock } from './fake-clock';

/** A media message the plane sent. */
export interface SentMedia {
  to: string;
  link: LinkRef;
  payload: MediaPayload;
}

/**
 * A MediaHost that records what the media plane does; signaling up/down and the session's roster
 * (`participants`, keyed by identity) are set by the test.
 */
export function fakeHost(clock: FakeClock, identity: string, settings: Partial<MediaSettings> = {}) {
  const sent: SentMedia[] = [];
  const events: { name: keyof SessionEventMap; payload: unknown }[] = [];
  const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const participants = new Map<string, Participant>();
  /** Every stream property the plane announced: [property, value]. */
  const announced: [string, unknown][] = [];
  let signalingUp = true;
  let waiters: (() => void)[] = [];
  const host: MediaHost = {
    identity,
    clock,
    random: () => 0.5,
    settings: {
      iceConnectionDisconnectedExceptionTimeout: 4000,
      forceMediaReconnectionAfterNetworkDrop: false,
      statsIntervalMs: 500,
      frozenAfterMs: 1500,
      iceServers: undefined,
      iceTransportPolicy: undefined,
      ...settings,
    },
    log: (level, message, fields) => logs.push(fields ? { level, message, fields } : { level, message }),
    connectionId: () => `conn-${identity}`,
    participant: (remote) => participants.get(remote),
    participantByConnection: (connectionId) =>
      [...participants.values()].find((participant) => participant.connectionId === connectionId),
    isSignalingUp: () => signalingUp,
    whenSignalingUp: (signal) =>
      signalingUp
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push(resolve);
            signal?.addEventListener('abort', () => reject(new Error('aborted')));
          }),
    sendMedia: (to, link, payload) => sent.push({ to, link, payload }),
    announcePublish: async () => {},
    announceUnpublish: async () => {},
    announceProperty: async (_streamId, property, value) => {
      announced.push([property, value]);
    },
    emit: (name, payload) => events.push({ name, payload }),
  };
  return {
    host,
    participants,
    sent,
    events,
    logs,
    announced,
    setSignaling(up: boolean) {
      signalingUp = up;
      if (up) {
        const ready = waiters;
        waiters = [];
        for (const resolve of ready) resolve();
      }
    },
    eventsNamed<K extends keyof SessionEventMap>(name: K): SessionEventMap[K][] {
      return events.filter((e) => e.name === name).map((e) => e.payload as SessionEventMap[K]);
    },
  };
}
