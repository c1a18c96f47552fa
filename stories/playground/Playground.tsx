import { useEffect, useState } from 'react';
import type { ChaosConfig, NodeStatus } from './chaos-api';
import { CHAOS_URL, chaos, loadChaosConfig, loadNodes } from './chaos-client';
import { NodeCard } from './NodeCard';
import { ParticipantPanel } from './ParticipantPanel';
import { TimelineLog } from './timeline-log';
import './playground.css';

/** Props of {@link Playground}. */
export interface PlaygroundProps {
  /** Who joins (2 or 3 names). */
  participants: string[];
  /** The session they all join. */
  sessionId: string;
}

/** How often the node cards are refreshed (ms). */
const NODE_POLL_MS = 500;

function useNodes(enabled: boolean): { nodes: NodeStatus[] | null; now: number } {
  const [state, setState] = useState<{ nodes: NodeStatus[] | null; now: number }>({
    nodes: null,
    now: Date.now(),
  });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const poll = async () => {
      const nodes = await loadNodes();
      if (live) setState({ nodes, now: Date.now() });
    };
    void poll();
    const timer = setInterval(() => void poll(), NODE_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [enabled]);
  return state;
}

function Seconds({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (seconds: number) => void;
}) {
  return (
    <label className="hf-pg-seconds">
      {label}
      <input
        type="number"
        min={1}
        max={60}
        value={value}
        onChange={(e) => onChange(Math.max(1, Math.min(60, Number(e.target.value) || 1)))}
      />
      s
    </label>
  );
}

function Loaded({
  config,
  chaosOn,
  participants,
  sessionId,
}: {
  config: ChaosConfig;
  chaosOn: boolean;
  participants: string[];
  sessionId: string;
}) {
  const [faultSeconds, setFaultSeconds] = useState(5);
  const [rotateSeconds, setRotateSeconds] = useState(10);
  const [logs] = useState(() => new Map(participants.map((name) => [name, new TimelineLog()])));
  const { nodes, now } = useNodes(chaosOn);
  const [people] = useState(() => {
    const byName = new Map(config.participants.map((p) => [p.name, p]));
    return participants.map((name) => byName.get(name) ?? { name, routes: {} });
  });
  const act = (label: string, route: string) => {
    for (const log of logs.values()) log.push('fault', `you: ${label}`);
    void chaos(route).then((answer) => {
      for (const log of logs.values())
        log.push('fault', answer.ok ? answer.message : `refused: ${answer.message}`);
    });
  };
  return (
    <div className="hf-pg">
      <header className="hf-pg-intro">
        <h2>Playground</h2>
        <p>
          {participants.length} participants in session <code>{sessionId}</code>
          {chaosOn
            ? ` on a ${config.nodes.length}-node cluster. Every fault is real: a participant's own TCP paths to the nodes, its UDP path to TURN, a node's sockets and lease.`
            : '. No chaos sidecar: start everything with `npm start` to get the nodes and the fault buttons.'}
          {chaosOn && !config.capabilities.media
            ? ' Media cannot be cut here (coturn is not installed).'
            : ''}
        </p>
        <div className="hf-pg-row">
          <Seconds label="Faults last" value={faultSeconds} onChange={setFaultSeconds} />
          <Seconds label="Rotation deadline" value={rotateSeconds} onChange={setRotateSeconds} />
        </div>
      </header>
      {chaosOn ? (
        <section className="hf-pg-nodes" aria-label="Nodes">
          {(nodes ?? []).map((node) => (
            <NodeCard
              key={node.id}
              node={node}
              now={now}
              faultMs={faultSeconds * 1000}
              rotateMs={rotateSeconds * 1000}
              act={act}
            />
          ))}
          {nodes === null ? <p className="hf-pg-muted">The chaos sidecar does not answer.</p> : null}
        </section>
      ) : null}
      <div className="hf-pg-panels">
        {people.map((participant, index) => (
          <ParticipantPanel
            key={participant.name}
            participant={participant}
            index={index}
            sessionId={sessionId}
            config={config}
            chaosEnabled={chaosOn}
            faultMs={faultSeconds * 1000}
            log={logs.get(participant.name) as TimelineLog}
          />
        ))}
      </div>
    </div>
  );
}

/**
 * The live playground: two or three participants in one page, each with its own session, signaling
 * paths and media path, on a two-node cluster; node cards crash, rotate and cut off nodes, and each
 * participant's panel breaks its own paths and shows what it saw.
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
  if (!loaded) return <p className="hf-pg-muted">Loading the playground…</p>;
  return (
    <Loaded
      key={`${key}\n${sessionId}\n${CHAOS_URL}`}
      config={loaded.config}
      chaosOn={loaded.chaos}
      participants={participants}
      sessionId={sessionId}
    />
  );
}
