import { listen } from '../listen';

/**
 * Gathers ICE candidates on a throwaway RTCPeerConnection (a data channel and an offer that is never
 * sent): true as soon as `accept` takes a candidate, false when gathering ends without one or `signal`
 * aborts. The connection is closed either way. The probes of this page's path and of its addresses.
 */
export function gatherUntil(
  config: RTCConfiguration,
  accept: (candidate: RTCIceCandidate) => boolean,
  signal: AbortSignal,
  label: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const pc = new RTCPeerConnection(config);
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      pc.onicecandidate = null;
      unwatch();
      pc.close();
      resolve(ok);
    };
    const unwatch = listen(signal, 'abort', () => finish(false));
    pc.onicecandidate = (event) => {
      if (event.candidate === null) finish(false);
      else if (accept(event.candidate)) finish(true);
    };
    pc.createDataChannel(label);
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch(() => finish(false));
  });
}
