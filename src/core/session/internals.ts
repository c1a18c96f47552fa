import type { MediaPlaneFactory } from '../media/media-plane';
import type { SessionEnvironment } from '../signaling/environment';
import type { SocketFactory } from '../signaling/socket';

/**
 * INTERNAL: the seams `createSession` accepts as its second parameter so tests (and the harness) can
 * swap the real parts for fakes. Not part of the public API; may change without notice.
 * @internal
 */
export interface SessionInternals {
  /** Opens one socket per attempt. @default socket.io-client (websocket only, no reconnection) */
  socketFactory?: SocketFactory;
  /** Builds the media plane. @default the simple-peer mesh media plane */
  mediaPlaneFactory?: MediaPlaneFactory;
  /** `online` / visibility signals. @default `window` and `document` when present */
  environment?: SessionEnvironment;
}
