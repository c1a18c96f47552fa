import { act, render, screen } from '@testing-library/react';
import { memo, Profiler, type ProfilerOnRenderCallback, StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { ReconnectingBanner } from '../../src/components/ReconnectingBanner/ReconnectingBanner';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { SessionProvider } from '../../src/react/SessionProvider';
import { useStreamIds } from '../../src/react/useStreamIds';
import { FakeSession } from '../../stories/fixtures/fake-session';

const STREAMS = 50;

const commits: string[] = [];
const onRender: ProfilerOnRenderCallback = (id) => {
  commits.push(id);
};

// A Profiler reports every commit inside it (and is itself re-rendered with its parent), so each
// tile's Profiler sits behind a memo boundary and the grid counts its own renders.
const Tile = memo(function Tile({ id }: { id: string }) {
  return (
    <Profiler id={id} onRender={onRender}>
      <StreamView streamId={id} muted />
    </Profiler>
  );
});
function Grid() {
  const ids = useStreamIds();
  commits.push('grid');
  return ids.map((id) => <Tile key={id} id={id} />);
}

describe('render isolation', () => {
  it(`a health change of one of ${STREAMS} streams re-renders only that tile and the banner`, () => {
    const session = new FakeSession();
    session.connect();
    for (let i = 0; i < STREAMS; i += 1) session.addStream(`p${i}`);
    render(
      <StrictMode>
        <SessionProvider session={session}>
          <Profiler id="banner" onRender={onRender}>
            <ReconnectingBanner />
          </Profiler>
          <Grid />
        </SessionProvider>
      </StrictMode>,
    );
    expect(screen.getAllByRole('figure')).toHaveLength(STREAMS);
    expect(new Set(commits)).toContain('stream-p0');

    commits.length = 0;
    act(() => session.setHealth('stream-p17', 'frozen'));
    expect(new Set(commits)).toEqual(new Set(['stream-p17', 'banner']));
    expect(screen.getByRole('status', { name: 'p17: Video frozen' })).toBeInTheDocument();
    expect(screen.getByText('Restoring a frozen video…')).toBeInTheDocument();

    // A change the banner does not show (a second stream muted on purpose) re-renders only that tile.
    commits.length = 0;
    act(() => session.setHealth('stream-p3', 'muted'));
    expect(new Set(commits)).toEqual(new Set(['stream-p3']));

    // A stream coming or going re-renders the grid (its id list), not the other tiles.
    commits.length = 0;
    act(() => session.addStream('late'));
    expect(new Set(commits)).toEqual(new Set(['grid', 'stream-late']));
  });
});
