import type { Meta, StoryObj } from '@storybook/react-vite';
import { Playground } from './playground/Playground';

/**
 * Live: participants in this page join the local holdfast server (`npm start` runs it with dev tokens,
 * the chaos sidecar and this Storybook). Break their signaling or media for N seconds, freeze a video,
 * crash the server node, and watch each participant's banner, overlays and event log tell the truth.
 */
const meta = {
  title: 'Playground/Live call',
  component: Playground,
  // Needs a running server: not a test, not in the docs page.
  tags: ['!test', '!autodocs'],
  parameters: { layout: 'fullscreen' },
  args: { participants: ['A', 'B', 'C'], sessionId: 'playground' },
} satisfies Meta<typeof Playground>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Three participants in one call. */
export const ThreeParticipants: Story = {};

/** Two participants. */
export const TwoParticipants: Story = { args: { participants: ['A', 'B'] } };
