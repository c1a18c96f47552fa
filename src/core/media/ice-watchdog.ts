import { type Clock, clearTimer, type TimerHandle } from '../clock';

/** The two states of a peer connection the watchdog reads, folded into one. */
export type TransportState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/**
 * Folds `iceConnectionState` and `connectionState` into one state. Chromium may report
 * `connectionState` `failed` while ICE still says `disconnected` (for a minute), so either one
 * failing counts, and `connected` needs both.
 */
export function foldTransportState(
  ice: RTCIceConnectionState,
  connection: RTCPeerConnectionState | undefined,
): TransportState {
  if (ice === 'closed' || connection === 'closed') return 'closed';
  if (ice === 'failed' || connection === 'failed') return 'failed';
  if (ice === 'disconnected' || connection === 'disconnected') return 'disconnected';
  const iceUp = ice === 'connected' || ice === 'completed';
  if (iceUp && (connection === undefined || connection === 'connected')) return 'connected';
  if (ice === 'new' && (connection === undefined || connection === 'new')) return 'new';
  return 'connecting';
}

/** What the watchdog reports to its link. */
export interface IceWatchdogEvents {
  /** `ICE_CONNECTION_DISCONNECTED` or `ICE_CONNECTION_FAILED`, once per episode each. */
  onException(name: 'ICE_CONNECTION_DISCONNECTED' | 'ICE_CONNECTION_FAILED'): void;
  /** The link needs a repair: at once for `failed`, after the timeout for `disconnected`. */
  onRepairNeeded(cause: 'failed' | 'disconnected'): void;
}

/**
 * Watches one peer connection's transport: `failed` → exception and an immediate repair;
 * `disconnected` → exception, then a repair if it is not back within `disconnectedTimeoutMs`.
 * An episode ends when the transport is `connected` again; the next drop starts a new one.
 */
export class IceWatchdog {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #events: IceWatchdogEvents;
  #state: TransportState = 'new';
  #timer: TimerHandle | null = null;
  #reported = new Set<'ICE_CONNECTION_DISCONNECTED' | 'ICE_CONNECTION_FAILED'>();
  #disposed = false;

  constructor(clock: Clock, disconnectedTimeoutMs: number, events: IceWatchdogEvents) {
    this.#clock = clock;
    this.#timeoutMs = disconnectedTimeoutMs;
    this.#events = events;
  }

  /** The last folded state. */
  get state(): TransportState {
    return this.#state;
  }

  /** Feeds the connection's current states. */
  update(ice: RTCIceConnectionState, connection: RTCPeerConnectionState | undefined): void {
    if (this.#disposed) return;
    const next = foldTransportState(ice, connection);
    const previous = this.#state;
    if (next === previous) return;
    this.#state = next;
    if (next === 'connected') {
      this.#cancelWait();
      this.#reported.clear();
    } else if (next === 'disconnected') {
      this.#report('ICE_CONNECTION_DISCONNECTED');
      if (this.#timer === null) {
        this.#timer = this.#clock.setTimeout(() => {
          this.#timer = null;
          if (!this.#disposed && this.#state !== 'connected') this.#events.onRepairNeeded('disconnected');
        }, this.#timeoutMs);
      }
    } else if (next === 'failed') {
      this.#cancelWait();
      this.#report('ICE_CONNECTION_FAILED');
      this.#events.onRepairNeeded('failed');
    }
  }

  /** Stops every timer; later updates are ignored. */
  dispose(): void {
    this.#disposed = true;
    this.#cancelWait();
  }

  #report(name: 'ICE_CONNECTION_DISCONNECTED' | 'ICE_CONNECTION_FAILED'): void {
    if (this.#reported.has(name)) return;
    this.#reported.add(name);
    this.#events.onException(name);
  }

  #cancelWait(): void {
    this.#timer = clearTimer(this.#clock, this.#timer);
  }
}
