import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, within } from 'storybook/test';
import { MediaToggle } from '../src/components/MediaToggle/MediaToggle';
import type { FakeSession } from './fixtures/fake-session';
import { prop, ROOT_PROPS } from './fixtures/prop-tables';
import { withScenario } from './fixtures/scenario';

/** Microphone/camera toggles. Turning video off shows as muted to others, never as frozen. */
const meta = {
  title: 'Components/MediaToggle',
  component: MediaToggle,
  argTypes: {
    kind: prop("Which of this page's tracks the button turns on and off.", "'audio' | 'video'"),
    children: prop('Button content.', 'ReactNode', "'Microphone' / 'Camera'"),
    ...ROOT_PROPS,
  },
  args: { kind: 'video' },
} satisfies Meta<typeof MediaToggle>;

export default meta;
type Story = StoryObj<typeof meta>;

const publishFake = (fake: FakeSession, videoOn: boolean) => {
  fake.connect();
  const stream = typeof MediaStream === 'undefined' ? ({} as MediaStream) : new MediaStream();
  void fake.publish({ mediaStream: stream, publishVideo: videoOn });
};

/** Sending: pressed. */
export const On: Story = {
  decorators: [withScenario(({ fake }) => publishFake(fake, true))],
  play: async ({ canvasElement }) => {
    const button = await within(canvasElement).findByRole('button', { name: 'Camera', pressed: true });
    await userEvent.click(button);
    await expect(
      within(canvasElement).getByRole('button', { name: 'Camera', pressed: false }),
    ).toBeInTheDocument();
  },
};

/** Turned off. */
export const Off: Story = {
  decorators: [withScenario(({ fake }) => publishFake(fake, false))],
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByRole('button', { name: 'Camera', pressed: false }),
    ).toBeEnabled();
  },
};

/** Connected, nothing published yet: a click publishes (camera on). */
export const NotPublishing: Story = {
  decorators: [withScenario(({ fake }) => fake.connect())],
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('button', { name: 'Camera', pressed: false })).toBeEnabled();
  },
};

/** Not in a call and nothing published: disabled. */
export const NotConnected: Story = {
  decorators: [withScenario(() => {})],
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('button', { name: 'Camera' })).toBeDisabled();
  },
};
