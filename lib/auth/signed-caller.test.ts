import { describe, expect, it } from 'vitest';
import { signCaller, verifyCaller } from './signed-caller.js';
import type { Caller } from './caller.js';

const secret = 'a'.repeat(40);
const caller: Caller = { kind: 'person', personId: 'p1', tokenId: 't1', isAdministrator: false, grants: [] };

describe('signed caller', () => {
  it('round-trips a caller signed with the same secret', () => {
    expect(verifyCaller(signCaller(caller, secret), secret)).toEqual(caller);
  });
  it('refuses another secret, a tampered payload, a stale signature and garbage', () => {
    const header = signCaller(caller, secret);
    expect(verifyCaller(header, 'b'.repeat(40))).toBeNull();
    const forged = Buffer.from(JSON.stringify({ caller: { ...caller, isAdministrator: true }, iat: Date.now() })).toString('base64url');
    expect(verifyCaller(`${forged}.${header.split('.')[1]}`, secret)).toBeNull();
    expect(verifyCaller(signCaller(caller, secret, Date.now() - 120_000), secret)).toBeNull();
    expect(verifyCaller('nonsense', secret)).toBeNull();
    expect(verifyCaller(undefined, secret)).toBeNull();
  });
});
