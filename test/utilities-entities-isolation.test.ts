import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildSubgraph, createSubgraphContext } from '../lib/subgraph-server.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { AuthFixture, makeBin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// Issue 8: a supplier cannot read another supplier's records through `_entities` either.
// Accounts, meters, buildings and networks are probed in their own tests; here every other
// record type a supplier keeps (charges, payments and their documents, balances, readings,
// tariffs, billing periods, norms, account history), which are no entities: asking for one
// refuses the whole call. And the entities that lead to a supplier's records (a premise's
// meters, a meter's readings) give another supplier nothing.

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other subgraph tests
type Answer = { data?: any; errors?: readonly GraphQLError[] };

const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const upsertMeters = `mutation($supplierId: ID!, $meters: [MeterInput!]!) {
  upsertMeters(supplierId: $supplierId, meters: $meters) { items { id } } }`;
const submit = `mutation($supplierId: ID!, $readings: [MeterReadingInput!]!) {
  submitReadings(supplierId: $supplierId, readings: $readings) { created } }`;

describe('_entities across suppliers', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  let supplierA: Caller;
  let supplierB: Caller;
  let supplierAId: string;
  let premiseId: string;
  let meterId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 1 });
    const fixture = await AuthFixture.create(database.db);
    const [buildingId] = (await insertBuildingsWithApartments(database.db, 1, 1)) as [string];
    const [premise] = await database.db.execute<{ id: string }>(sql`select id from buildings.premises where building_id = ${buildingId}`);
    premiseId = premise!.id;
    const functions = [
      AccessFunction.MetersMaintain,
      AccessFunction.ReadingsSubmit,
      AccessFunction.TariffsMaintain,
      AccessFunction.PersonalAccountsMaintain,
    ];
    const a = await fixture.machine('UTILITY_SUPPLIER', functions);
    const b = await fixture.machine('UTILITY_SUPPLIER', functions);
    supplierA = await a.caller();
    supplierB = await b.caller();
    const suppliers = new SupplierRepository(database.db);
    supplierAId = (await suppliers.insert({ subjectId: a.subjectId, name: 'A', bin: makeBin(), services: ['WATER_SUPPLY'] })).id;
    await suppliers.insert({ subjectId: b.subjectId, name: 'B', bin: makeBin(), services: ['WATER_SUPPLY'] });
    schema = buildSubgraph(utilities);
    const meters = await ok(supplierA, upsertMeters, {
      supplierId: supplierAId,
      meters: [
        {
          kind: 'INDIVIDUAL',
          buildingId,
          premiseNumber: '1',
          service: 'WATER_SUPPLY',
          serialNumber: 'A-1',
          capacityDigits: 5,
          tariffZones: 1,
          installedAt: '2025-01-10',
        },
      ],
    });
    meterId = meters.upsertMeters.items[0].id;
    await ok(supplierA, submit, {
      supplierId: supplierAId,
      readings: [{ serialNumber: 'A-1', takenOn: '2025-02-01', value: '10', source: 'SUPPLIER' }],
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  async function run(caller: Caller, source: string, variables: Record<string, unknown>): Promise<Answer> {
    return graphql({ schema, source, variableValues: variables, contextValue: createSubgraphContext(utilities, database.db, caller) });
  }
  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other subgraph tests
  async function ok(caller: Caller, source: string, variables: Record<string, unknown>): Promise<any> {
    const result = await run(caller, source, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  }
  const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`;

  it.each([
    'Charge',
    'PaymentDocument',
    'PaymentDocumentLine',
    'AccountBalance',
    'MeterReading',
    'Tariff',
    'BillingPeriod',
    'ConsumptionNorm',
    'PersonalAccountChange',
    'TariffChangePreviewLine',
  ])('refuses a %s asked for as an entity, with the caller’s own entity beside it, as a whole', async (typename) => {
    for (const caller of [supplierB, supplierA]) {
      const result = await run(caller, entities('... on Meter { id }'), {
        r: [
          { __typename: 'Meter', id: meterId },
          { __typename: typename, id: meterId, supplierId: supplierAId },
        ],
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.data?._entities ?? null).toBeNull();
    }
  });

  it("gives another supplier neither a premise's meters nor a meter's readings; the owner both", async () => {
    const query = entities(`... on Premise { id meters { id serialNumber } }
      ... on Meter { id readings(from: "2025-01-01", to: "2025-12-31") { value } }`);
    const r = [
      { __typename: 'Premise', id: premiseId },
      { __typename: 'Meter', id: meterId },
    ];
    const own = await ok(supplierA, query, { r });
    expect(own._entities).toEqual([
      { __typename: 'Premise', id: premiseId, meters: [{ id: meterId, serialNumber: 'A-1' }] },
      { __typename: 'Meter', id: meterId, readings: [{ value: '10.000' }] },
    ]);
    const other = await ok(supplierB, query, { r });
    expect(other._entities).toEqual([{ __typename: 'Premise', id: premiseId, meters: [] }, null]);
  });
});
