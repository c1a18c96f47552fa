import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useSession } from '../../src/react/useSession';
import { withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseSessionDemo() {
  const { status, connectionId, identity, state, join, leave } = useSession();
  return (
    <Demo>
      <ValueTable
        title="useSession()"
        value={{ status, connectionId, identity, since: 'since' in state ? state.since : null, join, leave }}
      />
      <DemoControls actions={['join', 'leave', 'loseSignaling', 'resume', 'nodeCrash', 'rejoined']} />
    </Demo>
  );
}

/**
 * `useSession()` — the session of the nearest `SessionProvider`: its lifecycle state and its actions.
 *
 * ```tsx
 * import { useSession } from 'holdfast';
 *
 * function CallButton() {
 *   const { status, join, leave } = useSession();
 *   return status === 'connected'
 *     ? <button onClick={() => void leave()}>Leave</button>
 *     : <button onClick={() => void join()}>Join</button>;
 * }
 * ```
 *
 * | field | what it is |
 * |---|---|
 * | `status` | `'idle' \| 'connecting' \| 'connected' \| 'reconnecting' \| 'rejoining' \| 'migrating' \| 'disconnected'` |
 * | `state` | the whole `SessionState` (attempt, since, cause, deadline… depending on `status`) |
 * | `connectionId`, `identity` | this page's connection id (new after a re-join) and its stable identity |
 * | `session` | the core `Session`, or `null` before the provider mounted |
 * | `join()`, `leave()` | join (and publish what the provider asks) / leave; promises |
 * | `publish(options?)`, `unpublish()` | start or stop sending camera and microphone |
 * | `reconnectNow()` | skip the wait before the next retry ("Retry now") |
 * | `signal({ type, data, to? })` | send an app message; queued while reconnecting, delivered once |
 *
 * Actions are stable functions (safe in effect dependencies); they reject outside a session.
 * The live example drives a fake session: press the buttons to see the values change.
 */
const meta = {
  title: 'React/useSession',
  render: () => <UseSessionDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** In the call: press "Drop signaling" and watch `status` go to `reconnecting`, then back. */
export const InTheCall: Story = {
  decorators: [withScenario(({ fake }) => fake.connect('conn-me-1'))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText("'connected'")).toBeInTheDocument();
    await expect(canvas.getByText("'conn-me-1'")).toBeInTheDocument();
  },
};

/** After `leave()`: `status` is `disconnected`; "Join" joins again as a new connection. */
export const AfterLeaving: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect('conn-me-1');
      void fake.leave();
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText("'disconnected'")).toBeInTheDocument();
    await expect(canvas.getByRole('button', { name: 'Join' })).toBeEnabled();
  },
};
