import type { MediaPayload } from '../../protocol';
import type { SimplePeerSignal } from './simple-peer-like';

/** simple-peer's signal data as a wire payload (null for data holdfast does not relay). */
export function toPayload(data: SimplePeerSignal): MediaPayload | null {
  switch (data.type) {
    case 'offer':
    case 'answer':
      return { type: data.type, sdp: data.sdp };
    case 'candidate': {
      const c = data.candidate;
      return {
        type: 'candidate',
        candidate: {
          candidate: c.candidate ?? '',
          sdpMLineIndex: c.sdpMLineIndex ?? null,
          sdpMid: c.sdpMid ?? null,
          usernameFragment: c.usernameFragment ?? null,
        },
      };
    }
    case 'renegotiate':
      return { type: 'renegotiate' };
    case 'transceiverRequest': {
      const kind = data.transceiverRequest.kind;
      return kind === 'audio' || kind === 'video' ? { type: 'transceiverRequest', kind } : null;
    }
    default:
      return null;
  }
}

/** A wire payload as simple-peer's signal data (null for link control messages such as `reset`). */
export function toSignal(payload: MediaPayload): SimplePeerSignal | null {
  switch (payload.type) {
    case 'offer':
    case 'answer':
      return { type: payload.type, sdp: payload.sdp };
    case 'candidate': {
      const c = payload.candidate;
      const candidate: RTCIceCandidateInit = { candidate: c.candidate };
      if (typeof c.sdpMLineIndex === 'number') candidate.sdpMLineIndex = c.sdpMLineIndex;
      if (typeof c.sdpMid === 'string') candidate.sdpMid = c.sdpMid;
      if (c.usernameFragment) candidate.usernameFragment = c.usernameFragment;
      return { type: 'candidate', candidate };
    }
    case 'renegotiate':
      return { type: 'renegotiate', renegotiate: true };
    case 'transceiverRequest':
      return { type: 'transceiverRequest', transceiverRequest: { kind: payload.kind } };
    default:
      return null;
  }
}
