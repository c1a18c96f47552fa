import type { Meta, StoryObj } from '@storybook/react-vite';
import { Playground } from './playground/Playground';

/**
 * Live: participants in this page, each with its own camera (`getUserMedia`) and its own network paths,
 * join a two-node holdfast cluster (`npm start` runs it in the chaos sidecar, with dev tokens, and this
 * Storybook). Crash or rotate a node, cut it off, drop one participant's signaling or media, freeze a
 * camera, and read in each participant's timeline what it saw: states, banners, events.
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
