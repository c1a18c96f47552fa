import type { Session } from '../../src/core';
import type { TimelineLog } from './timeline-log';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Writes what `session` goes through into `log`: its state changes and the events an app would show
 * (recoveries, notices, who came and went, stream health). Returns the disposer.
 */
export function recordSession(session: Session, log: TimelineLog): () => void {
  const off = [
    session.on('stateChanged', ({ state, previous }) => {
      if (state.status === previous.status) return;
      const why =
        'cause' in state ? ` (${state.cause})` : state.status === 'disconnected' ? ` (${state.reason})` : '';
      log.push('state', `state ${previous.status} → ${state.status}${why}`);
    }),
    session.on('reconnected', (e) =>
      log.push('event', `reconnected, same connection, after ${seconds(e.downtimeMs)} (${e.attempts} tries)`),
    ),
    session.on('rejoined', (e) =>
      log.push('event', `re-joined as a new connection after ${seconds(e.downtimeMs)}`),
    ),
    session.on('migrating', (e) =>
      log.push('event', `migrating to another node (deadline in ${seconds(e.deadline - Date.now())})`),
    ),
    session.on('migrated', () => log.push('event', 'migrated: same connection, new node')),
    session.on('sessionNotification', (e) =>
      log.push('event', `server notice: ${e.reason}, deadline in ${seconds(e.deadline - Date.now())}`),
    ),
    session.on('sessionDisconnected', (e) => log.push('event', `disconnected: ${e.reason}`)),
    session.on('connectionCreated', (e) =>
      log.push(
        'event',
        e.replaces ? `${e.connection.identity} came back` : `${e.connection.identity} joined`,
      ),
    ),
    session.on('connectionDestroyed', (e) =>
      log.push('event', `${e.connection.identity} left (${e.reason})`),
    ),
    session.on('streamHealthChanged', (e) =>
      log.push('media', `${e.stream.identity}'s video: ${e.previous} → ${e.health}`),
    ),
    session.on('exception', (e) => log.push('event', `exception: ${e.name}`)),
  ];
  return () => {
    for (const dispose of off) dispose();
  };
}
