import {
  ConnectionIndicator,
  MediaToggle,
  ReconnectingBanner,
  SessionProvider,
  StreamView,
  useSession,
  useSessionEvent,
  useStreamIds,
} from 'holdfast';
import { useState } from 'react';

const params = new URLSearchParams(window.location.search);
const serverUrl = params.get('server') ?? 'http://127.0.0.1:4000';
const sessionId = params.get('session') ?? 'consumer';
const name = params.get('name') ?? 'guest';
/** The participant's stable identity (a returning user keeps it); defaults to the name. */
const identity = params.get('identity') ?? name;
/** `?source=canvas`: publish an animated canvas instead of the camera. */
const source = params.get('source') ?? 'camera';
/** `?log=1`: holdfast's diagnostic lines go to the console (tests collect them when a flow misbehaves). */
const logger =
  params.get('log') === '1'
    ? (level, message, fields) =>
        console.log(`[holdfast] ${level} ${message} ${JSON.stringify(fields ?? {})}`)
    : undefined;

/**
 * The app's own "camera": a canvas drawn every frame (a moving bar and a counter), captured at 20 fps.
 * `window.__freezeCamera()` stops drawing (the camera hangs: no new frames), `window.__unfreezeCamera()`
 * draws again. This is the app's own source; it does not touch holdfast.
 */
function canvasCamera() {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 240;
  const context = canvas.getContext('2d');
  let frozen = false;
  let frame = 0;
  const draw = () => {
    if (frozen) return;
    frame += 1;
    context.fillStyle = `hsl(${(frame * 7) % 360} 60% 40%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#fff';
    context.fillRect((frame * 4) % canvas.width, 100, 40, 40);
    context.font = '32px sans-serif';
    context.fillText(String(frame), 10, 40);
  };
  // A timer, not requestAnimationFrame: headless Chromium runs rAF at a few Hz on pages with video.
  setInterval(draw, 50);
  draw();
  window.__freezeCamera = () => {
    frozen = true;
  };
  window.__unfreezeCamera = () => {
    frozen = false;
  };
  return canvas.captureStream(20);
}

const publish = source === 'canvas' ? { mediaStream: canvasCamera(), audio: false } : true;

/**
 * Where the app backend gets tokens: the dev servers' `/dev/token`. `?tokens=url1,url2` lists several
 * nodes of a cluster (a backend behind a load balancer): the first that answers gives the token, and
 * the token names the node to connect to.
 */
const tokenServers = (params.get('tokens') ?? serverUrl).split(',').filter(Boolean);

/** The app backend's token endpoint, for this page's identity. */
async function getToken(id, { identity: tokenIdentity }) {
  let failure = new Error('token: no server');
  for (const base of tokenServers) {
    try {
      const response = await fetch(`${base}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: id, identity: tokenIdentity, data: name }),
        signal: AbortSignal.timeout(3000),
      });
      if (response.ok) return (await response.json()).token;
      failure = new Error(`token: HTTP ${response.status} from ${base}`);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

function Remotes() {
  const ids = useStreamIds();
  if (ids.length === 0) return <p data-testid="empty-call">Nobody else is publishing yet.</p>;
  return ids.map((id) => <StreamView key={id} streamId={id} muted />);
}

/**
 * The app's own event log, as an app would keep one with `useSessionEvent`: what each participant event
 * said, in `window.__events` (`{ at, name, identity, connectionId, replaces, reason }`), for tests to read.
 */
function EventLog() {
  const log = (name, fields) => {
    window.__events ??= [];
    window.__events.push({ at: Date.now(), name, ...fields });
  };
  useSessionEvent('connectionCreated', ({ connection, replaces }) =>
    log('connectionCreated', {
      identity: connection.identity,
      connectionId: connection.connectionId,
      replaces,
    }),
  );
  useSessionEvent('connectionDestroyed', ({ connection, reason }) =>
    log('connectionDestroyed', {
      identity: connection.identity,
      connectionId: connection.connectionId,
      reason,
    }),
  );
  useSessionEvent('streamCreated', ({ stream }) =>
    log('streamCreated', { identity: stream.identity, streamId: stream.streamId }),
  );
  useSessionEvent('streamDestroyed', ({ stream, reason, isLocal }) =>
    log('streamDestroyed', { identity: stream.identity, streamId: stream.streamId, reason, isLocal }),
  );
  useSessionEvent('rejoining', ({ cause }) => log('rejoining', { reason: cause }));
  useSessionEvent('rejoined', ({ connectionId }) => log('rejoined', { connectionId }));
  useSessionEvent('reconnecting', ({ cause }) => log('reconnecting', { reason: cause }));
  useSessionEvent('reconnected', ({ connectionId }) => log('reconnected', { connectionId }));
  useSessionEvent('migrating', () => log('migrating', {}));
  useSessionEvent('migrated', ({ connectionId }) => log('migrated', { connectionId }));
  return null;
}

function Status() {
  const { status, connectionId } = useSession();
  return (
    <p data-testid="status">
      {status} {connectionId ?? ''}
    </p>
  );
}

/** Leave and Join, as an app writes them with `useSession()`. */
function CallControls() {
  const { leave, join } = useSession();
  return (
    <p>
      <button type="button" onClick={() => void leave().catch((error) => console.error(error))}>
        Leave
      </button>
      <button type="button" onClick={() => void join().catch((error) => console.error(error))}>
        Join
      </button>
    </p>
  );
}

/** The room the "Other room" button moves to, and back (an app with several rooms in one page). */
const otherRoom = `${sessionId}-other`;

export function App() {
  const [inCall, setInCall] = useState(true);
  const [room, setRoom] = useState(sessionId);
  return (
    <main>
      <button type="button" onClick={() => setInCall(!inCall)}>
        {inCall ? 'Hang up' : 'Call again'}
      </button>
      <button type="button" onClick={() => setRoom(room === sessionId ? otherRoom : sessionId)}>
        Other room
      </button>
      {inCall ? (
        <SessionProvider
          serverUrl={serverUrl}
          sessionId={room}
          getToken={getToken}
          options={{ identity, logger }}
          publish={publish}
        >
          <ConnectionIndicator showLabel />
          <EventLog />
          <Status />
          <CallControls />
          <p>
            <MediaToggle kind="audio" /> <MediaToggle kind="video" />
          </p>
          <ReconnectingBanner />
          <StreamView local />
          <Remotes />
        </SessionProvider>
      ) : null}
    </main>
  );
}
