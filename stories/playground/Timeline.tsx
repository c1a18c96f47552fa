import { useSyncExternalStore } from 'react';
import type { TimelineLog } from './timeline-log';

const LABELS = {
  state: 'state',
  event: 'event',
  banner: 'banner',
  media: 'media',
  fault: 'fault',
  node: 'node',
} as const;

/** What one participant saw, newest first, each line with its time since the page opened. */
export function Timeline({ log, name }: { log: TimelineLog; name: string }) {
  const entries = useSyncExternalStore(log.subscribe, log.getEntries, log.getEntries);
  return (
    <section className="hf-pg-timeline" aria-label={`What ${name} saw`}>
      <h4>What {name} saw</h4>
      {entries.length === 0 ? (
        <p className="hf-pg-muted">Nothing yet.</p>
      ) : (
        <ul>
          {[...entries].reverse().map((entry) => (
            <li key={entry.id} data-tone={entry.tone}>
              <time dateTime={new Date(entry.at).toISOString()}>
                {((entry.at - log.startedAt) / 1000).toFixed(1)} s
              </time>
              <span className="hf-pg-tag">{LABELS[entry.tone]}</span>
              <span className="hf-pg-text">{entry.text}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
