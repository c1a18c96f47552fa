import { composeStories } from '@storybook/react-vite';
import { render } from '@testing-library/react';
import { type FunctionComponent, StrictMode } from 'react';
import { describe, it } from 'vitest';
import * as ConnectionIndicator from '../../stories/ConnectionIndicator.stories';
import * as FrozenStreamOverlay from '../../stories/FrozenStreamOverlay.stories';
import * as MediaToggle from '../../stories/MediaToggle.stories';
import * as ReconnectingBanner from '../../stories/ReconnectingBanner.stories';
import * as SessionProviderPage from '../../stories/react/SessionProvider.stories';
import * as UseLocalMediaPage from '../../stories/react/useLocalMedia.stories';
import * as UseParticipantsPage from '../../stories/react/useParticipants.stories';
import * as UseReconnectStatePage from '../../stories/react/useReconnectState.stories';
import * as UseSessionPage from '../../stories/react/useSession.stories';
import * as UseSessionEventPage from '../../stories/react/useSessionEvent.stories';
import * as UseSessionNotificationPage from '../../stories/react/useSessionNotification.stories';
import * as UseSessionStorePage from '../../stories/react/useSessionStore.stories';
import * as UseStreamPage from '../../stories/react/useStream.stories';
import * as UseStreamIdsPage from '../../stories/react/useStreamIds.stories';
import * as UseStreamsPage from '../../stories/react/useStreams.stories';
import * as UseWholeSecondsPage from '../../stories/react/useWholeSeconds.stories';
import * as SessionNotice from '../../stories/SessionNotice.stories';
import * as StreamView from '../../stories/StreamView.stories';

/**
 * Every visual state of every component (one story each), and the live example of every provider and
 * hook page, rendered under <StrictMode> in jsdom, with the story's own checks of roles, accessible
 * names and data-holdfast-* state. The same stories run in real Chromium in the `storybook` project.
 */
const MODULES = {
  ConnectionIndicator,
  FrozenStreamOverlay,
  MediaToggle,
  ReconnectingBanner,
  SessionNotice,
  StreamView,
  'React/SessionProvider': SessionProviderPage,
  'React/useSession': UseSessionPage,
  'React/useReconnectState': UseReconnectStatePage,
  'React/useStreams': UseStreamsPage,
  'React/useStreamIds': UseStreamIdsPage,
  'React/useStream': UseStreamPage,
  'React/useParticipants': UseParticipantsPage,
  'React/useLocalMedia': UseLocalMediaPage,
  'React/useSessionEvent': UseSessionEventPage,
  'React/useSessionNotification': UseSessionNotificationPage,
  'React/useWholeSeconds': UseWholeSecondsPage,
  'React/useSessionStore': UseSessionStorePage,
};

/** What this test uses of a composed story. */
type PortableStory = FunctionComponent & {
  play?: (context: { canvasElement: HTMLElement }) => Promise<void>;
};

// Canvas capture does not exist in jsdom, and jsdom implements no media playback.
const JSDOM_LIMITED = new Set(['StreamView/SoundBlocked', 'StreamView/SoundTurnedOnByClick']);

for (const [component, module] of Object.entries(MODULES)) {
  describe(component, () => {
    const stories = Object.entries(composeStories(module)) as [string, PortableStory][];
    for (const [name, Story] of stories) {
      const test = JSDOM_LIMITED.has(`${component}/${name}`) ? it.skip : it;
      test(`${name}: every role, name and state the story shows`, async () => {
        const { container } = render(
          <StrictMode>
            <Story />
          </StrictMode>,
        );
        await Story.play?.({ canvasElement: container });
      });
    }
  });
}
