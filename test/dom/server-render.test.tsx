// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import {
  ConnectionIndicator,
  MediaToggle,
  ReconnectingBanner,
  SessionNotice,
  SessionProvider,
  StreamView,
  useParticipants,
  useSession,
  useStreamIds,
} from '../../src';

function CallUi() {
  const { status } = useSession();
  const ids = useStreamIds();
  const people = useParticipants();
  return (
    <main>
      <p>{`${status} · ${people.length} others`}</p>
      <ReconnectingBanner onLeave={() => {}} />
      <ConnectionIndicator showLabel />
      <SessionNotice />
      <StreamView local />
      {ids.map((id) => (
        <StreamView key={id} streamId={id} />
      ))}
      <MediaToggle kind="video" />
    </main>
  );
}

describe('server render', () => {
  it('renders a provider tree with renderToString on Node, without window and without connecting', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const getToken = vi.fn(async () => 'token');
    const html = renderToString(
      <SessionProvider serverUrl="http://127.0.0.1:1" sessionId="ssr" getToken={getToken} publish>
        <CallUi />
      </SessionProvider>,
    );
    expect(html).toContain('idle · 0 others');
    expect(html).toContain('data-holdfast-banner=""');
    expect(html).toContain('data-holdfast-phase="idle"');
    expect(html).toContain('aria-label="Connection: not connected"');
    expect(html).toContain('aria-label="Your video"');
    expect(getToken).not.toHaveBeenCalled();
  });
});
