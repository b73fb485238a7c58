import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph, supergraphFile } from '../gateway/compose.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

describe('the federated gateway', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('the committed supergraph is what the subgraph schemas compose to (run `npm run compose` when this fails)', () => {
    expect(readFileSync(supergraphFile, 'utf8')).toBe(composeSupergraph());
  });

  it('refuses a request sent straight to a subgraph without the gateway credential', async () => {
    for (const url of Object.values(system.subgraphUrls)) {
      const response = await postGraphQL(url, '{ __typename }');
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.data ?? null).toBeNull();
    }
  });

  it('refuses a subgraph request whose caller header was not signed with the shared secret', async () => {
    const forged = `${Buffer.from(JSON.stringify({ caller: { kind: 'anonymous' }, iat: Date.now() })).toString('base64url')}.AAAA`;
    const response = await postGraphQL(system.subgraphUrls.buildings, '{ __typename }', {}, { 'x-housing-caller': forged });
    expect(response.status).toBe(401);
  });

  it('subgraphs send no inline traces unless configured, even when the request asks for them', async () => {
    const signed = callerHeaders({ kind: 'anonymous' }, system.gatewaySecret);
    const response = await postGraphQL(system.subgraphUrls.buildings, '{ directories { name } }', {}, (body) => ({
      ...signed(body),
      'apollo-federation-include-trace': 'ftv1',
    }));
    expect(response.errors).toBeUndefined();
    expect((response as { extensions?: Record<string, unknown> }).extensions?.ftv1).toBeUndefined();
  });

  it('serves the offline GraphiQL page and its scripts from the gateway itself', async () => {
    const page = await fetch(system.gatewayUrl.replace(/graphql$/, ''), { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('/ide/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|embeddable-sandbox)/);
    const script = await fetch(system.gatewayUrl.replace(/graphql$/, 'ide/graphiql.js'));
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it('lets browser frontends of other origins call it (bearer tokens, no cookies)', async () => {
    const preflight = await fetch(system.gatewayUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://analytics.example.kz',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { origin: 'https://analytics.example.kz', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ directories { name } }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('survives arbitrary request bodies and variables: never a 5xx, and it keeps answering', async () => {
    const operations = [
      'mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }',
      'query($first: Int, $after: String, $filter: BuildingFilter) { buildings(first: $first, after: $after, filter: $filter) { edges { node { id } } } }',
      'query($k: String!) { region(katoCode: $k) { katoCode } buildingByAddressRegistrationCode(addressRegistrationCode: $k) { id } }',
    ];
    const body = fc.oneof(
      fc.string().map((text) => text),
      fc.json(),
      fc
        .record({
          query: fc.constantFrom(...operations),
          variables: fc.dictionary(fc.constantFrom('input', 'first', 'after', 'filter', 'k'), fc.jsonValue()),
        })
        .map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const response = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        await response.arrayBuffer();
        return response.status < 500;
      }),
      { numRuns: 150 },
    );
    const after = await system.query('{ directories { name } }');
    expect(after.errors).toBeUndefined();
  });

  it('answers malformed requests with 4xx and a GraphQL error, never a 500', async () => {
    const badJson = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(badJson.status).toBe(400);
    const parseError = await system.query('{ buildings( }');
    expect(parseError.status).toBe(400);
    expect(parseError.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await system.query('{ noSuchField }');
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('keeps answering from the other subgraphs when one is down (runs last: it stops utilities)', async () => {
    await system.stopSubgraph('utilities');
    const response = await system.query('{ directories { name } supplier(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(response.status).toBe(200);
    expect(response.data?.directories.length).toBeGreaterThan(0);
    expect(response.data?.supplier ?? null).toBeNull();
    expect(response.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
