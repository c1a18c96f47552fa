import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { useStreams } from '../../src/react/useStreams';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls } from './demo-kit';

function UseStreamsDemo() {
  const streams = useStreams();
  const troubled = useStreams({ health: ['frozen', 'recovering'] });
  return (
    <Demo>
      <table className="hf-demo-table">
        <caption>useStreams() — {streams.length} remote streams</caption>
        <thead>
          <tr>
            <th scope="col">identity</th>
            <th scope="col">health</th>
            <th scope="col">video</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((s) => (
            <tr key={s.streamId}>
              <td>{s.identity}</td>
              <td>
                <code>{s.health}</code>
              </td>
              <td>{s.videoActive ? 'on' : 'off'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hf-demo-note">
        <code>{"useStreams({ health: ['frozen', 'recovering'] })"}</code>:{' '}
        {troubled.length === 0 ? 'none' : troubled.map((s) => s.identity).join(', ')}
      </p>
      <div className="holdfast-story-grid">
        {streams.map((s) => (
          <StreamView key={s.streamId} streamId={s.streamId} muted />
        ))}
      </div>
      <DemoControls actions={['freezeAlice', 'aliceLive', 'bobJoins', 'bobLeaves']} />
    </Demo>
  );
}

/**
 * `useStreams(filter?)` — the remote streams (with their `health` and `mediaStream`), in arrival
 * order, optionally filtered. A stream keeps its entry (and its `<video>`) through reconnects,
 * repairs and re-joins.
 *
 * ```tsx
 * import { StreamView, useStreams } from 'holdfast';
 *
 * function Grid() {
 *   const streams = useStreams();
 *   return streams.map((s) => <StreamView key={s.streamId} streamId={s.streamId} />);
 * }
 * const frozen = useStreams({ health: ['frozen', 'recovering'] });
 * const screens = useStreams((s) => s.typeOfVideo === 'SCREEN');
 * ```
 *
 * `filter` is a predicate or fields that must all match: `identity`, `connectionId`, `health` (one or
 * a list of `live`, `frozen`, `recovering`, `muted`), `typeOfVideo`, `hasVideo`, `hasAudio`. The array
 * keeps its reference while its streams do. For large grids prefer `useStreamIds()` with one
 * `<StreamView streamId>` per id, so only the tile that changed renders.
 */
const meta = {
  title: 'React/useStreams',
  render: () => <UseStreamsDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Two people publishing; freeze alice's video to see her health change and the filter pick her. */
export const TwoStreams: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice', 'carol']))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('useStreams() — 2 remote streams')).toBeInTheDocument();
  },
};

/** alice's video froze: her stream reads `frozen` and the health filter returns her. */
export const OneFrozen: Story = {
  decorators: [
    withScenario((kit) => {
      connectedWith(kit, ['alice', 'carol']);
      kit.fake.setHealth('stream-alice', 'frozen');
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('frozen', { selector: 'code' })).toBeInTheDocument();
  },
};
