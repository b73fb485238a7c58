import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Caller } from './caller.js';
import { CALLER_LIFETIME_MS, signCaller, verifyCaller } from './signed-caller.js';

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
