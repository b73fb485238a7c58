import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import {
  CALLER_HEADER,
  CALLER_LIFETIME_MS,
  callerHeaderId,
  REQUEST_SIGNATURE_HEADER,
  requestKey,
  signRequest,
  verifyCaller,
} from '../lib/auth/signed-caller.js';
import { subgraphNames } from '../lib/subgraph-names.js';
import { persons } from '../schema/access.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { makeIin } from './support/access-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// The access service's `POST /caller`: how any router (ours, Hive Gateway, Apollo Router)
// learns who is calling without a database or the secret. docs/authentication.md.

/** The 200 answer of `POST /caller`. */
interface Resolution {
  header: string;
  subgraphs: Record<string, string>;
  signatureHeader: string;
  requestKeys: Record<string, string>;
  expiresAt: string;
}

/** What a router puts on a request to `subgraph`: the caller header and a fresh signature over the exact body. */
function routerHeaders(resolution: Resolution, subgraph: string): (body: string) => Record<string, string> {
  return (body) => ({
    [resolution.header]: resolution.subgraphs[subgraph] as string,
    [resolution.signatureHeader]: signRequest(resolution.requestKeys[subgraph] as string, body),
  });
}

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
    const body = (await response.json()) as Resolution;
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'header', 'requestKeys', 'signatureHeader', 'subgraphs']);
    expect(body.header).toBe(CALLER_HEADER);
    expect(body.signatureHeader).toBe(REQUEST_SIGNATURE_HEADER);
    expect(Object.keys(body.subgraphs).sort()).toEqual([...subgraphNames].sort());
    expect(Object.keys(body.requestKeys).sort()).toEqual([...subgraphNames].sort());
    for (const name of subgraphNames) {
      expect(body.requestKeys[name]).toBe(requestKey(system.gatewaySecret, callerHeaderId(body.subgraphs[name] as string) as string));
    }
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
    const body = (await (await resolve(`Bearer ${supplier.token}`)).json()) as Resolution;
    const caller = verifyCaller(body.subgraphs.utilities, system.gatewaySecret, 'utilities') as Extract<Caller, { kind: 'person' }>;
    expect(caller).toMatchObject({ kind: 'person', ...supplier.owner, isAdministrator: false });
    expect(caller.grants.map((grant) => grant.grantId)).toEqual([supplier.grantId]);

    const accounts = '{ personalAccounts(first: 1) { edges { node { id } } } }';
    const own = await postGraphQL(system.subgraphUrls.utilities, accounts, {}, routerHeaders(body, 'utilities'));
    expect(own.errors).toBeUndefined();
    // The access subgraph's header, signed with its own key, sent to utilities.
    const replayed = await postGraphQL(system.subgraphUrls.utilities, accounts, {}, (text) => ({
      ...routerHeaders(body, 'access')(text),
    }));
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

describe('a caller header captured between a router and a subgraph', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
  });
  afterAll(async () => {
    await system?.close();
  });

  /** An administrator's resolution, and one request a router sends under it to the access subgraph, as seen on the wire. */
  async function capturedAdministratorRequest() {
    const response = await fetch(`${system.subgraphUrls.access}caller`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fixture.adminToken}` },
    });
    const resolution = (await response.json()) as Resolution;
    const body = JSON.stringify({ query: '{ me { isAdministrator } }', variables: {} });
    const headers: Record<string, string> = { 'content-type': 'application/json', ...routerHeaders(resolution, 'access')(body) };
    const send = (init: { body?: string; headers?: Record<string, string>; method?: string } = {}) =>
      fetch(system.subgraphUrls.access, { method: 'POST', headers, body, ...init });
    const original = await send();
    expect(original.status).toBe(200);
    expect(((await original.json()) as { data: unknown }).data).toEqual({ me: { isAdministrator: true } });
    return { resolution, body, headers, send };
  }

  const administrators = () => system.db.$count(persons, eq(persons.isAdministrator, true));

  it('cannot carry another body: an administrator header and signature replayed with a mutation creating an administrator is refused', async () => {
    const captured = await capturedAdministratorRequest();
    const before = await administrators();
    const mutation = JSON.stringify({
      query: 'mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }',
      variables: { input: { iin: makeIin(), fullName: 'Replayed Administrator', isAdministrator: true } },
    });
    const refused = await captured.send({ body: mutation });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      errors: [{ message: expect.stringMatching(/^The request does not match its signature/), extensions: { code: 'UNAUTHENTICATED' } }],
    });
    // Nor with a signature of its own under the header's id but without the key.
    const guessed = await captured.send({
      body: mutation,
      headers: { ...captured.headers, [REQUEST_SIGNATURE_HEADER]: signRequest('not the key', mutation) },
    });
    expect(guessed.status).toBe(401);
    expect(await administrators()).toBe(before);
  });

  it('cannot be sent again as it was: an exact replay of header, signature and body is refused', async () => {
    const captured = await capturedAdministratorRequest();
    const replayed = await captured.send();
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toMatch(/already been received/);
  });

  it('is refused without the body signature, and over GET, where the operation would travel outside the signed body', async () => {
    const captured = await capturedAdministratorRequest();
    const withoutSignature = { ...captured.headers };
    delete withoutSignature[REQUEST_SIGNATURE_HEADER];
    const unsigned = await captured.send({ headers: withoutSignature });
    expect(unsigned.status).toBe(401);
    const url = `${system.subgraphUrls.access}?query=${encodeURIComponent('{ me { isAdministrator } }')}`;
    const overGet = await fetch(url, { headers: { ...captured.headers, 'apollo-require-preflight': 'true' } });
    expect(overGet.status).toBe(401);
  });

  it('a router may send the same body twice under one header, each time freshly signed (two identical fetches of a plan)', async () => {
    const captured = await capturedAdministratorRequest();
    const again = await fetch(system.subgraphUrls.access, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...routerHeaders(captured.resolution, 'access')(captured.body) },
      body: captured.body,
    });
    expect(again.status).toBe(200);
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
