import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerForToken } from '../subgraphs/access/caller-resolution.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { makeBin, makeIin } from './support/access-fixtures.js';
import { type Issued, TestAuthority } from './support/signature-authority.js';
import { type GraphQLResponse, startTestSystem, type TestSystem } from './support/system.js';

// EDS sign-in through the gateway (issue 7, item 3) with a CA made by the test: the
// challenge, the signature over its nonce, the session token that then works, and the
// refusals (a replayed nonce, an expired one, a signature over another challenge, a
// certificate from outside the trust store, a revoked certificate).

let system: TestSystem;
let authority: TestAuthority;
let revoked: Issued;

beforeAll(async () => {
  authority = await TestAuthority.create('ECDSA');
  revoked = await authority.issue({ iin: makeIin(), commonName: 'ОТОЗВАННЫЙ СЕРТИФИКАТ' });
  authority.revoke(revoked);
  process.env.SIGNATURE_TRUST_ROOTS = authority.rootsPem;
  process.env.SIGNATURE_CRLS = `${await authority.crlPem()}\n${await authority.rootCrlPem()}`;
  system = await startTestSystem({ backgroundWork: false });
});
afterAll(async () => {
  await system?.close();
  delete process.env.SIGNATURE_TRUST_ROOTS;
  delete process.env.SIGNATURE_CRLS;
});

const challengeMutation = 'mutation { requestSignInChallenge { id nonce expiresAt } }';
const signInMutation = `mutation($id: ID!, $signature: String!) {
  signInWithSignature(challengeId: $id, signature: $signature) { token personId registered apiToken { id expiresAt } }
}`;

async function challenge(): Promise<{ id: string; nonce: string; expiresAt: string }> {
  const response = await system.query(challengeMutation);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data?.requestSignInChallenge;
}

function nonceBytes(nonce: string): Uint8Array {
  return new TextEncoder().encode(nonce);
}

async function signIn(id: string, signature: string): Promise<GraphQLResponse> {
  return system.query(signInMutation, { id, signature });
}

function refusal(response: GraphQLResponse): { code: unknown; reason: unknown } {
  const error = response.errors?.[0];
  return { code: error?.extensions?.code, reason: error?.extensions?.reason };
}

describe('EDS sign-in through the gateway', () => {
  it('signs a person in with a certificate of the trusted CA, registering them at first, and the token works', async () => {
    const iin = makeIin();
    const signer = await authority.issue({ iin, commonName: 'АХМЕТОВА ДИНАРА' });
    const first = await challenge();
    expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(first.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1_000);

    const response = await signIn(first.id, await authority.sign(signer, nonceBytes(first.nonce)));
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const signedIn = response.data?.signInWithSignature;
    expect(signedIn).toMatchObject({ registered: true, token: expect.stringMatching(/^kzh_/) });
    expect(signedIn.apiToken.id).toMatch(/^[0-9a-f-]{36}$/);

    const me = await system.query('{ me { person { id iin fullName } isAdministrator grants { id } } }', undefined, {
      token: signedIn.token,
    });
    expect(me.errors, JSON.stringify(me.errors)).toBeUndefined();
    expect(me.data?.me).toEqual({
      person: { id: signedIn.personId, iin, fullName: 'АХМЕТОВА ДИНАРА' },
      isAdministrator: false,
      grants: [],
    });

    // The session says it was established by EDS sign-in (what electronic voting asks for); one issued otherwise does not.
    expect(await callerForToken(system.db, signedIn.token)).toMatchObject({ kind: 'person', authentication: 'EDS' });
    const issued = await new TokenRepository(system.db).issueSessionToken(signedIn.personId);
    expect(await callerForToken(system.db, issued.token)).toMatchObject({ kind: 'person', authentication: 'ISSUED' });

    // The next sign-in finds the same person.
    const second = await challenge();
    const again = await signIn(second.id, await authority.sign(signer, nonceBytes(second.nonce)));
    expect(again.data?.signInWithSignature).toMatchObject({ personId: signedIn.personId, registered: false });
  });

  it("signs an organisation's employee in as the person their certificate's IIN names", async () => {
    const iin = makeIin();
    const employee = await authority.issue({ iin, commonName: 'СЕРИКОВ АЙДАР', bin: makeBin() });
    const { id, nonce } = await challenge();
    const response = await signIn(id, await authority.sign(employee, nonceBytes(nonce)));
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const me = await system.query('{ me { person { iin } } }', undefined, { token: response.data?.signInWithSignature.token });
    expect(me.data?.me.person.iin).toBe(iin);
  });

  it('refuses a replayed nonce: a challenge signs in once', async () => {
    const signer = await authority.issue({ iin: makeIin(), commonName: 'ПОВТОР ПОВТОРОВ' });
    const { id, nonce } = await challenge();
    const signature = await authority.sign(signer, nonceBytes(nonce));
    expect((await signIn(id, signature)).errors).toBeUndefined();
    const replay = await signIn(id, signature);
    expect(replay.data?.signInWithSignature ?? null).toBeNull();
    expect(refusal(replay)).toEqual({ code: 'UNAUTHENTICATED', reason: 'CHALLENGE_USED' });
  });

  it('refuses two concurrent sign-ins with one challenge but one', async () => {
    const signer = await authority.issue({ iin: makeIin(), commonName: 'ДВОЙНОЙ ВХОД' });
    const { id, nonce } = await challenge();
    const signature = await authority.sign(signer, nonceBytes(nonce));
    const results = await Promise.all([signIn(id, signature), signIn(id, signature), signIn(id, signature)]);
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.filter((r) => r.errors).map((r) => refusal(r).reason)).toEqual(['CHALLENGE_USED', 'CHALLENGE_USED']);
  });

  it('refuses an expired nonce', async () => {
    const signer = await authority.issue({ iin: makeIin(), commonName: 'ОПОЗДАВШИЙ' });
    const { id, nonce } = await challenge();
    await system.db.execute(sql`update access.sign_in_challenges set expires_at = now() - interval '1 second' where id = ${id}::uuid`);
    const response = await signIn(id, await authority.sign(signer, nonceBytes(nonce)));
    expect(refusal(response)).toEqual({ code: 'UNAUTHENTICATED', reason: 'CHALLENGE_EXPIRED' });
  });

  it("refuses a valid signature over another challenge's nonce, and the challenge stays usable", async () => {
    const signer = await authority.issue({ iin: makeIin(), commonName: 'ЧУЖОЙ ВЫЗОВ' });
    const mine = await challenge();
    const other = await challenge();
    const response = await signIn(mine.id, await authority.sign(signer, nonceBytes(other.nonce)));
    expect(refusal(response)).toEqual({ code: 'UNAUTHENTICATED', reason: 'CONTENT_ALTERED' });
    expect((await signIn(mine.id, await authority.sign(signer, nonceBytes(mine.nonce)))).errors).toBeUndefined();
  });

  it('refuses a certificate of another person issued by a CA outside the trust store', async () => {
    const stranger = await TestAuthority.create('ECDSA', 'Test national CA');
    const forged = await stranger.issue({ iin: makeIin(), commonName: 'САМОЗВАНЕЦ' });
    const { id, nonce } = await challenge();
    const response = await signIn(id, await stranger.sign(forged, nonceBytes(nonce)));
    expect(refusal(response)).toEqual({ code: 'UNAUTHENTICATED', reason: 'UNKNOWN_CA' });
    const persons = await system.db.execute<{ n: number }>(
      sql`select count(*)::int as n from access.persons where full_name = 'САМОЗВАНЕЦ'`,
    );
    expect(persons[0]?.n).toBe(0);
  });

  it('refuses a revoked certificate, an RSA certificate of the same CA works, and garbage is MALFORMED', async () => {
    const first = await challenge();
    expect(refusal(await signIn(first.id, await authority.sign(revoked, nonceBytes(first.nonce))))).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'REVOKED',
    });
    const rsa = await authority.issue({ iin: makeIin(), commonName: 'RSA КЛЮЧ' }, { kind: 'RSA' });
    expect((await signIn(first.id, await authority.sign(rsa, nonceBytes(first.nonce)))).errors).toBeUndefined();
    const second = await challenge();
    expect(refusal(await signIn(second.id, 'bm90IGEgc2lnbmF0dXJl'))).toEqual({ code: 'UNAUTHENTICATED', reason: 'MALFORMED' });
  });

  it('refuses an unknown challenge id', async () => {
    const response = await signIn('00000000-0000-4000-8000-000000000000', 'AAAA');
    expect(refusal(response)).toEqual({ code: 'UNAUTHENTICATED', reason: 'UNKNOWN_CHALLENGE' });
  });
});
