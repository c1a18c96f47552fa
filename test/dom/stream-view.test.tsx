import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type ReactNode, StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamView } from '../../src/components/StreamView/StreamView';
import { SessionProvider } from '../../src/react/SessionProvider';
import { useStreamIds } from '../../src/react/useStreamIds';
import { FakeSession } from '../../stories/fixtures/fake-session';

/** jsdom has no MediaStream; an event target with an id is all the tile needs. */
class FakeMediaStream extends EventTarget {
  constructor(readonly id: string) {
    super();
  }
}
const stream = (id: string) => new FakeMediaStream(id) as unknown as MediaStream;

type PlayPolicy = (element: HTMLMediaElement) => Promise<void>;
function setPlayPolicy(policy: PlayPolicy) {
  return vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
    return policy(this);
  });
}
const notAllowed = () => Promise.reject(new DOMException('blocked', 'NotAllowedError'));

function renderInCall(session: FakeSession, children: ReactNode) {
  return render(
    <StrictMode>
      <SessionProvider session={session}>{children}</SessionProvider>
    </StrictMode>,
  );
}

function renderTile(session: FakeSession, props: { muted?: boolean } = {}) {
  return renderInCall(session, <StreamView streamId="stream-alice" {...props} />);
}

/** A grid as apps write it: one tile per stream id, keyed by it; notes each render's ids. */
function Grid({ renders }: { renders: string[] }) {
  const ids = useStreamIds();
  renders.push(ids.length === 0 ? 'empty' : ids.join(','));
  if (ids.length === 0) return <p>Nobody else is publishing yet.</p>;
  return ids.map((id) => <StreamView key={id} streamId={id} />);
}

afterEach(() => vi.restoreAllMocks());

describe('StreamView', () => {
  it('keeps the same video element through frozen, recovering, a new media stream and back to live', async () => {
    setPlayPolicy(async () => {});
    const session = new FakeSession();
    session.connect();
    const first = stream('first');
    session.addStream('alice', { mediaStream: first });
    const { container } = renderTile(session);
    const video = container.querySelector('video') as HTMLVideoElement;
    expect(video.srcObject).toBe(first);
    const tile = screen.getByRole('figure', { name: 'Video of alice' });

    act(() => session.setHealth('stream-alice', 'frozen'));
    expect(tile).toHaveAttribute('data-holdfast-health', 'frozen');
    act(() => session.setHealth('stream-alice', 'recovering'));
    const second = stream('second');
    act(() => session.updateStream('stream-alice', { mediaStream: second }));
    act(() => session.setHealth('stream-alice', 'live'));

    expect(container.querySelector('video')).toBe(video);
    expect(video.srcObject).toBe(second);
    expect(tile).toHaveAttribute('data-holdfast-health', 'live');
    await waitFor(() => expect(tile).toHaveAttribute('data-holdfast-playback', 'playing'));
  });

  it('plays again when a repair adds tracks to the same media stream', async () => {
    const play = setPlayPolicy(async () => {});
    const session = new FakeSession();
    session.connect();
    const media = stream('same');
    session.addStream('alice', { mediaStream: media });
    renderTile(session);
    const before = play.mock.calls.length;
    act(() => void media.dispatchEvent(new Event('addtrack')));
    expect(play.mock.calls.length).toBe(before + 1);
  });

  it('when sound is blocked, plays muted and offers "Turn on sound", which unmutes on click', async () => {
    let gesture = false;
    setPlayPolicy((element) => (element.muted || gesture ? Promise.resolve() : notAllowed()));
    const session = new FakeSession();
    session.connect();
    session.addStream('alice', { mediaStream: stream('m') });
    const { container } = renderTile(session);
    const button = await screen.findByRole('button', { name: 'Turn on sound of alice' });
    const video = container.querySelector('video') as HTMLVideoElement;
    expect(video.muted).toBe(true);
    expect(screen.getByRole('figure')).toHaveAttribute('data-holdfast-playback', 'audioBlocked');
    gesture = true;
    await userEvent.click(button);
    await waitFor(() => expect(screen.queryByRole('button')).toBeNull());
    expect(video.muted).toBe(false);
    expect(screen.getByRole('figure')).toHaveAttribute('data-holdfast-playback', 'playing');
  });

  it('when all playback is blocked, offers "Play video"', async () => {
    let gesture = false;
    setPlayPolicy(() => (gesture ? Promise.resolve() : notAllowed()));
    const session = new FakeSession();
    session.connect();
    session.addStream('alice', { mediaStream: stream('m') });
    renderTile(session);
    const button = await screen.findByRole('button', { name: 'Play video of alice' });
    expect(screen.getByRole('figure')).toHaveAttribute('data-holdfast-playback', 'blocked');
    gesture = true;
    await userEvent.click(button);
    await waitFor(() =>
      expect(screen.getByRole('figure')).toHaveAttribute('data-holdfast-playback', 'playing'),
    );
  });

  it('shows a camera turned off as muted, not frozen, even if the stats say frozen', () => {
    setPlayPolicy(async () => {});
    const session = new FakeSession();
    session.connect();
    session.addStream('alice', { mediaStream: stream('m'), videoActive: false, health: 'frozen' });
    renderTile(session);
    expect(screen.getByRole('status', { name: 'alice: Camera off' })).toBeInTheDocument();
    expect(screen.queryByText('Video frozen')).toBeNull();
  });

  it('stays mounted (empty) when its stream goes away, and detaches the media', () => {
    setPlayPolicy(async () => {});
    const session = new FakeSession();
    session.connect();
    session.addStream('alice', { mediaStream: stream('m') });
    const { container } = renderTile(session);
    const video = container.querySelector('video') as HTMLVideoElement;
    act(() => session.removeStream('stream-alice'));
    expect(container.querySelector('video')).toBe(video);
    expect(video.srcObject).toBeNull();
    expect(screen.getByRole('figure')).toHaveAttribute('data-holdfast-health', 'gone');
  });

  it('a grid keyed by stream id keeps the same tile and video through a re-join, shown recovering meanwhile, never empty', async () => {
    setPlayPolicy(async () => {});
    const session = new FakeSession();
    session.connect();
    const media = stream('m');
    session.addStream('alice', { mediaStream: media });
    const renders: string[] = [];
    const { container } = renderInCall(session, <Grid renders={renders} />);
    const tile = screen.getByRole('figure', { name: 'Video of alice' });
    const video = container.querySelector('video') as HTMLVideoElement;

    // What the core does on a re-join: the stream is kept (same id) as recovering, then adopted under
    // the publisher's new connection and live again once its link decodes.
    act(() => {
      session.startRejoin('nodeCrashed');
      session.setHealth('stream-alice', 'recovering');
    });
    expect(tile).toHaveAttribute('data-holdfast-health', 'recovering');
    expect(screen.getByRole('status', { name: 'alice: Reconnecting video…' })).toBeInTheDocument();
    act(() => {
      session.finishRejoin();
      const back = session.addParticipant('alice');
      session.updateStream('stream-alice', { connectionId: back.connectionId });
      session.setHealth('stream-alice', 'live');
    });

    expect(screen.getByRole('figure', { name: 'Video of alice' })).toBe(tile);
    expect(container.querySelector('video')).toBe(video);
    expect(video.srcObject).toBe(media);
    expect(tile).toHaveAttribute('data-holdfast-health', 'live');
    expect(renders).not.toContain('empty');
  });
});
