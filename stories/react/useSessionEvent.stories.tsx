import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, within } from 'storybook/test';
import { useSessionEvent } from '../../src/react/useSessionEvent';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls } from './demo-kit';

function UseSessionEventDemo() {
  const [lines, setLines] = useState<{ id: number; text: string }[]>([]);
  const add = (text: string) =>
    setLines((old) => [...old, { id: (old.at(-1)?.id ?? 0) + 1, text }].slice(-8));
  useSessionEvent('reconnecting', (e) => add(`reconnecting (${e.cause})`));
  useSessionEvent('reconnected', (e) => add(`reconnected after ${e.downtimeMs} ms`));
  useSessionEvent('rejoining', (e) => add(`rejoining (${e.cause})`));
  useSessionEvent('rejoined', () => add('rejoined as a new connection'));
  useSessionEvent('sessionNotification', (e) => add(`notice: ${e.reason}`));
  useSessionEvent('streamHealthChanged', (e) => add(`${e.stream.identity}: ${e.previous} → ${e.health}`));
  return (
    <Demo>
      <ol className="hf-demo-log" aria-label="Events received">
        {lines.length === 0 ? <li>No event yet: press a button.</li> : null}
        {lines.map((line) => (
          <li key={line.id}>{line.text}</li>
        ))}
      </ol>
      <DemoControls
        actions={[
          'loseSignaling',
          'resume',
          'nodeCrash',
          'rejoined',
          'rotationNotice',
          'freezeAlice',
          'aliceLive',
        ]}
      />
    </Demo>
  );
}

/**
 * `useSessionEvent(name, handler)` — calls `handler` for every `name` event of the provider's session.
 * The latest `handler` is always the one called (no need to memoize it); the subscription is made
 * once and disposed on unmount, and follows the provider to a new session.
 *
 * ```tsx
 * import { useSessionEvent } from 'holdfast';
 *
 * useSessionEvent('signal', ({ type, data }) => { if (type === 'chat') addMessage(data); });
 * useSessionEvent('rejoined', ({ downtimeMs }) => toast(`Back after ${downtimeMs} ms`));
 * ```
 *
 * Events: `stateChanged`, `connected`, `reconnecting`, `reconnected`, `rejoining`, `rejoined`,
 * `migrating`, `migrated`, `sessionDisconnected`, `connectionCreated`, `connectionDestroyed`,
 * `streamCreated`, `streamDestroyed`, `streamUpdated`, `streamHealthChanged`, `localStreamChanged`,
 * `sessionNotification`, `signal`, `exception`.
 */
const meta = {
  title: 'React/useSessionEvent',
  render: () => <UseSessionEventDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** An event log: every button makes the fake session emit what the core would. */
export const EventLog: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice']))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('No event yet: press a button.')).toBeInTheDocument();
  },
};
