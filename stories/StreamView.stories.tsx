import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { StreamView } from '../src/components/StreamView/StreamView';
import { withBlockedSound } from './fixtures/blocked-sound';
import { prop } from './fixtures/prop-tables';
import { connectedWith, withScenario } from './fixtures/scenario';

/**
 * A video tile bound to one stream. Its `<video>` element stays for the tile's whole life; repairs only
 * re-attach media. The remote "cameras" here are drawn canvases (the Playground uses real cameras).
 */
const meta = {
  title: 'Components/StreamView',
  component: StreamView,
  argTypes: {
    streamId: prop('The remote stream to show.', 'string'),
    local: prop("Show this page's published stream instead (muted, mirrored).", 'boolean', 'false'),
    muted: prop(
      "Silence the stream's audio.",
      'boolean',
      'false for remote streams, always true for `local`',
    ),
    mirror: prop('Flip horizontally.', 'boolean', 'true for `local`, false otherwise'),
    overlay: prop('Show the FrozenStreamOverlay of a remote stream.', 'boolean', 'true'),
    label: prop(
      'Name shown on the tile; `false` for none.',
      'ReactNode | false',
      'the identity ("You" for `local`)',
    ),
    children: prop('More content over the tile (controls, badges).', 'ReactNode'),
  },
  args: { streamId: 'stream-alice', muted: true },
  render: (args) => (
    <div className="holdfast-story-tile">
      <StreamView {...args} />
    </div>
  ),
} satisfies Meta<typeof StreamView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A live remote stream. */
export const Live: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice']))],
  play: async ({ canvasElement }) => {
    const tile = await within(canvasElement).findByRole('figure', { name: 'Video of alice' });
    await expect(tile).toHaveAttribute('data-holdfast-health', 'live');
  },
};

/** Frozen: the frozen overlay covers the last picture. */
export const Frozen: Story = {
  decorators: [
    withScenario((kit) => {
      kit.fake.connect();
      const camera = kit.camera('alice', 1);
      camera?.freeze();
      kit.fake.addStream('alice', { mediaStream: camera?.mediaStream ?? null, health: 'frozen' });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('figure', { name: 'Video of alice' })).toHaveAttribute(
      'data-holdfast-health',
      'frozen',
    );
    await expect(canvas.getByRole('status', { name: 'alice: Video frozen' })).toBeInTheDocument();
  },
};

/** Being repaired. */
export const Recovering: Story = {
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice']);
      kit.fake.setHealth('stream-alice', 'recovering');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByRole('status', { name: 'alice: Reconnecting video…' }),
    ).toBeInTheDocument();
  },
};

/** Camera off on purpose. */
export const CameraOff: Story = {
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice']);
      kit.fake.updateStream('stream-alice', { videoActive: false });
      kit.fake.setHealth('stream-alice', 'muted');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByRole('figure', { name: 'Video of alice' }),
    ).toHaveAttribute('data-holdfast-health', 'muted');
  },
};

/** This page's own published stream: muted and mirrored. */
export const LocalPreview: Story = {
  args: { local: true, streamId: undefined },
  decorators: [
    withScenario((kit) => {
      kit.fake.connect();
      void kit.fake.publish().catch(() => {});
    }),
  ],
  play: async ({ canvasElement }) => {
    const tile = await within(canvasElement).findByRole('figure', { name: 'Your video' });
    await expect(tile).toHaveAttribute('data-holdfast-local', '');
  },
};

/**
 * The browser refused autoplay with sound: the tile plays muted and offers "Turn on sound". Click it
 * to hear the stream (the click is the user gesture the browser waits for).
 */
export const SoundBlocked: Story = {
  args: { muted: false },
  decorators: [withBlockedSound, withScenario((kit) => connectedWith(kit, ['alice']))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('button', { name: 'Turn on sound of alice' })).toBeEnabled();
    await expect(canvas.getByRole('figure', { name: 'Video of alice' })).toHaveAttribute(
      'data-holdfast-playback',
      'audioBlocked',
    );
  },
};

/** After the viewer's click on "Turn on sound": playing with sound, the button gone (a test; not in the docs page). */
export const SoundTurnedOnByClick: Story = {
  tags: ['!autodocs'],
  args: { muted: false },
  decorators: [withBlockedSound, withScenario((kit) => connectedWith(kit, ['alice']))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Turn on sound of alice' }));
    await waitFor(() => expect(canvas.queryByRole('button', { name: 'Turn on sound of alice' })).toBeNull());
    await expect(canvas.getByRole('figure', { name: 'Video of alice' })).toHaveAttribute(
      'data-holdfast-playback',
      'playing',
    );
  },
};

/** Three tiles, one of them frozen: only that tile shows the overlay. */
export const GridWithOneFrozen: Story = {
  render: () => (
    <div className="holdfast-story-grid">
      {['alice', 'bob', 'carol'].map((name) => (
        <StreamView key={name} streamId={`stream-${name}`} muted />
      ))}
    </div>
  ),
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice', 'bob', 'carol']);
      kit.fake.setHealth('stream-bob', 'frozen');
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status', { name: 'bob: Video frozen' })).toBeInTheDocument();
    await expect(canvas.getByRole('figure', { name: 'Video of alice' })).toHaveAttribute(
      'data-holdfast-health',
      'live',
    );
  },
};
