import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { FrozenStreamOverlay } from '../src/components/FrozenStreamOverlay/FrozenStreamOverlay';
import { StreamView } from '../src/components/StreamView/StreamView';
import { prop, ROOT_PROPS } from './fixtures/prop-tables';
import { type ScenarioKit, withScenario } from './fixtures/scenario';

/**
 * The overlay over a tile whose picture stopped: frozen (detected from decoded frames), being repaired,
 * or camera off on purpose (shown as muted, never as frozen). Shown here over a `StreamView` without its
 * built-in overlay.
 */
const meta = {
  title: 'Components/FrozenStreamOverlay',
  component: FrozenStreamOverlay,
  argTypes: {
    streamId: prop('The remote stream whose picture the overlay explains.', 'string'),
    messages: prop(
      'Words for some or all states.',
      'Partial<{ frozen: string; recovering: string; muted: string }>',
      "'Video frozen' / 'Reconnecting video…' / 'Camera off'",
    ),
    ...ROOT_PROPS,
  },
  args: { streamId: 'stream-alice' },
  render: (args) => (
    <div className="holdfast-story-tile">
      <StreamView streamId={args.streamId} overlay={false} muted />
      <FrozenStreamOverlay {...args} />
    </div>
  ),
} satisfies Meta<typeof FrozenStreamOverlay>;

export default meta;
type Story = StoryObj<typeof meta>;

function alice(kit: ScenarioKit, freeze: boolean) {
  kit.fake.connect();
  const camera = kit.camera('alice', 1);
  if (freeze) camera?.freeze();
  kit.fake.addStream('alice', { mediaStream: camera?.mediaStream ?? null });
}

/** Frames are decoding: the overlay is empty and lets clicks through. */
export const Live: Story = {
  decorators: [withScenario((kit) => alice(kit, false))],
  play: async ({ canvasElement }) => {
    const overlay = canvasElement.querySelector('[data-holdfast-overlay]');
    await expect(overlay).toHaveAttribute('data-holdfast-overlay', 'live');
    await expect(overlay).toBeEmptyDOMElement();
  },
};

/** Decoded frames stopped although the sender did not turn its video off. */
export const Frozen: Story = {
  decorators: [
    withScenario((kit) => {
      alice(kit, true);
      kit.fake.setHealth('stream-alice', 'frozen');
    }),
  ],
  play: async ({ canvasElement }) => {
    const status = await within(canvasElement).findByRole('status', { name: 'alice: Video frozen' });
    await expect(status).toHaveAttribute('data-holdfast-overlay', 'frozen');
  },
};

/** A repair (ICE restart or new peer) is under way; live again only once frames rise. */
export const Recovering: Story = {
  decorators: [
    withScenario((kit) => {
      alice(kit, true);
      kit.fake.setHealth('stream-alice', 'recovering');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByRole('status', { name: 'alice: Reconnecting video…' }),
    ).toHaveAttribute('data-holdfast-overlay', 'recovering');
  },
};

/** The sender turned its camera off: muted, not a fault. */
export const CameraOff: Story = {
  decorators: [
    withScenario((kit) => {
      alice(kit, true);
      kit.fake.updateStream('stream-alice', { videoActive: false });
      kit.fake.setHealth('stream-alice', 'muted');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByRole('status', { name: 'alice: Camera off' }),
    ).toHaveAttribute('data-holdfast-overlay', 'muted');
  },
};
