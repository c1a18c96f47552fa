import { useEffect, useMemo, useRef, useState } from 'react';
import { ConnectionIndicator } from '../../src/components/ConnectionIndicator/ConnectionIndicator';
import { MediaToggle } from '../../src/components/MediaToggle/MediaToggle';
import { ReconnectingBanner } from '../../src/components/ReconnectingBanner/ReconnectingBanner';
import { SessionNotice } from '../../src/components/SessionNotice/SessionNotice';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { SessionProvider } from '../../src/react/SessionProvider';
import { useSession } from '../../src/react/useSession';
import { useSessionEvent } from '../../src/react/useSessionEvent';
import { useStreamIds } from '../../src/react/useStreamIds';
import { type CanvasMedia, createCanvasMedia } from '../fixtures/canvas-media';
import { CHAOS_ROUTES, type ChaosConfig, type ChaosParticipant } from './chaos-api';
import { chaos } from './chaos-client';
import { devTokenFetcher } from './dev-token';

interface PanelProps {
  participant: ChaosParticipant;
  index: number;
  sessionId: string;
  config: ChaosConfig;
  chaosEnabled: boolean;
}

function EventLog() {
  const [lines, setLines] = useState<string[]>([]);
  const push = (line: string) =>
    setLines((previous) => [`${new Date().toLocaleTimeString()} ${line}`, ...previous].slice(0, 12));
  useSessionEvent('reconnecting', (e) => push(`reconnecting (${e.cause})`));
  useSessionEvent('reconnected', (e) => push(`reconnected after ${e.downtimeMs} ms, ${e.attempts} tries`));
  useSessionEvent('rejoining', (e) => push(`rejoining (${e.cause})`));
  useSessionEvent('rejoined', (e) => push(`rejoined as ${e.connectionId}`));
  useSessionEvent('sessionDisconnected', (e) => push(`disconnected: ${e.reason}`));
  useSessionEvent('streamHealthChanged', (e) => push(`${e.stream.identity}: ${e.previous} → ${e.health}`));
  useSessionEvent('exception', (e) => push(`exception ${e.name}`));
  return (
    <ol className="holdfast-playground-log" aria-label="Events">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ol>
  );
}

function Remotes() {
  const ids = useStreamIds();
  if (ids.length === 0) return <p className="holdfast-playground-empty">Nobody else is publishing yet.</p>;
  return (
    <div className="holdfast-playground-remotes">
      {ids.map((id) => (
        <StreamView key={id} streamId={id} muted />
      ))}
    </div>
  );
}

function Controls({
  participant,
  chaosEnabled,
  config,
  camera,
}: PanelProps & { camera: CanvasMedia | null }) {
  const { status, join, leave } = useSession();
  const [seconds, setSeconds] = useState(5);
  const [frozen, setFrozen] = useState(false);
  const [note, setNote] = useState('');
  const ms = seconds * 1000;
  const run = (route: string) => void chaos(route).then(setNote, (e: unknown) => setNote(String(e)));
  return (
    <fieldset className="holdfast-playground-controls">
      <legend>Chaos for {participant.name}</legend>
      <label>
        for{' '}
        <input
          type="number"
          min={1}
          max={60}
          value={seconds}
          onChange={(e) => setSeconds(Math.max(1, Math.min(60, Number(e.target.value) || 1)))}
        />{' '}
        s
      </label>
      <button
        type="button"
        disabled={!chaosEnabled}
        onClick={() => run(CHAOS_ROUTES.dropSignaling(participant.name, ms))}
      >
        Drop my signaling
      </button>
      <button
        type="button"
        disabled={!chaosEnabled}
        onClick={() => run(CHAOS_ROUTES.resetSignaling(participant.name))}
      >
        Reset my signaling
      </button>
      <button
        type="button"
        disabled={!chaosEnabled || !config.capabilities.media}
        onClick={() => run(CHAOS_ROUTES.cutMedia(participant.name, ms, false))}
      >
        Cut my media (same path back)
      </button>
      <button
        type="button"
        disabled={!chaosEnabled || !config.capabilities.media}
        onClick={() => run(CHAOS_ROUTES.cutMedia(participant.name, ms, true))}
      >
        Cut my media (new path, like Wi-Fi → cellular)
      </button>
      <button
        type="button"
        disabled={!chaosEnabled || !config.capabilities.media}
        onClick={() => {
          run(CHAOS_ROUTES.dropSignaling(participant.name, ms));
          run(CHAOS_ROUTES.cutMedia(participant.name, ms, true));
        }}
      >
        Drop my whole network
      </button>
      <button
        type="button"
        aria-pressed={frozen}
        disabled={!camera}
        onClick={() => {
          if (frozen) camera?.thaw();
          else camera?.freeze();
          setFrozen(!frozen);
        }}
      >
        {frozen ? 'Unfreeze my video' : 'Freeze my video'}
      </button>
      <MediaToggle kind="video" />
      <button type="button" onClick={() => void (status === 'connected' ? leave() : join()).catch(() => {})}>
        {status === 'connected' ? 'Leave' : 'Join'}
      </button>
      {note ? <output>{note}</output> : null}
    </fieldset>
  );
}

/** One participant of the Playground: its own provider, paths, camera, controls and views. */
export function ParticipantPanel(props: PanelProps) {
  const { participant, index, sessionId, config } = props;
  const camera = useRef<CanvasMedia | null>(null);
  if (camera.current === null && typeof document !== 'undefined') {
    camera.current = createCanvasMedia(participant.name, index);
  }
  useEffect(() => () => camera.current?.stop(), []);
  const getToken = useMemo(
    () => devTokenFetcher(config.serverUrl, participant.name),
    [config.serverUrl, participant.name],
  );
  const options = useMemo(
    () => ({
      identity: participant.name,
      ...(participant.iceServers ? { iceServers: participant.iceServers } : {}),
      ...(participant.iceTransportPolicy ? { iceTransportPolicy: participant.iceTransportPolicy } : {}),
    }),
    [participant],
  );
  const publish = useMemo(
    () => (camera.current ? { mediaStream: camera.current.mediaStream, audio: false } : true),
    [],
  );
  return (
    <section className="holdfast-playground-panel" aria-label={`Participant ${participant.name}`}>
      <SessionProvider
        serverUrl={participant.serverUrl}
        sessionId={sessionId}
        getToken={getToken}
        options={options}
        publish={publish}
        onError={(error) => console.warn(`[playground ${participant.name}]`, error)}
      >
        <header>
          <h3>{participant.name}</h3>
          <ConnectionIndicator showLabel />
        </header>
        <ReconnectingBanner />
        <SessionNotice />
        <StreamView local mirror={false} />
        <Remotes />
        <Controls {...props} camera={camera.current} />
        <EventLog />
      </SessionProvider>
    </section>
  );
}
