import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { ConnectionIndicator } from '../src/components/ConnectionIndicator/ConnectionIndicator';
import { prop, ROOT_PROPS } from './fixtures/prop-tables';
import { withScenario } from './fixtures/scenario';

/** An always-present dot (and optional label) for the session's connection. */
const meta = {
  title: 'Components/ConnectionIndicator',
  component: ConnectionIndicator,
  argTypes: {
    showLabel: prop('Also show the label as text (it is always the accessible name).', 'boolean', 'false'),
    labels: prop(
      'Words for some or all phases (idle, connecting, stable, reconnecting, recoveringMedia, rejoining, migrating, recovered, disconnected).',
      'Partial<Record<ReconnectPhase, string>>',
      'English',
    ),
    ...ROOT_PROPS,
  },
  args: { showLabel: true },
} satisfies Meta<typeof ConnectionIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

const expectLabel =
  (level: string, name: string) =>
  async ({ canvasElement }: { canvasElement: HTMLElement }) => {
    const indicator = await within(canvasElement).findByRole('img', { name: `Connection: ${name}` });
    await expect(indicator).toHaveAttribute('data-holdfast-connection', level);
  };

/** Not in a session. */
export const Offline: Story = {
  decorators: [withScenario(() => {})],
  play: expectLabel('offline', 'not connected'),
};

export const Connecting: Story = {
  decorators: [
    withScenario(({ fake }) =>
      fake.setState({ status: 'connecting', attempt: 1, since: fake.clock.now(), nextRetryAt: null }),
    ),
  ],
  play: expectLabel('connecting', 'connecting'),
};

/** In the call, all well. */
export const Good: Story = {
  decorators: [withScenario(({ fake }) => fake.connect())],
  play: expectLabel('good', 'connected'),
};

/** A remote video is being restored. */
export const Degraded: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.addStream('alice', { health: 'recovering' });
    }),
  ],
  play: expectLabel('degraded', 'restoring video'),
};

export const Reconnecting: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.loseSignaling();
    }),
  ],
  play: expectLabel('reconnecting', 'reconnecting'),
};

export const Lost: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.disconnect('networkDisconnect');
    }),
  ],
  play: expectLabel('lost', 'disconnected'),
};
