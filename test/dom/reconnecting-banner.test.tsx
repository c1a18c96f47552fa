import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionIndicator } from '../../src/components/ConnectionIndicator/ConnectionIndicator';
import { ReconnectingBanner } from '../../src/components/ReconnectingBanner/ReconnectingBanner';
import { SessionNotice } from '../../src/components/SessionNotice/SessionNotice';
import { SessionProvider } from '../../src/react/SessionProvider';
import { FakeSession } from '../../stories/fixtures/fake-session';
import { ManualClock } from '../../stories/fixtures/manual-clock';

function setup(onLeave?: () => void) {
  const clock = new ManualClock();
  const session = new FakeSession({ clock });
  session.connect();
  render(
    <StrictMode>
      <SessionProvider session={session} clock={clock}>
        <ReconnectingBanner onLeave={onLeave} />
        <ConnectionIndicator />
        <SessionNotice />
      </SessionProvider>
    </StrictMode>,
  );
  return { clock, session, status: () => screen.getAllByRole('status')[0] as HTMLElement };
}

describe('ReconnectingBanner', () => {
  it('walks a signaling outage: attempt and elapsed time tick, "Retry now" skips the wait, "Reconnected" then empty', async () => {
    const user = userEvent.setup();
    const { clock, session, status } = setup();
    expect(status()).toBeEmptyDOMElement();
    act(() => session.loseSignaling());
    expect(status()).toHaveTextContent('Connection lost. Reconnecting… Attempt 1');
    expect(screen.getByRole('timer')).toHaveTextContent('0 s');
    expect(screen.getByRole('img', { name: 'Connection: reconnecting' })).toBeInTheDocument();

    act(() => clock.advance(3000));
    expect(screen.getByRole('timer', { name: '3 seconds' })).toBeInTheDocument();
    act(() => session.retry(2));
    expect(status()).toHaveTextContent('Attempt 2');

    await user.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(session.calls).toContain('reconnectNow');

    act(() => clock.advance(1000));
    act(() => session.resume());
    expect(status()).toHaveTextContent('Reconnected after 4 s');
    expect(screen.queryByRole('timer')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
    act(() => clock.advance(3000));
    expect(status()).toBeEmptyDOMElement();
    expect(screen.getByRole('img', { name: 'Connection: connected' })).toBeInTheDocument();
  });

  it('offers Rejoin (joining again) and Leave once disconnected, assertively', async () => {
    const user = userEvent.setup();
    const onLeave = vi.fn();
    const { session, status } = setup(onLeave);
    act(() => session.disconnect('networkDisconnect'));
    expect(status()).toHaveAttribute('aria-live', 'assertive');
    await user.click(screen.getByRole('button', { name: 'Leave' }));
    expect(onLeave).toHaveBeenCalledOnce();
    await user.click(screen.getByRole('button', { name: 'Rejoin' }));
    expect(session.calls).toContain('join');
    expect(status()).toBeEmptyDOMElement();
  });

  it.each([
    ['SIGNALING_UNREACHABLE', 'The server could not be reached.'],
    ['TOKEN_FETCH_FAILED', 'Could not get permission to join.'],
    ['SESSION_FULL', 'The call is full.'],
    ['SESSION_CLOSED', 'This call has ended or does not exist.'],
    ['TOKEN_INVALID', 'Access to this call was refused.'],
    ['INTERNAL', 'The server said: boom'],
  ] as const)(
    'a first join that failed with %s says why, assertively, and "Try again" joins again',
    async (code, detail) => {
      const user = userEvent.setup();
      const onLeave = vi.fn();
      const { clock, session, status } = setup(onLeave);
      act(() =>
        session.setState({
          status: 'idle',
          joinFailure: { error: { code, message: 'boom' }, at: clock.now() },
        }),
      );
      expect(status()).toHaveTextContent(`Could not join the call. ${detail}`);
      expect(status()).toHaveAttribute('aria-live', 'assertive');
      expect(screen.getByRole('img', { name: 'Connection: could not join' })).toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Leave' }));
      expect(onLeave).toHaveBeenCalledOnce();
      await user.click(screen.getByRole('button', { name: 'Try again' }));
      expect(session.calls).toContain('join');
      expect(session.state.status).toBe('connected');
      expect(status()).toBeEmptyDOMElement();
    },
  );

  it('says what a rotation does: the notice with a countdown, moving, then moved', () => {
    const { clock, session, status } = setup();
    act(() => session.notifyRotation(clock.now() + 10_000));
    expect(screen.getByRole('timer', { name: '10 seconds left' })).toBeInTheDocument();
    act(() => clock.advance(4000));
    expect(screen.getByRole('timer', { name: '6 seconds left' })).toBeInTheDocument();
    act(() => session.startMigration(clock.now() + 6000));
    expect(status()).toHaveTextContent('Moving you to another server…');
    act(() => session.finishMigration());
    expect(status()).toHaveTextContent('Moved to another server');
    expect(screen.queryByText(/Scheduled server maintenance/)).toBeNull();
  });

  it('stops every timer it started when unmounted', () => {
    const clock = new ManualClock();
    const session = new FakeSession({ clock });
    session.connect();
    session.loseSignaling();
    const { unmount } = render(
      <SessionProvider session={session} clock={clock}>
        <ReconnectingBanner />
      </SessionProvider>,
    );
    expect(clock.pending).toBeGreaterThan(0);
    unmount();
    expect(clock.pending).toBe(0);
  });
});
