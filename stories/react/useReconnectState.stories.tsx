import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useReconnectState } from '../../src/react/useReconnectState';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseReconnectStateDemo() {
  const reconnect = useReconnectState();
  return (
    <Demo>
      <ValueTable title="useReconnectState()" value={{ ...reconnect }} />
      <DemoControls
        actions={[
          'loseSignaling',
          'resume',
          'nodeCrash',
          'rejoined',
          'migrate',
          'migrated',
          'freezeAlice',
          'aliceLive',
          'tick',
        ]}
      />
    </Demo>
  );
}

/**
 * `useReconnectState()` — what the call is going through, from the user's point of view: the value
 * the `ReconnectingBanner` and `ConnectionIndicator` render. Re-renders only when it changes.
 *
 * ```tsx
 * import { useReconnectState } from 'holdfast';
 *
 * function Banner() {
 *   const { phase, attempt, reason } = useReconnectState();
 *   if (phase === 'reconnecting') return <p role="status">Reconnecting (attempt {attempt})…</p>;
 *   if (phase === 'rejoining' && reason === 'nodeCrashed') return <p role="status">The server went down. Rejoining…</p>;
 *   return null;
 * }
 * ```
 *
 * | field | what it is |
 * |---|---|
 * | `phase` | `idle`, `connecting`, `stable`, `reconnecting`, `recoveringMedia`, `rejoining`, `migrating`, `recovered`, `disconnected` |
 * | `reason` | why: `networkDisconnect`, `nodeCrashed`, `serverRotation`, `mediaFailure`, or a disconnect reason |
 * | `attempt` | the current retry (1 for the first), 0 when nothing is retried |
 * | `since`, `nextRetryAt`, `giveUpAt` | epoch ms: when the trouble began, the next try, when retrying stops |
 * | `deadline` | `migrating`: the rotation's deadline |
 * | `affectedStreams` | `recoveringMedia`: how many remote videos are frozen or being repaired |
 * | `downtimeMs` | `recovered`: how long the outage lasted |
 * | `error` | `disconnected`: the server's error, if any |
 *
 * `recovered` shows for `recoveredVisibleMs` (3 s) after an outage, then turns `stable`.
 */
const meta = {
  title: 'React/useReconnectState',
  render: () => <UseReconnectStateDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Signaling dropped a moment ago: `reconnecting`, attempt 1. Press "Signaling back" to see `recovered`. */
export const Reconnecting: Story = {
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice']);
      kit.fake.loseSignaling({ since: kit.clock.now() - 2000, nextRetryAt: kit.clock.now() + 1000 });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText("'reconnecting'")).toBeInTheDocument();
    await expect(canvas.getByText("'networkDisconnect'")).toBeInTheDocument();
  },
};

/** The node hosting the call crashed: `rejoining` with reason `nodeCrashed`. */
export const RejoiningAfterNodeCrash: Story = {
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice']);
      kit.fake.startRejoin('nodeCrashed');
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText("'rejoining'")).toBeInTheDocument();
    await expect(canvas.getByText("'nodeCrashed'")).toBeInTheDocument();
  },
};

/** A remote video froze while signaling is fine: `recoveringMedia`, one affected stream. */
export const RecoveringMedia: Story = {
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice']);
      kit.fake.setHealth('stream-alice', 'frozen');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText("'recoveringMedia'")).toBeInTheDocument();
  },
};
