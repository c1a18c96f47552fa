import { useEffect, useMemo, useRef, useState } from 'react';
import { ConnectionIndicator } from '../../src/components/ConnectionIndicator/ConnectionIndicator';
import { ReconnectingBanner } from '../../src/components/ReconnectingBanner/ReconnectingBanner';
import { SessionNotice } from '../../src/components/SessionNotice/SessionNotice';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { createSession, type Session } from '../../src/core';
import { SessionProvider } from '../../src/react/SessionProvider';
import { useReconnectState } from '../../src/react/useReconnectState';
import { useSession } from '../../src/react/useSession';
import { useStreamIds } from '../../src/react/useStreamIds';
import { openCamera, type PlaygroundCamera } from './camera';
import type { ChaosConfig, ChaosParticipant } from './chaos-api';
import { devTokenFetcher } from './dev-token';
import { ParticipantFaults } from './ParticipantFaults';
import { routedSocketFactory } from './routed-socket';
import { recordSession } from './session-timeline';
import { Timeline } from './Timeline';
import type { TimelineLog } from './timeline-log';

/** Props of {@link ParticipantPanel}. */
export interface PanelProps {
  participant: ChaosParticipant;
  index: number;
  sessionId: string;
  config: ChaosConfig;
  chaosEnabled: boolean;
  /** How long the participant's faults last (ms). */
  faultMs: number;
  log: TimelineLog;
}

function Remotes() {
  const ids = useStreamIds();
  if (ids.length === 0) return <p className="hf-pg-muted">Nobody else is publishing yet.</p>;
  return (
    <div className="hf-pg-remotes">
      {ids.map((id) => (
        <StreamView key={id} streamId={id} muted />
      ))}
    </div>
  );
}

/** Joins once on mount (publishing the provider's `publish` settings). */
function JoinOnMount({ log }: { log: TimelineLog }) {
  const { join, session } = useSession();
  const joined = useRef(false);
  useEffect(() => {
    // The provider binds the session in its own effect, after this child's first one.
    if (!session || joined.current) return;
    joined.current = true;
    join().catch((error: unknown) => log.push('event', `join failed: ${String(error)}`));
  }, [join, session, log]);
  return null;
}

/** Logs what the banner says each time its phase changes (its text as shown, read from the page). */
function BannerRecorder({ log, panel }: { log: TimelineLog; panel: React.RefObject<HTMLElement | null> }) {
  const { phase, reason } = useReconnectState();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each phase/reason change has rendered.
  useEffect(() => {
    const message = panel.current?.querySelector('[data-holdfast-banner-message]')?.textContent?.trim();
    if (message) log.push('banner', `“${message}”`);
  }, [phase, reason, log, panel]);
  return null;
}

function Call({ props, camera }: { props: PanelProps; camera: PlaygroundCamera | null }) {
  const { participant, sessionId, config, log } = props;
  const [node, setNode] = useState<{ id: string; inCall: boolean } | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const panel = useRef<HTMLElement>(null);
  const nodeNames = useMemo(() => new Map(config.nodes.map((n) => [n.url, n.id])), [config.nodes]);
  useEffect(() => {
    // The node the latest socket reached; it counts once the session is (back) in the call.
    let reached: string | null = null;
    const created = createSession(
      {
        serverUrl: config.nodes[0]?.url ?? '',
        sessionId,
        identity: participant.name,
        getToken: devTokenFetcher(
          config.nodes.map((n) => n.url),
          participant.name,
        ),
        ...(participant.iceServers ? { iceServers: participant.iceServers } : {}),
        ...(participant.iceTransportPolicy ? { iceTransportPolicy: participant.iceTransportPolicy } : {}),
      },
      {
        socketFactory: routedSocketFactory(participant.routes, (url) => {
          reached = nodeNames.get(url) ?? url;
        }),
      },
    );
    const offNode = created.on('stateChanged', ({ state, previous }) => {
      if (state.status === 'connected' && previous.status !== 'connected') {
        setNode(reached ? { id: reached, inCall: true } : null);
        log.push('node', `in the call on ${reached ?? 'the server'}`);
      } else if (state.status !== 'connected') setNode((last) => last && { ...last, inCall: false });
    });
    const stop = recordSession(created, log);
    setSession(created);
    return () => {
      stop();
      offNode();
      created.destroy();
      setSession(null);
    };
  }, [config.nodes, participant, sessionId, log, nodeNames]);
  const publish = useMemo(
    () => (camera ? { mediaStream: camera.mediaStream, audio: false } : { audio: false }),
    [camera],
  );
  if (!session) return null;
  return (
    <SessionProvider
      session={session}
      publish={publish}
      onError={(error) => log.push('event', `error: ${String(error)}`)}
    >
      <JoinOnMount log={log} />
      <BannerRecorder log={log} panel={panel} />
      <section className="hf-pg-panel" aria-label={`Participant ${participant.name}`} ref={panel}>
        <header className="hf-pg-panel-head">
          <h3>{participant.name}</h3>
          <span className="hf-pg-badge" data-node={node?.id ?? 'none'} data-in-call={node?.inCall ?? false}>
            {node ? `${node.inCall ? 'on' : 'was on'} ${node.id}` : 'no node yet'}
          </span>
          <ConnectionIndicator showLabel />
        </header>
        <ReconnectingBanner />
        <SessionNotice />
        <div className="hf-pg-videos">
          <StreamView local mirror={false} />
          <Remotes />
        </div>
        {camera?.source === 'synthetic' ? (
          <p className="hf-pg-muted">No camera here: a drawn picture stands in.</p>
        ) : null}
        <ParticipantFaults {...props} camera={camera} />
        <Timeline log={log} name={participant.name} />
      </section>
    </SessionProvider>
  );
}

/**
 * One participant of the Playground: its own session (signaling through its own proxies to the
 * nodes), its camera, fault controls and timeline.
 */
export function ParticipantPanel(props: PanelProps) {
  const { participant, index } = props;
  const [camera, setCamera] = useState<PlaygroundCamera | null | 'opening'>('opening');
  useEffect(() => {
    let live = true;
    let opened: PlaygroundCamera | null = null;
    void openCamera(participant.name, index).then((media) => {
      if (!live) return media?.stop();
      opened = media;
      setCamera(media);
    });
    return () => {
      live = false;
      opened?.stop();
    };
  }, [participant.name, index]);
  if (camera === 'opening')
    return <p className="hf-pg-panel hf-pg-muted">Opening {participant.name}'s camera…</p>;
  return <Call props={props} camera={camera} />;
}
