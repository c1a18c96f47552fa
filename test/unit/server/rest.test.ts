import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { ConnectionTokenResponse, HealthResponse, SessionDescription } from '../../../src/protocol';
import { SECRET, TestServer } from './harness';

describe('REST API', () => {
  it('refuses /api without the right bearer secret, but serves health without one', async () => {
    const t = await TestServer.start();
    for (const auth of [null, 'wrong-secret-wrong-secret', 'has spaces!']) {
      const answer = await t.rest('POST', '/api/sessions', {}, auth);
      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    }
    const health = await t.rest<HealthResponse>('GET', '/api/health', undefined, null);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      ok: true,
      nodeId: t.server.node.nodeId,
      bootId: t.server.node.bootId,
    });
  });

  it('creates sessions, idempotently on customSessionId', async () => {
    const t = await TestServer.start();
    const generated = await t.rest<SessionDescription>('POST', '/api/sessions');
    expect(generated.status).toBe(200);
    expect(generated.body.sessionId).toMatch(/^[A-Za-z0-9_-]+$/);

    const first = await t.rest<SessionDescription>('POST', '/api/sessions', { customSessionId: 'room-1' });
    const again = await t.rest<SessionDescription>('POST', '/api/sessions', { customSessionId: 'room-1' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({ sessionId: 'room-1', connections: [], streams: [] });
    const health = await t.rest<HealthResponse>('GET', '/api/health');
    expect(health.body.sessions).toBe(2);
  });

  it('gets a session with its members, and answers SESSION_NOT_FOUND for an unknown one', async () => {
    const t = await TestServer.start();
    const alice = await t.member('room', 'alice', { data: 'Alice' });
    const got = await t.rest<SessionDescription>('GET', '/api/sessions/room');
    expect(got.status).toBe(200);
    expect(got.body.connections).toEqual([
      expect.objectContaining({ connectionId: alice.connectionId, data: 'Alice' }),
    ]);
    const missing = await t.rest('GET', '/api/sessions/nope');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'SESSION_NOT_FOUND' } } });
  });

  it('refuses malformed bodies with MESSAGE_MALFORMED', async () => {
    const t = await TestServer.start();
    expect(await t.rest('POST', '/api/sessions', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'MESSAGE_MALFORMED' } },
    });
    expect(await t.rest('POST', '/api/sessions', { customSessionId: 'bad id with spaces' })).toMatchObject({
      status: 400,
      body: { error: { code: 'MESSAGE_MALFORMED' } },
    });
    await t.session('room');
    expect(await t.rest('POST', '/api/sessions/room/connections', { role: 'king' })).toMatchObject({
      status: 400,
      body: { error: { code: 'MESSAGE_MALFORMED' } },
    });
  });

  it('issues signed tokens bound to their session, with role, data and expiry', async () => {
    let offset = 0;
    const clock = {
      now: () => Date.now() + offset,
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    const t = await TestServer.start({ clock });
    await t.session('room');
    await t.session('other');
    const issued = await t.rest<ConnectionTokenResponse>('POST', '/api/sessions/room/connections', {
      identity: 'sam',
      role: 'subscriber',
      data: 'd',
      ttlSeconds: 60,
    });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ sessionId: 'room', identity: 'sam', role: 'subscriber', data: 'd' });
    expect(issued.body.expiresAt).toBeGreaterThan(Date.now() + 55_000);
    const claims = JSON.parse(Buffer.from(issued.body.token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sid: 'room', idn: 'sam', role: 'subscriber', data: 'd', iss: 'holdfast' });
    expect(claims.jti).toEqual(expect.any(String));

    const joined = await (await t.client()).join('room', issued.body.token, 'sam');
    expect(joined).toMatchObject({ ok: true, role: 'subscriber', data: 'd' });
    const wrongSession = await (await t.client()).join('other', issued.body.token, 'sam2');
    expect(wrongSession).toMatchObject({ ok: false, error: { code: 'TOKEN_SESSION_MISMATCH' } });

    offset = 61_000;
    const expired = await (await t.client()).join('room', issued.body.token, 'sam3');
    expect(expired).toMatchObject({ ok: false, error: { code: 'TOKEN_EXPIRED' } });
  });

  it('refuses forged tokens: tampered claims, another key, no signature', async () => {
    const t = await TestServer.start();
    await t.session('room');
    const token = await t.token('room', { role: 'subscriber' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, role: 'moderator' })).toString('base64url');
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    for (const forged of [`${header}.${tampered}.${signature}`, foreign, unsigned, 'not-a-jwt']) {
      const reply = await (await t.client()).join('room', forged, 'mallory');
      expect(reply).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID' }, node: t.server.node });
    }
  });

  it('refuses tokens for unknown or closed sessions', async () => {
    const t = await TestServer.start();
    expect(await t.rest('POST', '/api/sessions/ghost/connections', {})).toMatchObject({
      status: 404,
      body: { error: { code: 'SESSION_NOT_FOUND' } },
    });
    await t.session('room');
    const token = await t.token('room', { identity: 'late' });
    expect((await t.rest('DELETE', '/api/sessions/room')).status).toBe(204);
    expect(await t.rest('POST', '/api/sessions/room/connections', {})).toMatchObject({
      status: 410,
      body: { error: { code: 'SESSION_CLOSED' } },
    });
    const reply = await (await t.client()).join('room', token, 'late');
    expect(reply).toMatchObject({ ok: false, error: { code: 'SESSION_CLOSED' } });
    expect((await t.rest('DELETE', '/api/sessions/ghost')).status).toBe(404);
  });

  it('serves /dev/token only in dev mode, creating the session, with CORS open', async () => {
    const plain = await TestServer.start();
    expect((await plain.rest('POST', '/dev/token', { sessionId: 'x' }, null)).status).toBe(404);

    const dev = await TestServer.start({ devTokens: true });
    const answer = await dev.rest<ConnectionTokenResponse>(
      'POST',
      '/dev/token',
      { sessionId: 'play', identity: 'me' },
      null,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ sessionId: 'play', role: 'publisher', data: '' });
    const joined = await (await dev.client()).join('play', answer.body.token, 'me');
    expect(joined.ok).toBe(true);
    const preflight = await fetch(`${dev.url}/dev/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6006', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});
