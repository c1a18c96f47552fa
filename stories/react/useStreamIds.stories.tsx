import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { useStreamIds } from '../../src/react/useStreamIds';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseStreamIdsDemo() {
  const ids = useStreamIds();
  return (
    <Demo>
      <ValueTable title="useStreamIds()" value={Object.fromEntries(ids.map((id, i) => [i, id]))} />
      <div className="holdfast-story-grid">
        {ids.map((id) => (
          <StreamView key={id} streamId={id} muted />
        ))}
      </div>
      <DemoControls actions={['bobJoins', 'bobLeaves', 'freezeAlice', 'aliceLive']} />
    </Demo>
  );
}

/**
 * `useStreamIds(filter?)` — the ids of the remote streams (same `filter` as `useStreams`). Without a
 * health filter the array changes only when streams come or go, never on a health change: the
 * cheapest way to render a grid, each `<StreamView>` subscribing to its own stream.
 *
 * ```tsx
 * import { StreamView, useStreamIds } from 'holdfast';
 *
 * function Grid() {
 *   return useStreamIds().map((id) => <StreamView key={id} streamId={id} />);
 * }
 * ```
 */
const meta = {
  title: 'React/useStreamIds',
  render: () => <UseStreamIdsDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** One tile per id; "bob joins" adds one. */
export const Grid: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice', 'carol']))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText("'stream-carol'")).toBeInTheDocument();
  },
};
