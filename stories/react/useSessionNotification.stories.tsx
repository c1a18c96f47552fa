import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useSessionNotification } from '../../src/react/useSessionNotification';
import { withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseSessionNotificationDemo() {
  const notice = useSessionNotification();
  return (
    <Demo>
      {notice ? (
        <ValueTable title="useSessionNotification()" value={{ ...notice }} />
      ) : (
        <p className="hf-demo-note">useSessionNotification() → null (nothing pending)</p>
      )}
      <DemoControls actions={['rotationNotice', 'migrate', 'migrated', 'tick']} />
    </Demo>
  );
}

/**
 * `useSessionNotification()` — the server's pending advance notice (a `serverRotation` with its
 * `deadline`, and the server's `message` when it sent one), until it plays out; `null` otherwise.
 * `SessionNotice` renders it with a countdown.
 *
 * ```tsx
 * import { useSessionNotification } from 'holdfast';
 *
 * const notice = useSessionNotification();
 * if (notice) return <p>Maintenance soon; you will be moved automatically.</p>;
 * ```
 */
const meta = {
  title: 'React/useSessionNotification',
  render: () => <UseSessionNotificationDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** A rotation announced 30 s ahead. */
export const RotationAnnounced: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.notifyRotation(clock.now() + 30_000, 'Server maintenance');
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText("'serverRotation'")).toBeInTheDocument();
  },
};
