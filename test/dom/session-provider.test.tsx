import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, useEffect } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionOptions } from '../../src/core/session/options';
import { FakeSession } from '../../stories/fixtures/fake-session';

const created: { session: FakeSession; options: SessionOptions }[] = [];
/** How the next sessions' `join()` behaves (see FakeSession). */
let onJoin: 'connect' | 'hang' = 'connect';
/** The media the next sessions' `publish()` opens (none: publish rejects, as a refused camera does). */
let localMedia: (() => MediaStream) | undefined;
vi.mock('../../src/core/session/create-session', () => ({
  createSession: (options: SessionOptions) => {
    const session = new FakeSession({
      sessionId: options.sessionId,
      identity: options.identity ?? 'me',
      onJoin,
      ...(localMedia ? { createLocalMedia: localMedia } : {}),
    });
    created.push({ session, options });
    return session;
  },
}));

const {
  MediaToggle,
  ReconnectingBanner,
  SessionProvider,
  useLocalMedia,
  useParticipants,
  useReconnectState,
  useSession,
  useSessionEvent,
  useSessionNotification,
  useStream,
  useStreamIds,
  useStreams,
} = await import('../../src');

/** Lets the provider's deferred release (a microtask) run. */
const flushMicrotasks = () => act(async () => {});

function Status() {
  const { status, connectionId } = useSession();
  return (
    <p>
      status: {status} {connectionId}
    </p>
  );
}

/** Joins in its first effect: before the provider's own effects run. */
function JoinAtOnce() {
  const { join } = useSession();
  useEffect(() => {
    void join();
  }, [join]);
  return null;
}

/** The last `useSession()` result of a mounted `Controls`, for a test to call leave() and join(). */
let controls: { leave(): Promise<void>; join(): Promise<void> } | null = null;
function Controls() {
  controls = useSession();
  return null;
}

/** Turns the camera off in its first effect: before the provider's own effects join. */
function MuteFirst() {
  const { setVideoEnabled } = useLocalMedia();
  useEffect(() => setVideoEnabled(false), [setVideoEnabled]);
  return null;
}

let outsideHook: () => unknown = () => null;
function Outside() {
  outsideHook();
  return null;
}

const getToken = async (sessionId: string) => `token-for-${sessionId}`;
/** The props of a provider that owns its session (the mocked `createSession` makes a FakeSession). */
const OWNED = { serverUrl: 'http://127.0.0.1:1', sessionId: 's1', getToken };

beforeEach(() => {
  created.length = 0;
  onJoin = 'connect';
  localMedia = undefined;
});

describe('SessionProvider', () => {
  it('under StrictMode creates one session, joins it once, and destroys it on unmount with no listener left', async () => {
    const { unmount } = render(
      <StrictMode>
        <SessionProvider {...OWNED}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    await flushMicrotasks();
    expect(created).toHaveLength(1);
    const session = created[0]?.session as FakeSession;
    expect(session.calls.filter((call) => call === 'join')).toHaveLength(1);
    expect(screen.getByText(/status: connected/)).toBeInTheDocument();
    unmount();
    await flushMicrotasks();
    expect(session.destroyed).toBe(true);
    expect(session.listenerCount()).toBe(0);
  });

  it('keeps its one session across re-renders with new props under StrictMode', async () => {
    const { rerender } = render(
      <StrictMode>
        <SessionProvider {...OWNED}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    await flushMicrotasks();
    rerender(
      <StrictMode>
        <SessionProvider serverUrl="http://127.0.0.1:1" sessionId="s1" getToken={async () => 'other'}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    await flushMicrotasks();
    expect(created).toHaveLength(1);
    expect(created[0]?.session.destroyed).toBe(false);
  });

  it('asks the latest getToken prop for tokens', async () => {
    const first = vi.fn(async () => 'first');
    const second = vi.fn(async () => 'second');
    const { rerender } = render(
      <SessionProvider serverUrl="http://127.0.0.1:1" sessionId="s1" getToken={first} connect={false} />,
    );
    rerender(
      <SessionProvider serverUrl="http://127.0.0.1:1" sessionId="s1" getToken={second} connect={false} />,
    );
    await flushMicrotasks();
    await expect(created[0]?.options.getToken('s1', { identity: 'me' })).resolves.toBe('second');
    expect(second).toHaveBeenCalledWith('s1', { identity: 'me' });
    expect(first).not.toHaveBeenCalled();
  });

  it('starts over with a new session when the session id changes', async () => {
    const { rerender } = render(
      <SessionProvider serverUrl="http://127.0.0.1:1" sessionId="a" getToken={getToken} />,
    );
    await flushMicrotasks();
    rerender(<SessionProvider serverUrl="http://127.0.0.1:1" sessionId="b" getToken={getToken} />);
    await flushMicrotasks();
    expect(created.map((c) => c.options.sessionId)).toEqual(['a', 'b']);
    expect(created[0]?.session.destroyed).toBe(true);
    expect(created[1]?.session.state.status).toBe('connected');
  });

  it('joins only when connect turns true, publishes, and leaves when it turns false', async () => {
    const media = {} as MediaStream;
    const props = {
      serverUrl: 'http://127.0.0.1:1',
      sessionId: 's1',
      getToken,
      publish: { mediaStream: media },
    };
    const { rerender } = render(<SessionProvider {...props} connect={false} />);
    await flushMicrotasks();
    const session = created[0]?.session as FakeSession;
    expect(session.calls).toEqual([]);
    rerender(<SessionProvider {...props} connect />);
    await flushMicrotasks();
    expect(session.calls).toEqual(['join', 'publish']);
    expect(session.localStream?.mediaStream).toBe(media);
    rerender(<SessionProvider {...props} connect={false} />);
    await flushMicrotasks();
    expect(session.calls).toEqual(['join', 'publish', 'leave']);
    expect(session.state.status).toBe('disconnected');
  });

  it('opens the camera while the join is in flight, so the stream is there when the links are built', async () => {
    onJoin = 'hang';
    const media = {} as MediaStream;
    const onError = vi.fn();
    render(<SessionProvider {...OWNED} publish={{ mediaStream: media }} onError={onError} />);
    await flushMicrotasks();
    const session = created[0]?.session as FakeSession;
    expect(session.state.status).toBe('connecting');
    expect(session.calls).toEqual(['join', 'publish']);
    expect(session.localStream?.mediaStream).toBe(media);
    act(() => session.connect());
    await flushMicrotasks();
    expect(session.calls).toEqual(['join', 'publish']);
    expect(onError).not.toHaveBeenCalled();
  });

  it("reports a camera refused during the join once joined, and only the join's error when the join fails", async () => {
    onJoin = 'hang';
    const onError = vi.fn();
    // No media in this environment: the fake's publish rejects, as a refused camera does.
    const props = { serverUrl: 'http://127.0.0.1:1', getToken, publish: true, onError };
    render(<SessionProvider {...props} sessionId="joins" />);
    await flushMicrotasks();
    const joins = created[0]?.session as FakeSession;
    expect(joins.calls).toEqual(['join', 'publish']);
    expect(onError).not.toHaveBeenCalled();
    act(() => joins.connect());
    await flushMicrotasks();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]?.[0])).toMatch(/no local media/);

    onError.mockClear();
    render(<SessionProvider {...props} sessionId="fails" />);
    await flushMicrotasks();
    const fails = created[1]?.session as FakeSession;
    act(() => fails.disconnect('networkDisconnect'));
    await flushMicrotasks();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]?.[0])).toMatch(/the join ended/);
  });

  it("publishes the provider's settings for a join a child starts in its first effect (before the provider's own effects), while it is in flight", async () => {
    const session = new FakeSession({ onJoin: 'hang' });
    const media = {} as MediaStream;
    render(
      <SessionProvider session={session} publish={{ mediaStream: media }}>
        <JoinAtOnce />
      </SessionProvider>,
    );
    await flushMicrotasks();
    expect(session.state.status).toBe('connecting');
    expect(session.calls).toEqual(['join', 'publish']);
    expect(session.localStream?.mediaStream).toBe(media);
  });

  it('publishes settings that came while the join was in flight once it is through', async () => {
    onJoin = 'hang';
    const media = {} as MediaStream;
    const props = OWNED;
    const { rerender } = render(<SessionProvider {...props} />);
    await flushMicrotasks();
    const session = created[0]?.session as FakeSession;
    expect(session.calls).toEqual(['join']);
    rerender(<SessionProvider {...props} publish={{ mediaStream: media }} />);
    await flushMicrotasks();
    act(() => session.connect());
    await flushMicrotasks();
    expect(session.calls).toEqual(['join', 'publish']);
    expect(session.localStream?.mediaStream).toBe(media);
  });

  it('keeps the camera off through Leave → Join and Rejoin once the user turned it off, and the toggle turns it on again', async () => {
    const media = {} as MediaStream;
    const user = userEvent.setup();
    render(
      <SessionProvider {...OWNED} publish={{ mediaStream: media }}>
        <Controls />
        <MediaToggle kind="video" />
        <ReconnectingBanner />
      </SessionProvider>,
    );
    await flushMicrotasks();
    const session = created[0]?.session as FakeSession;
    const camera = screen.getByRole('button', { name: 'Camera' });
    expect(session.localStream?.properties.videoActive).toBe(true);
    await user.click(camera);
    expect(session.localStream?.properties.videoActive).toBe(false);

    await act(() => controls?.leave() as Promise<void>);
    expect(session.localStream).toBeNull();
    await act(() => controls?.join() as Promise<void>);
    await flushMicrotasks();
    expect(session.localStream?.properties).toMatchObject({ videoActive: false, audioActive: true });
    expect(camera).toHaveAttribute('aria-pressed', 'false');

    // Evicted, then the banner's Rejoin: still off.
    act(() => session.disconnect('networkDisconnect'));
    await user.click(await screen.findByRole('button', { name: 'Rejoin' }));
    await flushMicrotasks();
    expect(session.state.status).toBe('connected');
    expect(session.localStream?.properties.videoActive).toBe(false);

    await user.click(camera);
    expect(session.localStream?.properties.videoActive).toBe(true);
    await act(() => controls?.leave() as Promise<void>);
    await act(() => controls?.join() as Promise<void>);
    await flushMicrotasks();
    expect(session.localStream?.properties.videoActive).toBe(true);
  });

  it('a MediaToggle click whose publish fails (camera refused) tells the provider’s onError, as the join’s own publish does', async () => {
    const onError = vi.fn();
    const user = userEvent.setup();
    render(
      <SessionProvider {...OWNED} publish onError={onError}>
        <MediaToggle kind="video" />
      </SessionProvider>,
    );
    await flushMicrotasks();
    // No media in this environment: the fake's publish rejects, as a refused camera does.
    expect(onError).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Camera' }));
    await flushMicrotasks();
    expect(onError).toHaveBeenCalledTimes(2);
    expect(String(onError.mock.calls[1]?.[0])).toMatch(/no local media/);
  });

  it('a publish that opened the camera but not the microphone tells onError which device is missing', async () => {
    // The fake opens a stream with video and no audio, as getUserMedia's fallback does without a microphone.
    localMedia = () => ({}) as MediaStream;
    const onError = vi.fn();
    render(<SessionProvider {...OWNED} publish onError={onError} />);
    await flushMicrotasks();
    const session = created[0]?.session as FakeSession;
    expect(session.localStream?.properties).toMatchObject({ hasVideo: true, hasAudio: false });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]?.[0])).toMatch(/the microphone could not be opened/);
  });

  it('a camera turned off before the join is off from the first publish', async () => {
    const media = {} as MediaStream;
    render(
      <SessionProvider {...OWNED} publish={{ mediaStream: media }}>
        <MuteFirst />
      </SessionProvider>,
    );
    await flushMicrotasks();
    const session = created[0]?.session as FakeSession;
    expect(session.calls).toEqual(['join', 'publish']);
    expect(session.localStream?.properties.videoActive).toBe(false);
  });

  it('shows an app-owned session from the first render and never joins, leaves or destroys it', async () => {
    const session = new FakeSession();
    session.connect('conn-app');
    const { unmount } = render(
      <StrictMode>
        <SessionProvider session={session}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    expect(screen.getByText('status: connected conn-app')).toBeInTheDocument();
    unmount();
    await flushMicrotasks();
    expect(session.calls).toEqual([]);
    expect(session.destroyed).toBe(false);
    expect(session.listenerCount()).toBe(0);
  });

  it.each([
    ['useSession', () => useSession()],
    ['useReconnectState', () => useReconnectState()],
    ['useStreams', () => useStreams()],
    ['useStreamIds', () => useStreamIds()],
    ['useStream', () => useStream('x')],
    ['useParticipants', () => useParticipants()],
    ['useLocalMedia', () => useLocalMedia()],
    ['useSessionNotification', () => useSessionNotification()],
    ['useSessionEvent', () => useSessionEvent('signal', () => {})],
  ])('%s throws a clear error outside a provider', (name, hook) => {
    outsideHook = hook;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<Outside />)).toThrow(`holdfast: ${name}() must be used inside <SessionProvider>`);
  });
});
