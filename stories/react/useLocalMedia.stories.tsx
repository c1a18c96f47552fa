import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { useLocalMedia } from '../../src/react/useLocalMedia';
import { withScenario } from '../fixtures/scenario';
import { Demo, ValueTable } from './demo-kit';

function UseLocalMediaDemo() {
  const media = useLocalMedia();
  const { isPublishing, canPublish, audioEnabled, videoEnabled } = media;
  return (
    <Demo>
      <ValueTable title="useLocalMedia()" value={{ isPublishing, canPublish, audioEnabled, videoEnabled }} />
      <div className="holdfast-story-tile">
        <StreamView local mirror={false} />
      </div>
      <fieldset className="hf-demo-controls">
        <legend>Your camera and microphone</legend>
        <button
          type="button"
          className="hf-demo-button"
          disabled={!canPublish}
          onClick={() => void (isPublishing ? media.unpublish() : media.publish()).catch(() => {})}
        >
          {isPublishing ? 'Stop publishing' : 'Publish'}
        </button>
        <button
          type="button"
          className="hf-demo-button"
          disabled={!isPublishing}
          aria-pressed={!videoEnabled}
          onClick={() => media.setVideoEnabled(!videoEnabled)}
        >
          {videoEnabled ? 'Camera off' : 'Camera on'}
        </button>
        <button
          type="button"
          className="hf-demo-button"
          disabled={!isPublishing}
          aria-pressed={!audioEnabled}
          onClick={() => media.setAudioEnabled(!audioEnabled)}
        >
          {audioEnabled ? 'Mute' : 'Unmute'}
        </button>
      </fieldset>
    </Demo>
  );
}

/**
 * `useLocalMedia()` — this page's own media: the published stream, whether camera and microphone are
 * sending, and the actions to change them. Muting does not renegotiate: others see the stream as
 * `muted`, never as frozen. A re-join after a node crash re-publishes the same settings by itself.
 *
 * ```tsx
 * import { useLocalMedia } from 'holdfast';
 *
 * function CameraButton() {
 *   const { videoEnabled, setVideoEnabled } = useLocalMedia();
 *   return <button aria-pressed={!videoEnabled} onClick={() => setVideoEnabled(!videoEnabled)}>Camera</button>;
 * }
 * ```
 *
 * Returns `stream`, `mediaStream`, `isPublishing`, `canPublish` (connected), `audioEnabled`,
 * `videoEnabled`, `publish(options?)`, `unpublish()`, `publishSettings`, `setAudioEnabled(on)`,
 * `setVideoEnabled(on)`. The picture here is a drawn stand-in for a camera.
 */
const meta = {
  title: 'React/useLocalMedia',
  render: () => <UseLocalMediaDemo />,
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Connected and publishing: turn the camera off to see `videoEnabled` change. */
export const Publishing: Story = {
  decorators: [
    withScenario(({ fake }) => {
      fake.connect();
      void fake.publish().catch(() => {});
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('isPublishing')).toBeInTheDocument();
    await expect(canvas.getByRole('button', { name: /Publish|Stop publishing/ })).toBeEnabled();
  },
};
