import type { Clock } from '../clock';

/**
 * Whether this browser's ICE agent now shows a local address outside `known` (host candidates of a
 * throwaway connection): true as soon as one shows, false when gathering ends without one, null when
 * it cannot tell (no WebRTC here).
 */
export type LocalAddressProbe = (known: ReadonlySet<string>) => Promise<boolean | null>;

/** How long after a handoff the browser is watched for the new address. */
export const NEW_ADDRESS_WATCH_MS = 3_000;
/** How often it is probed meanwhile. */
export const NEW_ADDRESS_PROBE_MS = 200;
/** At most this many probes (throwaway peer connections, host candidates only) per handoff. */
export const MAX_ADDRESS_PROBES = 10;
/** A probe's gathering is cut short after this long. */
const PROBE_TIMEOUT_MS = 1_000;

/**
 * After a handoff, when the browser's ICE agent knows the new address:
 * - `known`: at once (a restart now gathers on it);
 * - `late`: only after a while (a restart made meanwhile gathered on the old address, which is gone);
 * - `never`: not within {@link NEW_ADDRESS_WATCH_MS} (the address the server saw changed behind a NAT,
 *   or the probe cannot tell).
 *
 * Chromium learns of a new interface address with a delay (the first time a page sees one, then
 * promptly), while the page's signaling may be back well before; see
 * docs/decisions/0021-handoff-address-probe.md.
 */
export async function watchForNewAddress({
  clock,
  probe,
  known,
  stopped,
}: {
  clock: Clock;
  probe: LocalAddressProbe;
  /** Local addresses the links used before the handoff. */
  known: ReadonlySet<string>;
  /** True once the watch no longer matters (the plane closed). */
  stopped: () => boolean;
}): Promise<'known' | 'late' | 'never'> {
  const deadline = clock.now() + NEW_ADDRESS_WATCH_MS;
  for (let probes = 0; probes < MAX_ADDRESS_PROBES && !stopped(); probes += 1) {
    const found = await probe(known);
    if (found === null || stopped()) return 'never';
    if (found) return probes === 0 ? 'known' : 'late';
    if (clock.now() + NEW_ADDRESS_PROBE_MS > deadline) break;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, NEW_ADDRESS_PROBE_MS));
  }
  return 'never';
}

/** The addresses of every local candidate in a connection's stats (host, reflexive and relayed). */
export function localCandidateAddresses(report: RTCStatsReport): string[] {
  const addresses: string[] = [];
  for (const stat of report.values() as IterableIterator<Record<string, unknown>>) {
    if (stat.type !== 'local-candidate') continue;
    const address = stat.address ?? stat.ip;
    if (typeof address === 'string') addresses.push(address);
  }
  return addresses;
}

/**
 * The browser probe: a throwaway RTCPeerConnection without ICE servers gathers its host candidates; it
 * answers at the first new address (Chromium may hold the end of such a gathering while it takes in
 * a network change, and show the new address during it; docs/decisions/0021-handoff-address-probe.md).
 */
export const browserLocalAddresses: LocalAddressProbe = (known) =>
  new Promise((resolve) => {
    if (typeof RTCPeerConnection === 'undefined') {
      resolve(null);
      return;
    }
    const pc = new RTCPeerConnection({ iceServers: [] });
    let done = false;
    const finish = (found: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      pc.onicecandidate = null;
      pc.close();
      resolve(found);
    };
    const timer = setTimeout(() => finish(false), PROBE_TIMEOUT_MS);
    pc.onicecandidate = (event) => {
      const address = event.candidate?.address;
      if (!event.candidate) finish(false);
      else if (address && !known.has(address)) finish(true);
    };
    pc.createDataChannel('holdfast-address-probe');
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch(() => finish(false));
  });
