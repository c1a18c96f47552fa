import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stunBindingAnswered, TurnServer } from '../../support/turn';
import { UdpProxy } from '../../support/udp-proxy';

describe('TurnServer (Debian coturn on loopback)', () => {
  let turn: TurnServer;
  let path: UdpProxy;

  beforeAll(async () => {
    turn = await TurnServer.start();
    path = await UdpProxy.start({ port: turn.port });
  });

  afterAll(async () => {
    await path?.close();
    await turn?.stop();
  });

  it('answers STUN through a participant path, and not while the path is cut', async () => {
    expect(await stunBindingAnswered(path.port, 1000)).toBe(true);
    path.cut();
    expect(await stunBindingAnswered(path.port, 500)).toBe(false);
    path.restore({ newPath: true });
    expect(await stunBindingAnswered(path.port, 1000)).toBe(true);
  });

  it('restarts on the same port with a new process', async () => {
    const before = turn.pid;
    await turn.restart();
    expect(turn.pid).not.toBe(before);
    expect(await stunBindingAnswered(turn.port, 1000)).toBe(true);
    expect(turn.iceServer(path.port)).toEqual({
      urls: `turn:127.0.0.1:${path.port}?transport=udp`,
      username: 'u',
      credential: 'p',
    });
  });
});
