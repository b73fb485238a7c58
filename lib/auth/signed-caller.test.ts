import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Caller } from './caller.js';
import {
  bodyDigest,
  CALLER_LIFETIME_MS,
  callerHeaderId,
  callerSigner,
  openCaller,
  requestKey,
  SeenRequests,
  signCaller,
  signRequest,
  verifyCaller,
  verifyRequest,
} from './signed-caller.js';

const secret = 'a'.repeat(40);
const caller: Caller = { kind: 'person', personId: 'p1', tokenId: 't1', isAdministrator: false, grants: [] };

function decode(header: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(header.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Re-signs an edited envelope with `key`: what someone holding a secret could produce. */
function resign(header: string, edit: (envelope: Record<string, unknown>) => void, key = secret): string {
  const envelope = decode(header);
  edit(envelope);
  const payload = Buffer.from(JSON.stringify(envelope)).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

describe('signed caller', () => {
  it('round-trips a caller signed for the subgraph that verifies it', () => {
    const header = signCaller(caller, secret, { audience: ['buildings'] });
    expect(verifyCaller(header, secret, 'buildings')).toEqual(caller);
  });

  it('gives every header its own id, so two signatures of one caller differ', () => {
    const id = (header: string) => decode(header).jti;
    const first = signCaller(caller, secret);
    const second = signCaller(caller, secret);
    expect(id(first)).toMatch(/^[\w-]{16}$/);
    expect(id(first)).not.toBe(id(second));
  });

  it('refuses an expired header, and accepts it until then', () => {
    const now = Date.now();
    const header = signCaller(caller, secret, { audience: ['access'], now });
    expect(verifyCaller(header, secret, 'access', now + CALLER_LIFETIME_MS - 1)).toEqual(caller);
    expect(verifyCaller(header, secret, 'access', now + CALLER_LIFETIME_MS)).toBeNull();
    expect(verifyCaller(signCaller(caller, secret, { audience: ['access'], now: now - 120_000 }), secret, 'access', now)).toBeNull();
  });

  it('caps the lifetime at 30 s: a longer one is neither issued nor accepted, nor one issued in the future', () => {
    const now = Date.now();
    const header = signCaller(caller, secret, { audience: ['access'], now, lifetimeMs: 3_600_000 });
    expect(verifyCaller(header, secret, 'access', now + CALLER_LIFETIME_MS)).toBeNull();
    const longLived = resign(header, (envelope) => {
      envelope.exp = now + 3_600_000;
    });
    expect(verifyCaller(longLived, secret, 'access', now + 1_000)).toBeNull();
    expect(verifyCaller(signCaller(caller, secret, { audience: ['access'], now: now + 60_000 }), secret, 'access', now)).toBeNull();
  });

  it('refuses a header whose audience does not name the verifying subgraph', () => {
    const header = signCaller(caller, secret, { audience: ['buildings'] });
    expect(verifyCaller(header, secret, 'buildings')).toEqual(caller);
    expect(verifyCaller(header, secret, 'access')).toBeNull();
    const widened = header.replace(
      /^[^.]+/,
      Buffer.from(JSON.stringify({ ...decode(header), aud: ['buildings', 'access'] })).toString('base64url'),
    );
    expect(verifyCaller(widened, secret, 'access')).toBeNull();
    expect(
      verifyCaller(
        resign(header, (envelope) => delete envelope.aud),
        secret,
        'buildings',
      ),
    ).toBeNull();
  });

  it('refuses a tampered payload or signature', () => {
    const header = signCaller(caller, secret, { audience: ['utilities'] });
    const [payload, signature] = header.split('.') as [string, string];
    const escalated = Buffer.from(JSON.stringify({ ...decode(header), caller: { ...caller, isAdministrator: true } })).toString(
      'base64url',
    );
    expect(verifyCaller(`${escalated}.${signature}`, secret, 'utilities')).toBeNull();
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(verifyCaller(`${payload}.${flipped}`, secret, 'utilities')).toBeNull();
    expect(verifyCaller(`${payload}.`, secret, 'utilities')).toBeNull();
    expect(verifyCaller('nonsense', secret, 'utilities')).toBeNull();
    expect(verifyCaller(undefined, secret, 'utilities')).toBeNull();
  });

  it('refuses a header signed with another secret', () => {
    const header = signCaller(caller, 'b'.repeat(40), { audience: ['condominium'] });
    expect(verifyCaller(header, 'b'.repeat(40), 'condominium')).toEqual(caller);
    expect(verifyCaller(header, secret, 'condominium')).toBeNull();
  });

  it('by default names every subgraph (tests and tools); the caller endpoint always narrows it to one', () => {
    const header = signCaller(caller, secret);
    for (const name of ['buildings', 'condominium', 'utilities', 'access']) expect(verifyCaller(header, secret, name)).toEqual(caller);
    expect(verifyCaller(header, secret, 'billing')).toBeNull();
  });
});

describe('request signatures', () => {
  const body = JSON.stringify({ query: '{ me { isAdministrator } }', variables: {} });

  function opened(header: string) {
    return openCaller(header, secret, 'access') as NonNullable<ReturnType<typeof openCaller>>;
  }

  it('derives the request key from the secret and the header id: HMAC(secret, "request-key" + jti)', () => {
    const header = signCaller(caller, secret, { audience: ['access'] });
    const { jti } = opened(header);
    expect(callerHeaderId(header)).toBe(jti);
    expect(requestKey(secret, jti)).toBe(createHmac('sha256', secret).update(`request-key${jti}`).digest('base64url'));
    expect(requestKey(secret, jti)).not.toBe(requestKey(secret, callerHeaderId(signCaller(caller, secret)) as string));
    expect(requestKey('b'.repeat(40), jti)).not.toBe(requestKey(secret, jti));
    expect(callerSigner(secret)(caller, { audience: ['access'] }).requestKey).toMatch(/^[\w-]{43}$/);
  });

  it('accepts the exact body it was made for, under that header only, and returns its nonce', () => {
    const { jti } = opened(signCaller(caller, secret, { audience: ['access'] }));
    const signature = signRequest(requestKey(secret, jti), body, 'nonce-1');
    expect(signature).toMatch(/^nonce-1\.[\w-]{43}$/);
    expect(verifyRequest(signature, secret, jti, bodyDigest(body))).toBe('nonce-1');
    expect(verifyRequest(signature, secret, jti, bodyDigest(Buffer.from(body)))).toBe('nonce-1');
    // Another body, even one byte; another header's id; another secret.
    expect(verifyRequest(signature, secret, jti, bodyDigest(`${body} `))).toBeNull();
    expect(verifyRequest(signature, secret, opened(signCaller(caller, secret, { audience: ['access'] })).jti, bodyDigest(body))).toBeNull();
    expect(verifyRequest(signature, 'b'.repeat(40), jti, bodyDigest(body))).toBeNull();
    // Another nonce under the same mac, a truncated or missing signature.
    expect(verifyRequest(signature.replace('nonce-1', 'nonce-2'), secret, jti, bodyDigest(body))).toBeNull();
    expect(verifyRequest(signature.slice(0, -1), secret, jti, bodyDigest(body))).toBeNull();
    for (const bad of [undefined, null, '', 'no-dot', '.mac', 'x'.repeat(300)])
      expect(verifyRequest(bad, secret, jti, bodyDigest(body))).toBeNull();
  });

  it('gives every signature a fresh nonce, so the same body signed twice is two requests', () => {
    const key = requestKey(secret, 'jti');
    const first = signRequest(key, body);
    const second = signRequest(key, body);
    expect(first).not.toBe(second);
    expect(verifyRequest(first, secret, 'jti', bodyDigest(body))).not.toBe(verifyRequest(second, secret, 'jti', bodyDigest(body)));
  });

  it('remembers an accepted request until its header expires, and forgets it then', () => {
    const seen = new SeenRequests();
    const now = 1_000_000;
    expect(seen.claim('jti.a', now + 30_000, now)).toBe(true);
    expect(seen.claim('jti.a', now + 30_000, now + 1)).toBe(false);
    expect(seen.claim('jti.b', now + 30_000, now + 1)).toBe(true);
    expect(seen.size).toBe(2);
    // Past the expiry the header itself is refused; the memory of it is dropped.
    expect(seen.claim('jti.c', now + 60_000, now + 30_000)).toBe(true);
    expect(seen.size).toBe(1);
  });
});
