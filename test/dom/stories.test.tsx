import { composeStories } from '@storybook/react-vite';
import { render } from '@testing-library/react';
import { type FunctionComponent, StrictMode } from 'react';
import { describe, it } from 'vitest';
import * as ConnectionIndicator from '../../stories/ConnectionIndicator.stories';
import * as FrozenStreamOverlay from '../../stories/FrozenStreamOverlay.stories';
import * as MediaToggle from '../../stories/MediaToggle.stories';
import * as ReconnectingBanner from '../../stories/ReconnectingBanner.stories';
import * as SessionNotice from '../../stories/SessionNotice.stories';
import * as StreamView from '../../stories/StreamView.stories';

/**
 * Every visual state of every component (one story each) rendered under <StrictMode> in jsdom, with the
 * story's own checks of roles, accessible names and data-holdfast-* state. The same stories run in real
 * Chromium in the `storybook` project.
 */
const MODULES = {
  ConnectionIndicator,
  FrozenStreamOverlay,
  MediaToggle,
  ReconnectingBanner,
  SessionNotice,
  StreamView,
};

/** What this test uses of a composed story. */
type PortableStory = FunctionComponent & {
  play?: (context: { canvasElement: HTMLElement }) => Promise<void>;
};

// Canvas capture does not exist in jsdom, and jsdom implements no media playback.
const JSDOM_LIMITED = new Set(['StreamView/SoundBlocked']);

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
