import {
  ConnectionIndicator,
  ReconnectingBanner,
  SessionProvider,
  StreamView,
  useSession,
  useStreamIds,
} from 'holdfast';
import { useState } from 'react';

const params = new URLSearchParams(window.location.search);
const serverUrl = params.get('server') ?? 'http://127.0.0.1:4000';
const sessionId = params.get('session') ?? 'consumer';
const name = params.get('name') ?? 'guest';

/** The app backend's token endpoint; here the dev server's `/dev/token`. */
async function getToken(id) {
  const response = await fetch(`${serverUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: id, data: name }),
  });
  if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
  return (await response.json()).token;
}

function Remotes() {
  const ids = useStreamIds();
  return ids.map((id) => <StreamView key={id} streamId={id} muted />);
}

function Status() {
  const { status, connectionId } = useSession();
  return (
    <p data-testid="status">
      {status} {connectionId ?? ''}
    </p>
  );
}

export function App() {
  const [inCall, setInCall] = useState(true);
  return (
    <main>
      <button type="button" onClick={() => setInCall(!inCall)}>
        {inCall ? 'Hang up' : 'Call again'}
      </button>
      {inCall ? (
        <SessionProvider
          serverUrl={serverUrl}
          sessionId={sessionId}
          getToken={getToken}
          options={{ identity: name }}
          publish
        >
          <ConnectionIndicator showLabel />
          <Status />
          <ReconnectingBanner />
          <StreamView local />
          <Remotes />
        </SessionProvider>
      ) : null}
    </main>
  );
}
