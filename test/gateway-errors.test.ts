import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerEndpointOf } from '../gateway/caller-client.js';
import { startGateway } from '../gateway/server.js';
import { AccessFunction } from '../lib/auth/functions.js';
import type { RunningServer } from '../lib/http-server.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';
import { buildingInput, REGISTER } from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { type GraphQLResponse, postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

/**
 * Findings 3 and 7 of issue 9: a client's mistake is a 4xx with a code it can act on,
 * never a 500, and nothing of it reaches PostgreSQL; no field names are suggested while
 * introspection is off; and a field refused on every row is refused once.
 */
describe('client mistakes through the gateway', () => {
  let system: TestSystem;
  /** Introspection off, as in production: no suggestions. Quotas off: not what this file tests. */
  let closed: RunningServer;
  let fixture: AuthFixture;
  let registrar: string;

  beforeAll(async () => {
    system = await startTestSystem();
    await seedDemoData(
      system.db,
      { buildings: 60 },
      demoSeeders.filter((seeder) => seeder.name === 'buildings'),
    );
    fixture = await AuthFixture.create(system.db);
    registrar = (await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain])).token;
    closed = await startGateway({
      callerUrl: callerEndpointOf(system.subgraphUrls.access),
      subgraphUrls: system.subgraphUrls,
      host: '127.0.0.1',
      port: 0,
      ide: false,
      quotas: false,
    });
  });
  afterAll(async () => {
    await closed?.close();
    await system?.close();
  });

  async function post(body: unknown, headers: Record<string, string> = {}, url = system.gatewayUrl): Promise<GraphQLResponse> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
  }

  function expectCode(response: GraphQLResponse, status: number, code: string): void {
    expect({ status: response.status, code: response.errors?.[0]?.extensions?.code }).toEqual({ status, code });
  }

  const buildingCount = async () =>
    Number((await system.db.execute<{ n: string }>(sql`select count(*) as n from buildings.buildings`))[0]?.n);

  describe('choosing the operation', () => {
    const two = 'query A { directories { name } } query B { regions(level: 1) { katoCode } }';

    it('two operations without operationName: 400, not 500', async () => {
      const response = await post({ query: two });
      expectCode(response, 400, 'OPERATION_RESOLUTION_FAILURE');
      expect(response.errors?.[0]?.message).toMatch(/2 operations.*operationName/);
    });

    it('an unknown or an empty operationName: 400, not 500', async () => {
      expectCode(await post({ query: two, operationName: 'C' }), 400, 'OPERATION_RESOLUTION_FAILURE');
      expectCode(await post({ query: 'query A { directories { name } }', operationName: '' }), 400, 'OPERATION_RESOLUTION_FAILURE');
      const chosen = await post({ query: two, operationName: 'B' });
      expect(chosen.status).toBe(200);
      expect(chosen.data?.regions.length).toBeGreaterThan(0);
    });
  });

  describe('the GraphQL-over-HTTP status codes', () => {
    it('answers malformed requests with the 4xx the specification names', async () => {
      expectCode(await post({ query: '{ directories { name }' }), 400, 'GRAPHQL_PARSE_FAILED');
      expectCode(await post({ query: '{ noSuchField }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
      expectCode(await post({}), 400, 'BAD_REQUEST');
      expectCode(
        await post({ query: 'query($k: String!) { region(katoCode: $k) { katoCode } }', variables: { k: 5 } }),
        400,
        'BAD_USER_INPUT',
      );
      const get = await fetch(`${system.gatewayUrl}?query=${encodeURIComponent('mutation { __typename }')}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(get.status).toBe(405);
      const text = await fetch(system.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{ directories { name } }',
      });
      expect(text.status).toBe(415);
      const graphqlResponse = await post({ query: '{ noSuchField }' }, { accept: 'application/graphql-response+json' });
      expectCode(graphqlResponse, 400, 'GRAPHQL_VALIDATION_FAILED');
    });
  });

  describe('text that cannot be stored, and dates out of their scalar', () => {
    const byCadastral = 'query($c: String!) { buildingByCadastralNumber(cadastralNumber: $c) { id } }';

    it('a NUL or a lone surrogate in a variable: BAD_USER_INPUT naming it, before any subgraph is asked', async () => {
      const nul = await post({ query: byCadastral, variables: { c: '20-311-\u0000' } });
      expectCode(nul, 400, 'BAD_USER_INPUT');
      expect(nul.errors?.[0]?.extensions?.field).toBe('c');
      expectCode(await post({ query: byCadastral, variables: { c: '20-311-\ud800' } }), 400, 'BAD_USER_INPUT');
      expectCode(await post({ query: byCadastral, variables: { c: '20-311-\udc00x' } }), 400, 'BAD_USER_INPUT');
      // A well-formed pair is text like any other.
      const emoji = await post({ query: byCadastral, variables: { c: '20-311-\ud83d\ude00' } });
      expect(emoji.status).toBe(200);
      expect(emoji.data?.buildingByCadastralNumber).toBeNull();
    });

    it('a NUL in a literal argument, and a lone surrogate escape in one, are refused with 400', async () => {
      const nul = await post({ query: '{ buildingByAddressRegistrationCode(addressRegistrationCode: "0000\\u0000") { id } }' });
      expectCode(nul, 400, 'BAD_USER_INPUT');
      expect(nul.errors?.[0]?.extensions?.field).toBe('addressRegistrationCode');
      // GraphQL's grammar has no lone surrogates: a syntax error.
      expectCode(
        await post({ query: '{ buildingByAddressRegistrationCode(addressRegistrationCode: "\\ud800") { id } }' }),
        400,
        'GRAPHQL_PARSE_FAILED',
      );
    });

    it('in a mutation input, nested: refused with the field path, and nothing is written', async () => {
      const before = await buildingCount();
      const response = await post(
        { query: REGISTER, variables: { input: buildingInput({ cadastralNumber: 'bad\u0000number' }) } },
        { authorization: `Bearer ${registrar}` },
      );
      expectCode(response, 400, 'BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.field).toBe('input.cadastralNumber');
      expect(await buildingCount()).toBe(before);
    });

    it('a malformed, impossible or out-of-range Date, as a literal or a variable: BAD_USER_INPUT, nothing written', async () => {
      const before = await buildingCount();
      const input = buildingInput();
      const literal = REGISTER.replace('($input: RegisterBuildingInput!)', '').replace(
        'registerBuilding(input: $input)',
        `registerBuilding(input: { ${Object.entries({ ...input, lastCapitalRepairDate: '2024-13-45' })
          .map(([key, value]) => `${key}: ${typeof value === 'string' && !/^[A-Z_]+$/.test(value) ? JSON.stringify(value) : String(value)}`)
          .join(', ')} })`,
      );
      const malformed = await post({ query: literal }, { authorization: `Bearer ${registrar}` });
      expectCode(malformed, 400, 'BAD_USER_INPUT');
      expect(malformed.errors?.[0]?.extensions?.field).toBe('input.lastCapitalRepairDate');
      for (const date of ['2023-02-29', '15.05.2010', '0000-01-01', '9999-12-31']) {
        const response = await post(
          { query: REGISTER, variables: { input: { ...buildingInput(), lastCapitalRepairDate: date } } },
          { authorization: `Bearer ${registrar}` },
        );
        expectCode(response, 400, 'BAD_USER_INPUT');
      }
      expect(await buildingCount()).toBe(before);
    });

    it('a cursor carrying an out-of-range instant: BAD_USER_INPUT from the list, not a database error', async () => {
      const cursor = Buffer.from(
        JSON.stringify(['access.subjects', '00000000-0000-4000-8000-000000000000', '9999-12-31T00:00:00Z']),
      ).toString('base64url');
      const response = await system.query(
        'query($after: String) { subjects(first: 5, after: $after) { edges { node { id } } } }',
        { after: cursor },
        { token: fixture.adminToken },
      );
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.field).toBe('after');
    });
  });

  describe('no suggestions while introspection is off', () => {
    it('the gateway names no field, argument or enum value the caller did not ask for', async () => {
      const open = await post({ query: '{ directorie { name } }' });
      expect(open.errors?.[0]?.message).toMatch(/Did you mean "directories"\?/);
      const queries = [
        { query: '{ directorie { name } }' },
        { query: '{ buildings(firs: 5) { totalCount } }' },
        { query: '{ buildings(filter: { conditions: [EMERGENC] }) { totalCount } }' },
        {
          query: 'query($c: [BuildingCondition!]) { buildings(filter: { conditions: $c }) { totalCount } }',
          variables: { c: ['EMERGENC'] },
        },
        { query: 'query($f: BuildingFilter) { buildings(filter: $f) { totalCount } }', variables: { f: { katoCod: '750000000' } } },
      ];
      for (const body of queries) {
        const response = await post(body, {}, closed.url);
        expect(response.status).toBe(400);
        for (const error of response.errors ?? []) expect(error.message).not.toMatch(/Did you mean/);
      }
    });

    it('nor does a subgraph asked directly', async () => {
      const response = await postGraphQL(
        system.subgraphUrls.buildings,
        '{ directorie { name } }',
        {},
        callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
      );
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.message).toBe('Cannot query field "directorie" on type "Query".');
    });
  });

  describe('a field refused on every row', () => {
    it('is refused once per field path, with the number of rows in extensions.count', async () => {
      const response = await post({
        query: '{ buildings(first: 500) { edges { node { premises { owners { identificationNumber } } } } } }',
      });
      expect(response.status).toBe(200);
      type Page = { edges: Array<{ node: { premises: Array<{ owners: Array<{ identificationNumber: string | null }> }> } }> };
      const owners =
        (response.data?.buildings as Page | undefined)?.edges.flatMap((edge) => edge.node.premises.flatMap((premise) => premise.owners)) ??
        [];
      expect(owners.length).toBeGreaterThan(100);
      expect(owners.every((owner) => owner.identificationNumber === null)).toBe(true);
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]).toMatchObject({
        path: ['buildings', 'edges', 0, 'node', 'premises', 0, 'owners', 0, 'identificationNumber'],
        extensions: { code: 'FORBIDDEN', count: owners.length },
      });
    });
  });
});
