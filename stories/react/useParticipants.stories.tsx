import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { useParticipants } from '../../src/react/useParticipants';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls } from './demo-kit';

function UseParticipantsDemo() {
  const people = useParticipants();
  return (
    <Demo>
      <table className="hf-demo-table">
        <caption>useParticipants() — {people.length + 1} in the call with you</caption>
        <thead>
          <tr>
            <th scope="col">identity</th>
            <th scope="col">connectionId</th>
            <th scope="col">role</th>
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.identity}>
              <td>{p.identity}</td>
              <td>
                <code>{p.connectionId}</code>
              </td>
              <td>{p.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <DemoControls actions={['bobJoins', 'bobLeaves']} />
    </Demo>
  );
}

/**
 * `useParticipants()` — everyone in the session except this page, one entry per identity: someone
 * who re-joins (new connection id) or resumes keeps a single entry, never a ghost.
 *
 * ```tsx
 * import { useParticipants } from 'holdfast';
 *
 * function Count() {
 *   return <p>{useParticipants().length + 1} in the call</p>;
 * }
 * ```
 */
const meta = {
  title: 'React/useParticipants',
  render: () => <UseParticipantsDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** alice and carol are here; "bob joins" adds a row. */
export const TwoOthers: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice', 'carol']))],
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByText('useParticipants() — 3 in the call with you'),
    ).toBeInTheDocument();
  },
};
