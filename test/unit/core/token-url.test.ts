import { describe, expect, it } from 'vitest';
import { tokenUrl } from '../../../src/core/signaling/token-url';

const jwt = (payload: unknown) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

describe('the url claim of a token', () => {
  it('reads the node URL of a cluster token without verifying it', () => {
    expect(tokenUrl(jwt({ sid: 's', url: 'http://127.0.0.1:4001' }))).toBe('http://127.0.0.1:4001');
  });

  it('is undefined for tokens without one, opaque tokens, and anything but an http(s) URL', () => {
    expect(tokenUrl(jwt({ sid: 's' }))).toBeUndefined();
    expect(tokenUrl('opaque-token')).toBeUndefined();
    expect(tokenUrl('a.%%%.b')).toBeUndefined();
    expect(tokenUrl(jwt({ url: 'javascript:alert(1)' }))).toBeUndefined();
    expect(tokenUrl(jwt({ url: 42 }))).toBeUndefined();
  });
});
