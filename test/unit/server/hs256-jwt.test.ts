import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signHs256, verifyHs256 } from '../../../src/server/hs256-jwt';

const key = new Uint8Array(32).fill(7);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HS256 tokens (node:crypto)', () => {
  it('verifies what it signed, and what jose signs with the same header and key', async () => {
    const claims = { sid: 's', exp: 2_000_000_000 };
    expect(verifyHs256(signHs256(claims, key), key)).toEqual({ ok: true, payload: claims });
    const byJose = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
    expect(byJose).toBe(signHs256(claims, key));
  });

  it('refuses another key, a changed payload and a changed signature', () => {
    const token = signHs256({ sid: 's' }, key);
    expect(verifyHs256(token, new Uint8Array(32).fill(8))).toEqual({ ok: false, why: 'signature' });
    const [header, , signature] = token.split('.');
    expect(verifyHs256(`${header}.${b64({ sid: 't' })}.${signature}`, key)).toEqual({
      ok: false,
      why: 'signature',
    });
    expect(verifyHs256(`${token.slice(0, -2)}AA`, key).ok).toBe(false);
  });

  it('refuses any other header: alg none, another algorithm, extra fields', () => {
    const body = b64({ sid: 's' });
    for (const header of [
      { alg: 'none' },
      { alg: 'HS512', typ: 'JWT' },
      { alg: 'HS256', typ: 'JWT', kid: 'x' },
    ]) {
      const input = `${b64(header)}.${body}`;
      const signature = createHmac('sha256', key).update(input).digest('base64url');
      expect(verifyHs256(`${input}.${signature}`, key)).toEqual({ ok: false, why: 'malformed' });
      expect(verifyHs256(`${input}.`, key)).toEqual({ ok: false, why: 'malformed' });
    }
  });

  it('refuses malformed tokens without throwing', () => {
    const header = signHs256({}, key).split('.')[0];
    const signed = (body: string) => {
      const input = `${header}.${body}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    for (const token of [
      '',
      'a.b',
      'a.b.c.d',
      signed('not json!'),
      signed(Buffer.from('not json').toString('base64url')),
      signed(b64([1, 2])),
      signed(b64(null)),
      'x'.repeat(10_000),
    ])
      expect(verifyHs256(token, key).ok).toBe(false);
  });
});
