import { CallEnv } from '../../support/call-env';
import type { Participant } from '../../support/participant';
import type { ServerProcessOptions } from '../../support/server-process';
import type { TcpProxy } from '../../support/tcp-proxy';
import { TurnServer } from '../../support/turn';
import { UdpProxy } from '../../support/udp-proxy';
import { delay, waitFor } from '../../support/wait';
import type { DriverSessionOptions } from '../fixture/driver-api';
import type { HfMediaDriver, MediaStreamView, NegotiationCounts } from '../fixture/media-driver';

/** One participant of a media call: its page, its signaling path (TCP) and its media path (UDP to TURN). */
export interface MediaMember {
  name: string;
  participant: Participant;
  signaling: TcpProxy;
  media: UdpProxy;
  connectionId: string;
  streamId: string;
}

/**
 * A real call for media tests: the server process, coturn, one Chromium with a fake camera, and
 * participants that reach TURN only through their own UDP proxy (relay-only ICE), so a test can cut
 * one participant's media path, or all of its network, at the transport.
 */
export class MediaCall {
  readonly env: CallEnv;
  readonly turn: TurnServer;
  readonly members: MediaMember[] = [];
  readonly sessionId: string;

  private constructor(env: CallEnv, turn: TurnServer, sessionId: string) {
    this.env = env;
    this.turn = turn;
    this.sessionId = sessionId;
  }

  static async start(sessionId: string, serverOptions: ServerProcessOptions = {}): Promise<MediaCall> {
    const turn = await TurnServer.start();
    try {
      const env = await CallEnv.start(serverOptions, true);
      await env.server.createSession(sessionId);
      return new MediaCall(env, turn, sessionId);
    } catch (error) {
      await turn.stop();
      throw error;
    }
  }

  /** Joins `names` in order, each publishing camera and microphone, and waits for every video to decode. */
  static async withParticipants(
    names: string[],
    options: Partial<DriverSessionOptions> = {},
    serverOptions: ServerProcessOptions = {},
  ): Promise<MediaCall> {
    const call = await MediaCall.start(`media-${Date.now().toString(36)}`, serverOptions);
    try {
      for (const name of names) await call.join(name, options);
      await call.waitAllDecoding();
      return call;
    } catch (error) {
      await call.close();
      throw error;
    }
  }

  member(name: string): MediaMember {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  others(name: string): MediaMember[] {
    return this.members.filter((m) => m.name !== name);
  }

  /** Joins one participant (identity = its name) through its own UDP path to TURN, and publishes. */
  async join(name: string, options: Partial<DriverSessionOptions> = {}): Promise<MediaMember> {
    const media = await UdpProxy.start({ port: this.turn.port });
    const joined = await this.env.join({
      name,
      sessionId: this.sessionId,
      options: {
        identity: name,
        iceServers: [this.turn.iceServer(media.port)],
        iceTransportPolicy: 'relay',
        ...options,
      },
    });
    const streamId = await joined.participant.page.evaluate(() => window.hf.publish());
    await joined.participant.page.evaluate(() => window.hfMedia.watchFrames());
    const member: MediaMember = {
      name,
      participant: joined.participant,
      signaling: joined.proxy,
      media,
      connectionId: joined.connectionId,
      streamId,
    };
    this.members.push(member);
    return member;
  }

  /** Remote streams as `name`'s page sees them. */
  streams(name: string): Promise<Record<string, MediaStreamView>> {
    return this.member(name).participant.page.evaluate(() => window.hfMedia.streams());
  }

  negotiations(name: string): Promise<NegotiationCounts> {
    return this.member(name).participant.page.evaluate(() => window.hfMedia.negotiations());
  }

  media<K extends keyof HfMediaDriver>(
    name: string,
    method: K,
    ...args: Parameters<HfMediaDriver[K]>
  ): Promise<Awaited<ReturnType<HfMediaDriver[K]>>> {
    return this.member(name).participant.page.evaluate(
      ([m, a]) => (window.hfMedia[m] as (...x: unknown[]) => unknown)(...a),
      [method, args] as const,
    ) as Promise<Awaited<ReturnType<HfMediaDriver[K]>>>;
  }

  /**
   * What each page's transports and holdfast's media log did since `since` (page clock), one line each,
   * for a failure message: a timed-out wait then says which side saw what.
   */
  async diagnostics(since: number): Promise<string> {
    const out: string[] = [];
    for (const m of this.members) {
      // The page keeps lines after `after` (exclusive): ask for those from `since` on.
      const transport = await this.media(m.name, 'transportLog', since - 1).catch(() => []);
      const logs = await m.participant.logs().catch(() => []);
      const lines = [
        ...transport.map((l) => ({ at: l.at, text: `pc${l.pcId} ${l.event} ${l.detail}` })),
        ...logs
          .filter((l) => l.at >= since)
          .map((l) => ({ at: l.at, text: `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}` })),
      ].sort((x, y) => x.at - y.at);
      out.push(`--- ${m.name}`, ...lines.map((l) => `+${l.at - since} ${l.text}`));
    }
    return out.join('\n');
  }

  /** Runs `step`; when it throws, the error carries {@link diagnostics} since `since`. */
  async explained<T>(since: number, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      const report = await this.diagnostics(since).catch((e: unknown) => `(no diagnostics: ${String(e)})`);
      if (error instanceof Error) error.message += `\n${report}`;
      throw error;
    }
  }

  /** True when every stream `name` receives from `from` (default: all others) decoded new frames over `windowMs`. */
  async decoding(
    name: string,
    from: string[] = this.others(name).map((m) => m.name),
    windowMs = 600,
  ): Promise<boolean> {
    const p = this.member(name).participant;
    const ids = from.map((f) => this.member(f).streamId);
    const before = await p.framesDecoded();
    await delay(windowMs);
    const after = await p.framesDecoded();
    return ids.every((id) => {
      const a = before[id];
      const b = after[id];
      return typeof a === 'number' && typeof b === 'number' && b > a;
    });
  }

  /** Waits until every participant decodes rising frames of every other participant's video. */
  async waitAllDecoding(timeoutMs = 30_000): Promise<void> {
    for (const m of this.members) {
      await waitFor(() => this.decoding(m.name), {
        timeoutMs,
        intervalMs: 100,
        what: `${m.name} decoding every remote video`,
      });
    }
  }

  /** Closes pages, proxies, Chromium, the server and coturn. */
  async close(): Promise<void> {
    for (const m of this.members) await m.media.close();
    await this.env.close();
    await this.turn.stop();
  }
}
