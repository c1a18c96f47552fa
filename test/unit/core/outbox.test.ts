import { describe, expect, it } from 'vitest';
import { HoldfastError } from '../../../src/core/errors';
import { Outbox, type Transmit } from '../../../src/core/signaling/outbox';
import type { ClientEnvelope, ClientMessage, MessageReply } from '../../../src/protocol';
import { LIMITS } from '../../../src/protocol';

/** A link stand-in: records envelopes, lets the test answer them. */
function link(up = true) {
  const sent: Array<{ env: ClientEnvelope; reply: (raw: unknown) => void }> = [];
  const transmit: Transmit = (env, reply) => {
    if (!up) return false;
    sent.push({ env, reply });
    return true;
  };
  return {
    transmit,
    sent,
    seqs: () => sent.map((s) => s.env.seq),
    types: () => sent.map((s) => (s.env.msg.kind === 'signal' ? s.env.msg.type : s.env.msg.kind)),
    answer(seq: number, reply: MessageReply = { ok: true, seq }) {
      for (const s of sent.filter((x) => x.env.seq === seq)) s.reply(reply);
    },
    down() {
      up = false;
    },
  };
}
const sig = (type: string): ClientMessage => ({ kind: 'signal', type, data: type });
const settled = async (p: Promise<void>) =>
  p.then(
    () => 'ok',
    (e: HoldfastError) => e.code,
  );

describe('outbox', () => {
  it('numbers messages 1, 2, 3 and sends them at once, in order, while a link is attached', () => {
    const outbox = new Outbox();
    const l = link();
    outbox.attach(l.transmit);
    void outbox.enqueue(sig('a'));
    void outbox.enqueue(sig('b'));
    void outbox.enqueue(sig('c'));
    expect(l.seqs()).toEqual([1, 2, 3]);
    expect(l.types()).toEqual(['a', 'b', 'c']);
  });

  it('keeps messages while no link is attached and sends them in order on attach', () => {
    const outbox = new Outbox();
    void outbox.enqueue(sig('a'));
    void outbox.enqueue(sig('b'));
    const l = link();
    outbox.attach(l.transmit);
    expect(l.seqs()).toEqual([1, 2]);
  });

  it('resolves on ok and rejects with the server code on refusal', async () => {
    const outbox = new Outbox();
    const l = link();
    outbox.attach(l.transmit);
    const a = outbox.enqueue(sig('a'));
    const b = outbox.enqueue(sig('b'));
    l.answer(1);
    l.answer(2, { ok: false, seq: 2, error: { code: 'TARGET_NOT_IN_SESSION', message: 'nope' } });
    expect(await settled(a)).toBe('ok');
    expect(await settled(b)).toBe('TARGET_NOT_IN_SESSION');
    expect(outbox.size).toBe(0);
  });

  it('after a resume resends every unanswered message in order, and only those', async () => {
    const outbox = new Outbox();
    const first = link();
    outbox.attach(first.transmit);
    const promises = ['a', 'b', 'c', 'd'].map((t) => outbox.enqueue(sig(t)));
    first.answer(1);
    first.answer(3);
    outbox.detach();
    const queued = outbox.enqueue(sig('e'));
    const second = link();
    outbox.attach(second.transmit);
    expect(second.seqs()).toEqual([2, 4, 5]);
    for (const seq of [2, 4, 5]) second.answer(seq);
    expect(await Promise.all([...promises, queued].map(settled))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('settles each message once even when the server answers a resent duplicate again', async () => {
    const outbox = new Outbox();
    const l = link();
    outbox.attach(l.transmit);
    let settlements = 0;
    const p = outbox.enqueue(sig('a')).then(() => {
      settlements += 1;
    });
    l.answer(1);
    l.answer(1, { ok: false, seq: 1, error: { code: 'MESSAGE_MALFORMED', message: 'late' } });
    await p;
    expect(settlements).toBe(1);
  });

  it('an answer carrying the wrong sequence is a protocol error, not a success', async () => {
    const errors: string[] = [];
    const outbox = new Outbox((m) => errors.push(m));
    const l = link();
    outbox.attach(l.transmit);
    const p = outbox.enqueue(sig('a'));
    l.sent[0]?.reply({ ok: true, seq: 7 });
    expect(await settled(p)).toBe('PROTOCOL_ERROR');
    expect(errors).toHaveLength(1);
  });

  it('an answer that is not a MessageReply is a protocol error', async () => {
    const errors: string[] = [];
    const outbox = new Outbox((m) => errors.push(m));
    const l = link();
    outbox.attach(l.transmit);
    const p = outbox.enqueue(sig('a'));
    l.sent[0]?.reply({ hello: 'world' });
    expect(await settled(p)).toBe('PROTOCOL_ERROR');
    expect(errors[0]).toMatch(/invalid answer/);
  });

  it('a link that refuses to send leaves the message queued for the next link', () => {
    const outbox = new Outbox();
    const dead = link(false);
    outbox.attach(dead.transmit);
    void outbox.enqueue(sig('a'));
    const next = link();
    outbox.attach(next.transmit);
    expect(next.seqs()).toEqual([1]);
  });

  it('a restart (re-join) renumbers from 1, keeps order, rewrites or rejects as decided', async () => {
    const outbox = new Outbox();
    const l = link();
    outbox.attach(l.transmit);
    const a = outbox.enqueue(sig('a'));
    const m = outbox.enqueue({ kind: 'unpublish', streamId: 's1' });
    const b = outbox.enqueue(sig('b'));
    outbox.restart((pending) =>
      pending.msg.kind === 'signal'
        ? { keep: { ...pending.msg, data: 'rewritten' } }
        : { reject: new HoldfastError('CONNECTION_REPLACED', 'gone') },
    );
    expect(await settled(m)).toBe('CONNECTION_REPLACED');
    const next = link();
    outbox.attach(next.transmit);
    expect(next.seqs()).toEqual([1, 2]);
    expect(next.types()).toEqual(['a', 'b']);
    expect(next.sent.map((s) => (s.env.msg as { data: unknown }).data)).toEqual(['rewritten', 'rewritten']);
    next.answer(1);
    next.answer(2);
    expect(await Promise.all([a, b].map(settled))).toEqual(['ok', 'ok']);
    void outbox.enqueue(sig('c'));
    expect(next.seqs()).toEqual([1, 2, 3]);
  });

  it('failAll rejects everything pending with the given error', async () => {
    const outbox = new Outbox();
    const p = outbox.enqueue(sig('a'));
    outbox.failAll(new HoldfastError('SESSION_ENDED', 'bye'));
    expect(await settled(p)).toBe('SESSION_ENDED');
  });

  it('refuses a message over the size limit without using a sequence', async () => {
    const outbox = new Outbox();
    const l = link();
    outbox.attach(l.transmit);
    const big = outbox.enqueue({ kind: 'signal', type: 'big', data: 'x'.repeat(LIMITS.maxMessageBytes) });
    expect(await settled(big)).toBe('MESSAGE_TOO_LARGE');
    void outbox.enqueue(sig('small'));
    expect(l.seqs()).toEqual([1]);
  });

  it('counts the size in UTF-8 bytes: 30,000 two-byte characters are over the limit', async () => {
    const outbox = new Outbox();
    const wide = outbox.enqueue({ kind: 'signal', type: 'wide', data: 'é'.repeat(33_000) });
    expect(await settled(wide)).toBe('MESSAGE_TOO_LARGE');
  });

  it('refuses data nested deeper than the protocol allows', async () => {
    const outbox = new Outbox();
    let data: unknown = 0;
    for (let i = 0; i < LIMITS.maxJsonDepth; i += 1) data = [data];
    expect(await settled(outbox.enqueue({ kind: 'signal', type: 'deep', data }))).toBe('MESSAGE_MALFORMED');
  });

  it('refuses data that is not JSON', async () => {
    const outbox = new Outbox();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await settled(outbox.enqueue({ kind: 'signal', type: 'x', data: cyclic }))).toBe(
      'MESSAGE_MALFORMED',
    );
  });
});
