import { useEffect, useState } from 'react';
import { CHAOS_ROUTES, type ChaosConfig } from './chaos-api';
import { CHAOS_URL, chaos, loadChaosConfig } from './chaos-client';
import { ParticipantPanel } from './ParticipantPanel';

/** Props of {@link Playground}. */
export interface PlaygroundProps {
  /** Who joins (2 or 3 names). */
  participants: string[];
  /** The session they all join. */
  sessionId: string;
}

function ServerControls({ config }: { config: ChaosConfig }) {
  const [note, setNote] = useState('');
  const [seconds, setSeconds] = useState(5);
  const run = (route: string) => void chaos(route).then(setNote, (e: unknown) => setNote(String(e)));
  const off = !config.capabilities.server;
  return (
    <fieldset className="holdfast-playground-controls">
      <legend>Server</legend>
      <button type="button" disabled={off} onClick={() => run(CHAOS_ROUTES.crashServer)}>
        Crash the node (SIGKILL, restart empty)
      </button>
      <label>
        freeze for{' '}
        <input
          type="number"
          min={1}
          max={60}
          value={seconds}
          onChange={(e) => setSeconds(Math.max(1, Math.min(60, Number(e.target.value) || 1)))}
        />{' '}
        s
      </label>
      <button type="button" disabled={off} onClick={() => run(CHAOS_ROUTES.freezeServer(seconds * 1000))}>
        Freeze the node (SIGSTOP)
      </button>
      <button type="button" disabled title="Needs the multi-node server with drain (a later issue)">
        Rotate the node
      </button>
      {off ? <output>Server controls need `npm start`.</output> : note ? <output>{note}</output> : null}
    </fieldset>
  );
}

/**
 * The live playground: two or three participants in one page, each with its own session, signaling
 * path and media path to the local holdfast server, and a chaos panel that breaks those paths for real.
 */
export function Playground({ participants, sessionId }: PlaygroundProps) {
  const [loaded, setLoaded] = useState<{ config: ChaosConfig; chaos: boolean } | null>(null);
  const key = participants.join(',');
  useEffect(() => {
    let current = true;
    void loadChaosConfig(key.split(',')).then((result) => current && setLoaded(result));
    return () => {
      current = false;
    };
  }, [key]);
  if (!loaded) return <p>Loading the playground…</p>;
  const { config } = loaded;
  const byName = new Map(config.participants.map((p) => [p.name, p]));
  return (
    <div className="holdfast-playground">
      <p className="holdfast-playground-intro">
        Session <code>{sessionId}</code> on <code>{config.serverUrl}</code>.{' '}
        {loaded.chaos
          ? `Chaos sidecar at ${CHAOS_URL}: every fault below happens at the transport (TCP proxy, UDP path to TURN, the server process).`
          : 'No chaos sidecar: start everything with `npm start` to get the fault controls.'}
        {loaded.chaos && !config.capabilities.media
          ? ' Media paths cannot be cut here (coturn is not installed).'
          : ''}
      </p>
      <ServerControls config={config} />
      <div className="holdfast-playground-panels">
        {participants.map((name, index) => {
          const participant = byName.get(name) ?? { name, serverUrl: config.serverUrl };
          return (
            <ParticipantPanel
              key={name}
              participant={participant}
              index={index}
              sessionId={sessionId}
              config={config}
              chaosEnabled={loaded.chaos}
            />
          );
        })}
      </div>
    </div>
  );
}
