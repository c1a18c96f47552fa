import type { ReactNode } from 'react';
import { useParticipants } from '../../src/react/useParticipants';
import { useSession } from '../../src/react/useSession';
import { useStreamIds } from '../../src/react/useStreamIds';
import { useScenarioKit } from '../fixtures/scenario';

const SECOND = 1000;

/** What a live example's buttons can do to the fake session (what the server and network would do). */
export type DemoAction =
  | 'join'
  | 'leave'
  | 'loseSignaling'
  | 'resume'
  | 'nodeCrash'
  | 'rejoined'
  | 'rotationNotice'
  | 'migrate'
  | 'migrated'
  | 'freezeAlice'
  | 'aliceLive'
  | 'bobJoins'
  | 'bobLeaves'
  | 'tick';

const LABELS: Record<DemoAction, string> = {
  join: 'Join',
  leave: 'Leave',
  loseSignaling: 'Drop signaling',
  resume: 'Signaling back',
  nodeCrash: 'Node crashes',
  rejoined: 'Re-joined',
  rotationNotice: 'Rotation in 30 s',
  migrate: 'Start moving',
  migrated: 'Moved',
  freezeAlice: "Freeze alice's video",
  aliceLive: 'alice live again',
  bobJoins: 'bob joins',
  bobLeaves: 'bob leaves',
  tick: '+1 s',
};

/**
 * Buttons that drive the story's fake session the way the network and the server would, so the hook
 * shown above them can be watched changing. Each button is enabled only when its step makes sense.
 */
export function DemoControls({ actions }: { actions: DemoAction[] }) {
  const { fake, clock } = useScenarioKit();
  const { status } = useSession();
  // Read through hooks so the buttons re-render when streams and people come and go.
  const streamIds = useStreamIds();
  const people = useParticipants();
  const hasBob = people.some((p) => p.identity === 'bob');
  const hasAlice = streamIds.includes('stream-alice');
  const inCall = status === 'connected';
  const run: Record<DemoAction, [enabled: boolean, act: () => void]> = {
    join: [status === 'idle' || status === 'disconnected', () => void fake.join()],
    leave: [status !== 'idle' && status !== 'disconnected', () => void fake.leave()],
    loseSignaling: [inCall, () => fake.loseSignaling({ nextRetryAt: clock.now() + 2 * SECOND })],
    resume: [status === 'reconnecting', () => fake.resume()],
    nodeCrash: [inCall || status === 'reconnecting', () => fake.startRejoin('nodeCrashed')],
    rejoined: [status === 'rejoining', () => fake.finishRejoin()],
    rotationNotice: [inCall, () => fake.notifyRotation(clock.now() + 30 * SECOND)],
    migrate: [inCall, () => fake.startMigration(clock.now() + 30 * SECOND)],
    migrated: [status === 'migrating', () => fake.finishMigration()],
    freezeAlice: [hasAlice, () => fake.setHealth('stream-alice', 'frozen')],
    aliceLive: [hasAlice, () => fake.setHealth('stream-alice', 'live')],
    bobJoins: [inCall && !hasBob, () => void fake.addStream('bob')],
    bobLeaves: [
      hasBob,
      () => {
        if (fake.streams.has('stream-bob')) fake.removeStream('stream-bob');
        fake.removeParticipant('bob');
      },
    ],
    tick: [true, () => clock.advance(SECOND)],
  };
  return (
    <fieldset className="hf-demo-controls">
      <legend>Make something happen</legend>
      {actions.map((action) => {
        const [enabled, act] = run[action];
        return (
          <button key={action} type="button" className="hf-demo-button" disabled={!enabled} onClick={act}>
            {LABELS[action]}
          </button>
        );
      })}
    </fieldset>
  );
}

/** How a value reads in a {@link ValueTable}. */
function show(value: unknown, now: number): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' && value > 1e12) {
    const delta = Math.round((value - now) / SECOND);
    return delta === 0 ? 'now' : delta > 0 ? `in ${delta} s` : `${-delta} s ago`;
  }
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'ƒ()';
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (typeof value === 'object') return '{…}';
  return String(value);
}

/** A hook's return value as a two-column table (times as "in 3 s" / "2 s ago" on the story's clock). */
export function ValueTable({ title, value }: { title: string; value: Record<string, unknown> }) {
  const { clock } = useScenarioKit();
  const now = clock.now();
  return (
    <table className="hf-demo-table">
      <caption>{title}</caption>
      <tbody>
        {Object.entries(value).map(([key, item]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>
              <code>{show(item, now)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The frame of a live example: what the hook returns, then the buttons. */
export function Demo({ children }: { children: ReactNode }) {
  return <div className="hf-demo">{children}</div>;
}
