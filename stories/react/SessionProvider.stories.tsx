import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { ConnectionIndicator } from '../../src/components/ConnectionIndicator/ConnectionIndicator';
import { ReconnectingBanner } from '../../src/components/ReconnectingBanner/ReconnectingBanner';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { useStreamIds } from '../../src/react/useStreamIds';
import { connectedWith, withScenario } from '../fixtures/scenario';
import { Demo, DemoControls } from './demo-kit';

function CallUi() {
  const ids = useStreamIds();
  return (
    <Demo>
      <div className="hf-demo-bar">
        <strong>Team call</strong>
        <ConnectionIndicator showLabel />
      </div>
      <ReconnectingBanner />
      <div className="holdfast-story-grid">
        {ids.map((id) => (
          <StreamView key={id} streamId={id} muted />
        ))}
      </div>
      <DemoControls
        actions={['loseSignaling', 'resume', 'nodeCrash', 'rejoined', 'freezeAlice', 'aliceLive']}
      />
    </Demo>
  );
}

const text = (summary: string) => ({ type: { summary } });

/**
 * `<SessionProvider>` gives its subtree one holdfast session and its store; every hook and component
 * reads the nearest one. In the usual form it creates the session, joins on mount, re-joins by itself
 * after a node crash or a rotation (fetching a fresh token with `getToken`), and leaves on unmount.
 *
 * ```tsx
 * import { SessionProvider, ReconnectingBanner, StreamView, useStreamIds } from 'holdfast';
 * import 'holdfast/styles.css';
 *
 * const getToken = async (sessionId: string, { identity }: { identity: string }) => {
 *   const res = await fetch('/api/holdfast-token', { method: 'POST', body: JSON.stringify({ sessionId, identity }) });
 *   return (await res.json()).token as string;
 * };
 *
 * export function Call() {
 *   return (
 *     <SessionProvider serverUrl="https://rtc.example.com" sessionId="standup" getToken={getToken} publish>
 *       <ReconnectingBanner />
 *       <Grid />
 *     </SessionProvider>
 *   );
 * }
 * function Grid() {
 *   return useStreamIds().map((id) => <StreamView key={id} streamId={id} />);
 * }
 * ```
 *
 * Or around a session the app created itself with `createSession` (`session` prop): the provider then
 * binds the store and never joins or leaves. The live example below is that form, around a fake
 * session driven by the buttons.
 */
const meta = {
  title: 'React/SessionProvider',
  render: () => <CallUi />,
  argTypes: {
    serverUrl: {
      description: 'Base URL of the holdfast server (a cluster node), e.g. `https://rtc.example.com`.',
      table: text('string'),
      control: false,
    },
    sessionId: { description: 'The session to join.', table: text('string'), control: false },
    getToken: {
      description:
        'Fetches a token for `sessionId` bound to `{ identity }` from your backend; called on the first join and on every re-join.',
      table: text('(sessionId: string, context: { identity: string }) => Promise<string>'),
      control: false,
    },
    options: {
      description:
        'More core options, read once when the session is created: `identity`, reconnect policy, `iceServers`, `sessionMigration`, `clock`…',
      table: text('SessionProviderOptions'),
      control: false,
    },
    publish: {
      description:
        'Publish camera and microphone (`true`) or these settings once joined, and again after every re-join.',
      table: { type: { summary: 'boolean | PublishOptions' }, defaultValue: { summary: 'false' } },
      control: false,
    },
    connect: {
      description: 'Join on mount and leave when it turns false (owned sessions only).',
      table: { type: { summary: 'boolean' }, defaultValue: { summary: 'true' } },
      control: false,
    },
    recoveredVisibleMs: {
      description: 'How long the reconnect phase stays `recovered` after an outage.',
      table: { type: { summary: 'number (ms)' }, defaultValue: { summary: '3000' } },
      control: false,
    },
    onError: {
      description: 'Errors of the joins and publishes the provider starts by itself.',
      table: { type: { summary: '(error: unknown) => void' }, defaultValue: { summary: 'console.error' } },
      control: false,
    },
    session: {
      description:
        'Instead of `serverUrl`/`sessionId`/`getToken`: a session the app created with `createSession` (and destroys).',
      table: text('Session'),
      control: false,
    },
    clock: {
      description: 'With `session`: the time source of the store, when the session uses a custom one.',
      table: { type: { summary: 'Clock' }, defaultValue: { summary: 'the system clock' } },
      control: false,
    },
    children: { description: 'Your call UI.', table: text('ReactNode'), control: false },
  },
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** A call UI inside one provider: the indicator, the banner and the tiles all read the same session. */
export const AroundACall: Story = {
  decorators: [withScenario((kit) => connectedWith(kit, ['alice', 'bob']))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('figure', { name: 'Video of alice' })).toBeInTheDocument();
    await expect(canvas.getByRole('figure', { name: 'Video of bob' })).toBeInTheDocument();
  },
};
