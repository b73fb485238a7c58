import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { CALLER_HEADER, CALLER_LIFETIME_MS, verifyCaller } from '../lib/auth/signed-caller.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { subgraphNames } from '../lib/subgraph-names.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// The access service's `POST /caller`: how any router (ours, Hive Gateway, Apollo Router)
// learns who is calling without a database or the secret. docs/authentication.md.

describe('the caller endpoint of the access service', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let endpoint: string;

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    endpoint = `${system.subgraphUrls.access}caller`;
  });
  afterAll(async () => {
    await system?.close();
  });

  const resolve = (authorization?: string) => fetch(endpoint, { method: 'POST', headers: authorization ? { authorization } : {} });

  it('answers an anonymous request with a header per subgraph, each valid for that subgraph only, for 30 seconds', async () => {
    const before = Date.now();
    const response = await resolve();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { header: string; subgraphs: Record<string, string>; expiresAt: string };
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'header', 'subgraphs']);
    expect(body.header).toBe(CALLER_HEADER);
    expect(Object.keys(body.subgraphs).sort()).toEqual([...subgraphNames].sort());
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt).toBeGreaterThan(before);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + CALLER_LIFETIME_MS);
    for (const name of subgraphNames) {
      for (const other of subgraphNames) {
        expect(verifyCaller(body.subgraphs[name], system.gatewaySecret, other)).toEqual(name === other ? { kind: 'anonymous' } : null);
      }
    }
  });

  it('resolves a token to its holder and grants in force, and each subgraph accepts only its own header', async () => {
    const supplier = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const body = (await (await resolve(`Bearer ${supplier.token}`)).json()) as { subgraphs: Record<string, string> };
    const caller = verifyCaller(body.subgraphs.utilities, system.gatewaySecret, 'utilities') as Extract<Caller, { kind: 'person' }>;
    expect(caller).toMatchObject({ kind: 'person', ...supplier.owner, isAdministrator: false });
    expect(caller.grants.map((grant) => grant.grantId)).toEqual([supplier.grantId]);

    const accounts = '{ personalAccounts(first: 1) { edges { node { id } } } }';
    const own = await postGraphQL(system.subgraphUrls.utilities, accounts, {}, { [CALLER_HEADER]: body.subgraphs.utilities as string });
    expect(own.errors).toBeUndefined();
    const replayed = await postGraphQL(system.subgraphUrls.utilities, accounts, {}, { [CALLER_HEADER]: body.subgraphs.access as string });
    expect(replayed.status).toBe(401);
    expect(replayed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a bad, malformed or revoked token with 401 UNAUTHENTICATED, the revocation on the very next call', async () => {
    const supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    expect((await resolve(`Bearer ${supplier.token}`)).status).toBe(200);
    const tokenId = ((await supplier.caller()) as Extract<Caller, { kind: 'machine' }>).tokenId;
    await new TokenRepository(system.db).revoke(tokenId);
    for (const authorization of [`Bearer ${supplier.token}`, 'Basic dXNlcjpwYXNz', 'Bearer short']) {
      const refused = await resolve(authorization);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  });

  it('sees a revoked grant on the very next call: the caller has no grant left', async () => {
    const supplier = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const grantsNow = async () => {
      const body = (await (await resolve(`Bearer ${supplier.token}`)).json()) as { subgraphs: Record<string, string> };
      return (verifyCaller(body.subgraphs.utilities, system.gatewaySecret, 'utilities') as Extract<Caller, { kind: 'person' }>).grants;
    };
    expect(await grantsNow()).toHaveLength(1);
    await fixture.revoke(supplier.grantId);
    expect(await grantsNow()).toEqual([]);
  });

  it('answers only POST', async () => {
    const response = await fetch(endpoint);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('refusals through the gateway', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  it("pass the subgraph's code and message through, never its address or raw response", async () => {
    const response = await system.query('{ personalAccounts(first: 1) { edges { node { id } } } }');
    expect(response.errors).toEqual([
      { message: 'Sign in: this operation needs a valid token in the Authorization header.', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    const text = JSON.stringify(response);
    for (const url of Object.values(system.subgraphUrls)) expect(text).not.toContain(new URL(url).host);
    expect(text).not.toContain('"response"');
  });
});
