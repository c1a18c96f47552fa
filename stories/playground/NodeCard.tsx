import { CHAOS_ROUTES, type NodeStatus } from './chaos-api';
import { ActionButton } from './ParticipantFaults';

/** What the card says about a node's state. */
function describe(node: NodeStatus, now: number): string {
  switch (node.state) {
    case 'serving':
      return `serving · ${node.members} ${node.members === 1 ? 'member' : 'members'}`;
    case 'draining':
      return `rotating · deadline in ${Math.max(0, Math.ceil((node.deadline - now) / 1000))} s · ${node.members} left`;
    case 'crashed':
      return node.declared
        ? 'crashed · declared by the other node'
        : `crashed · ${Math.floor((now - node.since) / 1000)} s, lease lapsing`;
    case 'restarting':
      return 'starting a new boot…';
  }
}

/** One node with its faults: crash, rotate (drain with a deadline), cut off, restart. */
export function NodeCard({
  node,
  now,
  faultMs,
  rotateMs,
  act,
}: {
  node: NodeStatus;
  now: number;
  faultMs: number;
  rotateMs: number;
  /** Runs a sidecar route, logging `label` in every participant's timeline. */
  act: (label: string, route: string) => void;
}) {
  const running = node.state === 'serving' || node.state === 'draining';
  return (
    <article className="hf-pg-node" data-state={node.state} aria-label={`Node ${node.id}`}>
      <header>
        <h3>{node.id}</h3>
        <span className="hf-pg-node-state">{describe(node, now)}</span>
      </header>
      <p className="hf-pg-muted">
        <code>{node.url}</code> · boot {node.boots}
      </p>
      <div className="hf-pg-row">
        <ActionButton
          tone="danger"
          disabled={!running}
          onClick={() => act(`crash ${node.id}`, CHAOS_ROUTES.crashNode(node.id))}
        >
          Crash this node
        </ActionButton>
        <ActionButton
          tone="warn"
          disabled={node.state !== 'serving'}
          onClick={() =>
            act(
              `rotate ${node.id} (deadline ${rotateMs / 1000} s)`,
              CHAOS_ROUTES.rotateNode(node.id, rotateMs),
            )
          }
        >
          Rotate this node
        </ActionButton>
        <ActionButton
          tone="warn"
          disabled={!running}
          onClick={() =>
            act(`cut ${node.id} off for ${faultMs / 1000} s`, CHAOS_ROUTES.isolateNode(node.id, faultMs))
          }
        >
          Cut off
        </ActionButton>
        {node.state === 'crashed' ? (
          <ActionButton
            disabled={!node.declared}
            title={node.declared ? undefined : 'Waiting for the other node to declare the crash'}
            onClick={() => act(`restart ${node.id}`, CHAOS_ROUTES.restartNode(node.id))}
          >
            Restart
          </ActionButton>
        ) : null}
      </div>
    </article>
  );
}
