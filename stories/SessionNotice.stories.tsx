import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { SessionNotice } from '../src/components/SessionNotice/SessionNotice';
import { prop, ROOT_PROPS } from './fixtures/prop-tables';
import { withScenario } from './fixtures/scenario';

/** The server's advance notice of a planned rotation, with a countdown, until it plays out. */
const meta = {
  title: 'Components/SessionNotice',
  component: SessionNotice,
  argTypes: {
    message: prop(
      'The words for a notification.',
      '(notification: PendingNotification) => string',
      "English, or the server's own message when it sent one",
    ),
    ...ROOT_PROPS,
  },
} satisfies Meta<typeof SessionNotice>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A rotation in 30 s: the call will move without hanging up. */
export const RotationAnnounced: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.notifyRotation(clock.now() + 30_000);
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status')).toHaveTextContent('Scheduled server maintenance');
    await expect(canvas.getByRole('timer', { name: '30 seconds left' })).toBeInTheDocument();
  },
};

/** The server's own words, when it sent some. */
export const WithServerMessage: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.notifyRotation(clock.now() + 12_000, 'Node eu-1 restarts for an upgrade.');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'Node eu-1 restarts for an upgrade.',
    );
  },
};

/** Nothing pending: an empty live region. */
export const NothingPending: Story = {
  decorators: [withScenario(({ fake }) => fake.connect())],
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toBeEmptyDOMElement();
  },
};
