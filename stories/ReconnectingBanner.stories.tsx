import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, within } from 'storybook/test';
import { ReconnectingBanner } from '../src/components/ReconnectingBanner/ReconnectingBanner';
import { prop, ROOT_PROPS } from './fixtures/prop-tables';
import { withScenario } from './fixtures/scenario';

/**
 * The banner says what the call is going through. Each story drives a fake session (no server) into
 * one state; the store and the component are the real ones.
 */
const meta = {
  title: 'Components/ReconnectingBanner',
  component: ReconnectingBanner,
  args: { onLeave: fn() },
  argTypes: {
    onLeave: prop(
      'Shows a "Leave" action while in trouble or disconnected; called when it is pressed.',
      '() => void',
    ),
    messages: prop(
      'The words for each state (another language, other wording): a function of the reconnect state returning `{ message, detail? }` or null.',
      '(state: ReconnectState) => BannerText | null',
      'English (defaultBannerMessages)',
    ),
    ...ROOT_PROPS,
  },
} satisfies Meta<typeof ReconnectingBanner>;

export default meta;
type Story = StoryObj<typeof meta>;

const SECOND = 1000;

/** The first join is under way. */
export const Connecting: Story = {
  decorators: [
    withScenario(
      ({ fake }) =>
        void fake.setState({ status: 'connecting', attempt: 1, since: fake.clock.now(), nextRetryAt: null }),
    ),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent('Joining the call…');
  },
};

/** The first join failed (here: no server answered before giving up): why, with "Try again". */
export const JoinFailed: Story = {
  decorators: [
    withScenario(
      ({ fake }) =>
        void fake.setState({
          status: 'idle',
          joinFailure: {
            error: { code: 'SIGNALING_UNREACHABLE', message: 'no holdfast server answered before giving up' },
            at: fake.clock.now(),
          },
        }),
    ),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const status = await canvas.findByRole('status');
    await expect(status).toHaveTextContent('Could not join the call. The server could not be reached.');
    await expect(status).toHaveAttribute('aria-live', 'assertive');
    await expect(canvas.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  },
};

/** Signaling just dropped: first retry, with "Retry now". */
export const Reconnecting: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.loseSignaling({ since: clock.now() - 2 * SECOND, nextRetryAt: clock.now() + 500 });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status')).toHaveTextContent(
      'Connection lost. Reconnecting… Attempt 1',
    );
    await expect(canvas.getByRole('timer')).toHaveTextContent('2 s');
    await expect(canvas.getByRole('button', { name: 'Retry now' })).toBeEnabled();
  },
};

/** Still trying: later attempt, longer elapsed time, "Leave" offered. */
export const ReconnectingLonger: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.loseSignaling({ attempt: 5, since: clock.now() - 9 * SECOND, nextRetryAt: clock.now() + 1000 });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status')).toHaveTextContent('Attempt 5');
    await expect(canvas.getByRole('timer', { name: '9 seconds' })).toBeInTheDocument();
    await expect(canvas.getByRole('button', { name: 'Leave' })).toBeInTheDocument();
  },
};

/** Signaling is fine but a remote video froze: holdfast is repairing it. */
export const RestoringVideo: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.addStream('alice', { health: 'frozen' });
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'Restoring a frozen video…',
    );
  },
};

/** The server node crashed: joining the same session again with a fresh token. */
export const RejoiningAfterNodeCrash: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.startRejoin('nodeCrashed', { attempt: 2, since: clock.now() - 4 * SECOND });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status')).toHaveTextContent(
      'The server went down. Rejoining the call… Attempt 2',
    );
    await expect(canvas.getByRole('button', { name: 'Retry now' })).toBeInTheDocument();
  },
};

/** A planned rotation: moving to another node before the deadline, media kept up. */
export const MovingForRotation: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.notifyRotation(clock.now() + 20 * SECOND);
      fake.startMigration(clock.now() + 20 * SECOND);
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'Moving you to another server…',
    );
  },
};

/** The rotation deadline passed before the move: re-joining elsewhere. */
export const RejoiningAfterRotation: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.startRejoin('serverRotation');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'Moving you to another server…',
    );
  },
};

/** Back with the same connection: shown briefly, then the banner empties. */
export const Reconnected: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.loseSignaling({ attempt: 3 });
      clock.advance(4 * SECOND);
      fake.resume();
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent('Reconnected after 4 s');
  },
};

/** Back in the call after a node crash, under a new connection id. */
export const BackAfterNodeCrash: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.startRejoin('nodeCrashed');
      clock.advance(6 * SECOND);
      fake.finishRejoin();
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'Back in the call after 6 s',
    );
  },
};

/** A frozen video is decoding again. */
export const VideoRestored: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.addStream('alice', { health: 'frozen' });
      clock.advance(2 * SECOND);
      fake.setHealth('stream-alice', 'live');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'Video restored after 2 s',
    );
  },
};

/** Evicted after the grace ran out: out of the call, with "Rejoin" and "Leave". */
export const DisconnectedNetwork: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.disconnect('networkDisconnect', { code: 'CONNECTION_EVICTED', message: 'evicted' });
    }),
  ],
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const status = await canvas.findByRole('status');
    await expect(status).toHaveTextContent('Connection lost. You are no longer in the call.');
    await expect(status).toHaveAttribute('aria-live', 'assertive');
    await expect(canvas.getByRole('button', { name: 'Rejoin' })).toBeInTheDocument();
    canvas.getByRole('button', { name: 'Leave' }).click();
    await expect(args.onLeave).toHaveBeenCalled();
  },
};

/** The crashed node's session could not be rebuilt. */
export const DisconnectedNodeCrashed: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.disconnect('nodeCrashed', { code: 'SESSION_NOT_FOUND', message: 'no such session' });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status')).toHaveTextContent(
      'The server went down and the call could not be resumed.',
    );
    await expect(canvas.getByRole('button', { name: 'Rejoin' })).toBeInTheDocument();
  },
};

/** The app closed the session: nothing to rejoin, only "Leave". */
export const CallEnded: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.disconnect('sessionClosedByServer');
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('status')).toHaveTextContent('The call has ended.');
    await expect(canvas.queryByRole('button', { name: 'Rejoin' })).toBeNull();
    await expect(canvas.getByRole('button', { name: 'Leave' })).toBeInTheDocument();
  },
};

/** Removed by the app backend. */
export const Removed: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      fake.disconnect('forceDisconnectByServer');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('status')).toHaveTextContent(
      'You were removed from the call.',
    );
  },
};

/** All is well: an empty live region, kept in the page so later messages are announced. */
export const Stable: Story = {
  decorators: [withScenario(({ fake }) => fake.connect())],
  play: async ({ canvasElement }) => {
    const status = within(canvasElement).getByRole('status');
    await expect(status).toBeEmptyDOMElement();
    await expect(canvasElement.querySelector('[data-holdfast-phase="stable"]')).not.toBeNull();
  },
};
