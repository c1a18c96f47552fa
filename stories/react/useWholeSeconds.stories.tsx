import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useReconnectState } from '../../src/react/useReconnectState';
import { useWholeSeconds } from '../../src/react/useWholeSeconds';
import { withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseWholeSecondsDemo() {
  const { since, nextRetryAt } = useReconnectState();
  const elapsed = useWholeSeconds(since, 'since');
  const next = useWholeSeconds(nextRetryAt, 'until');
  return (
    <Demo>
      <ValueTable
        title="useWholeSeconds(…)"
        value={{ "useWholeSeconds(since, 'since')": elapsed, "useWholeSeconds(nextRetryAt, 'until')": next }}
      />
      <DemoControls actions={['tick', 'loseSignaling', 'resume']} />
    </Demo>
  );
}

/**
 * `useWholeSeconds(reference, direction)` — whole seconds since (or until) `reference` (epoch ms) on
 * the provider's clock, re-rendering once a second only while `reference` is set; `null` when it is
 * not. Timers go through the injected clock: here a manual one, moved with "+1 s".
 *
 * ```tsx
 * import { useReconnectState, useWholeSeconds } from 'holdfast';
 *
 * const { since } = useReconnectState();
 * const elapsed = useWholeSeconds(since, 'since');
 * return elapsed === null ? null : <span role="timer">{elapsed} s</span>;
 * ```
 */
const meta = {
  title: 'React/useWholeSeconds',
  render: () => <UseWholeSecondsDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Reconnecting for 4 s, next try in 2 s. */
export const Counting: Story = {
  decorators: [
    withScenario(({ fake, clock }) => {
      fake.connect();
      fake.loseSignaling({ since: clock.now() - 4000, nextRetryAt: clock.now() + 2000 });
    }),
  ],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('4')).toBeInTheDocument();
  },
};
