import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isInitiator, linkIdFor } from '../../../src/core/media/link-roles';
import { toPayload, toSignal } from '../../../src/core/media/signal-payload';
import { MediaPayloadSchema } from '../../../src/protocol';

describe('link roles', () => {
  it('names a link the same from both ends', () => {
    expect(linkIdFor('bob', 'alice')).toBe(linkIdFor('alice', 'bob'));
    expect(linkIdFor('alice', 'bob')).toBe('alice|bob');
  });

  it('gives exactly one side the offering role', () => {
    for (const [a, b] of [
      ['alice', 'bob'],
      ['B', 'A'],
      ['id-10', 'id-9'],
    ] as const) {
      expect(isInitiator(a, b)).not.toBe(isInitiator(b, a));
    }
  });
});

describe('simple-peer signals on the wire', () => {
  const signals = [
    { type: 'offer', sdp: 'v=0\r\n' },
    { type: 'answer', sdp: 'v=0\r\n' },
    {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ relay', sdpMLineIndex: 0, sdpMid: '0' },
    },
    { type: 'renegotiate', renegotiate: true },
    { type: 'transceiverRequest', transceiverRequest: { kind: 'video' } },
  ] as const;

  it('turns every simple-peer signal into a payload the protocol schema accepts, and back', () => {
    for (const signal of signals) {
      const payload = toPayload(signal);
      expect(payload).not.toBeNull();
      expect(v.safeParse(MediaPayloadSchema, payload).success).toBe(true);
      expect(toSignal(v.parse(MediaPayloadSchema, payload))).toEqual(signal);
    }
  });

  it('never feeds link control messages to simple-peer', () => {
    expect(toSignal({ type: 'reset', reason: 'new-peer' })).toBeNull();
  });
});
