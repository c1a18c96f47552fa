import { act, renderHook } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { RemoteStream } from '../../src/core/media/types';
import { SessionProvider } from '../../src/react/SessionProvider';
import { useLocalMedia } from '../../src/react/useLocalMedia';
import { useParticipants } from '../../src/react/useParticipants';
import { useReconnectState } from '../../src/react/useReconnectState';
import { useSession } from '../../src/react/useSession';
import { useSessionEvent } from '../../src/react/useSessionEvent';
import { useStream } from '../../src/react/useStream';
import { useStreams } from '../../src/react/useStreams';
import { FakeSession } from '../../stories/fixtures/fake-session';

function harness() {
  const session = new FakeSession();
  session.connect('conn-me');
  const wrapper = ({ children }: { children: ReactNode }) => (
    <StrictMode>
      <SessionProvider session={session}>{children}</SessionProvider>
    </StrictMode>
  );
  return { session, wrapper };
}

describe('hooks', () => {
  it('useSession gives the state and stable actions that reach the session', async () => {
    const { session, wrapper } = harness();
    const { result, rerender } = renderHook(() => useSession(), { wrapper });
    expect(result.current).toMatchObject({ status: 'connected', connectionId: 'conn-me', identity: 'me' });
    expect(result.current.session).toBe(session);
    const { leave } = result.current;
    rerender();
    expect(result.current.leave).toBe(leave);
    result.current.reconnectNow();
    await act(() => result.current.leave());
    expect(session.calls).toEqual(['reconnectNow', 'leave']);
    expect(result.current.status).toBe('disconnected');
  });

  it('useSessionEvent calls the latest handler and unsubscribes on unmount', () => {
    const { session, wrapper } = harness();
    const first = vi.fn();
    const second = vi.fn();
    const { rerender, unmount } = renderHook(({ handler }) => useSessionEvent('signal', handler), {
      wrapper,
      initialProps: { handler: first },
    });
    rerender({ handler: second });
    act(() => session.emit('signal', { type: 'chat', data: 'hi', from: null }));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledExactlyOnceWith({ type: 'chat', data: 'hi', from: null });
    unmount();
    act(() => session.emit('signal', { type: 'chat', data: 'again', from: null }));
    expect(second).toHaveBeenCalledOnce();
  });

  it('useStreams filters by fields or predicate and keeps the array while nothing listed changes', () => {
    const { session, wrapper } = harness();
    session.addStream('alice');
    session.addStream('bob', { typeOfVideo: 'SCREEN' });
    const { result } = renderHook(
      () => ({
        all: useStreams(),
        screens: useStreams((s: RemoteStream) => s.typeOfVideo === 'SCREEN'),
        troubled: useStreams({ health: ['frozen', 'recovering'] }),
      }),
      { wrapper },
    );
    expect(result.current.all.map((s) => s.identity)).toEqual(['alice', 'bob']);
    expect(result.current.screens.map((s) => s.identity)).toEqual(['bob']);
    expect(result.current.troubled).toEqual([]);
    const screens = result.current.screens;
    act(() => session.setHealth('stream-alice', 'frozen'));
    expect(result.current.troubled.map((s) => s.identity)).toEqual(['alice']);
    expect(result.current.screens).toBe(screens);
  });

  it('useStream follows one stream and becomes null when it goes', () => {
    const { session, wrapper } = harness();
    session.addStream('alice');
    const { result } = renderHook(() => useStream('stream-alice'), { wrapper });
    expect(result.current?.health).toBe('live');
    act(() => session.setHealth('stream-alice', 'recovering'));
    expect(result.current?.health).toBe('recovering');
    act(() => session.removeStream('stream-alice', 'networkDisconnect'));
    expect(result.current).toBeNull();
  });

  it('useParticipants lists one entry per identity, also when it comes back on a new connection', () => {
    const { session, wrapper } = harness();
    const { result } = renderHook(() => useParticipants(), { wrapper });
    act(() => void session.addParticipant('alice'));
    act(() => void session.addParticipant('alice'));
    act(() => void session.addParticipant('bob'));
    expect(result.current.map((p) => p.identity)).toEqual(['alice', 'bob']);
  });

  it('useLocalMedia publishes and mutes through the session', async () => {
    const { session, wrapper } = harness();
    const { result } = renderHook(() => useLocalMedia(), { wrapper });
    expect(result.current.isPublishing).toBe(false);
    const media = {} as MediaStream;
    await act(() => result.current.publish({ mediaStream: media }));
    expect(result.current).toMatchObject({ isPublishing: true, mediaStream: media, videoEnabled: true });
    act(() => result.current.setVideoEnabled(false));
    expect(result.current.videoEnabled).toBe(false);
    expect(session.localStream?.properties.videoActive).toBe(false);
  });

  it('useReconnectState re-renders only when the reconnect state changes', () => {
    const { session, wrapper } = harness();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        return useReconnectState();
      },
      { wrapper },
    );
    const before = renders;
    act(() => session.emit('signal', { type: 'x', data: null, from: null }));
    act(() => void session.addParticipant('alice'));
    expect(renders).toBe(before);
    act(() => session.loseSignaling());
    expect(result.current.phase).toBe('reconnecting');
    expect(renders).toBeGreaterThan(before);
  });
});
