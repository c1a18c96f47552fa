/** What one `getStats` reading of a link says about its inbound media and transport. */
export interface LinkStats {
  /** Inbound video (the remote stream's camera), if any. */
  video: InboundReading | null;
  /** Inbound audio, if any. */
  audio: InboundReading | null;
  /** Bytes received by the link's transports (media, RTCP, data channel): moves while the path works. */
  transportBytesReceived: number;
  /** STUN checks and answers the link's candidate pairs received: move as soon as the path answers. */
  iceChecksReceived: number;
}

/** One inbound RTP stream. */
export interface InboundReading {
  trackIdentifier: string | undefined;
  framesDecoded: number;
  /** Complete frames received (decodable or not). */
  framesReceived: number;
  packetsReceived: number;
}

type Stat = Record<string, unknown> & { type: string };

// Number.isFinite is false for anything but a finite number.
const num = (value: unknown): number => (Number.isFinite(value) ? (value as number) : 0);

function reading(stat: Stat): InboundReading {
  return {
    trackIdentifier: typeof stat.trackIdentifier === 'string' ? stat.trackIdentifier : undefined,
    framesDecoded: num(stat.framesDecoded),
    framesReceived: num(stat.framesReceived),
    packetsReceived: num(stat.packetsReceived),
  };
}

/**
 * Reads a link's stats report. `videoTrackId` picks the inbound video of the track the stream shows
 * (a renegotiated connection may keep an old, stopped receiver beside it).
 */
export function readLinkStats(report: RTCStatsReport, videoTrackId?: string): LinkStats {
  let video: InboundReading | null = null;
  let audio: InboundReading | null = null;
  let transportBytesReceived = 0;
  let iceChecksReceived = 0;
  report.forEach((value: unknown) => {
    const stat = value as Stat;
    if (stat.type === 'inbound-rtp') {
      const r = reading(stat);
      if (stat.kind === 'video') {
        if (!video || (videoTrackId !== undefined && r.trackIdentifier === videoTrackId)) video = r;
      } else if (stat.kind === 'audio' && !audio) {
        audio = r;
      }
    } else if (stat.type === 'transport') {
      transportBytesReceived += num(stat.bytesReceived);
    } else if (stat.type === 'candidate-pair') {
      iceChecksReceived += num(stat.requestsReceived) + num(stat.responsesReceived);
    }
  });
  return { video, audio, transportBytesReceived, iceChecksReceived };
}
