import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useStream } from '../../src/react/useStream';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseStreamDemo() {
  const stream = useStream('stream-alice');
  return (
    <Demo>
      {stream ? (
        <ValueTable
          title="useStream('stream-alice')"
          value={{
            identity: stream.identity,
            health: stream.health,
            videoActive: stream.videoActive,
            audioActive: stream.audioActive,
            typeOfVideo: stream.typeOfVideo,
          }}
        />
      ) : (
        <p className="hf-demo-note">useStream('stream-alice') → null (gone)</p>
      )}
      <DemoControls actions={['freezeAlice', 'aliceLive']} />
    </Demo>
  );
}

/**
 * `useStream(streamId)` — one remote stream, or `null` once it is gone. Re-renders only when this
 * stream changes (health, properties, media), not when others do; `StreamView` is built on it.
 *
 * ```tsx
 * import { useStream } from 'holdfast';
 *
 * function Health({ streamId }: { streamId: string }) {
 *   const stream = useStream(streamId);
 *   return <span>{stream ? stream.health : 'left'}</span>;
 * }
 * ```
 */
const meta = {
  title: 'React/useStream',
  render: () => <UseStreamDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** alice's stream, live. */
export const Live: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice']))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText("'live'")).toBeInTheDocument();
  },
};
