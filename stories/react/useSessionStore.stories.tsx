import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useSessionStore } from '../../src/react/useSessionStore';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls, ValueTable } from './demo-kit';

function UseSessionStoreDemo() {
  const phase = useSessionStore((state) => state.reconnect.phase);
  const streamCount = useSessionStore((state) => state.streams.size);
  const status = useSessionStore((state) => state.status);
  return (
    <Demo>
      <ValueTable title="useSessionStore(selector)" value={{ status, phase, 'streams.size': streamCount }} />
      <DemoControls actions={['loseSignaling', 'resume', 'bobJoins', 'bobLeaves']} />
    </Demo>
  );
}

/**
 * `useSessionStore(selector)` — reads the provider's session store through `useSyncExternalStore`: the
 * component re-renders only when the selected value changes (by `Object.is`). Selectors must return
 * primitives or stable references. The other hooks are built on it; use it for what they do not
 * cover.
 *
 * ```tsx
 * import { useSessionStore } from 'holdfast';
 *
 * const phase = useSessionStore((state) => state.reconnect.phase);
 * const others = useSessionStore((state) => state.participants.size);
 * ```
 */
const meta = {
  title: 'React/useSessionStore',
  render: () => <UseSessionStoreDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Three selectors, each re-rendering only for its own value. */
export const Selectors: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice']))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText("'stable'")).toBeInTheDocument();
  },
};
