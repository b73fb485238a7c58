import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildSubgraph, createSubgraphContext } from '../lib/subgraph-server.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { AuthFixture, makeBin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// The reading rules of p.4.13 that test/utilities-meters-readings.test.ts does not exercise
// one by one: each is broken alone here, so a rule that stops holding fails its own case.
// Kinds and sources are stored and read back as sent.

const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const upsertMeters = `mutation($supplierId: ID!, $meters: [MeterInput!]!) {
  upsertMeters(supplierId: $supplierId, meters: $meters) { created items { key id } } }`;
const submit = `mutation($supplierId: ID!, $readings: [MeterReadingInput!]!, $mode: BulkMode) {
  submitReadings(supplierId: $supplierId, readings: $readings, mode: $mode) {
    created rejected items { index key status errors { field message } } } }`;
const readingsOf = `query($id: ID!) { meter(id: $id) { readings(from: "2025-01-01", to: "2025-12-31") { takenOn zone value kind source } } }`;

describe('reading rules, one at a time', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  let supplier: Caller;
  let supplierId: string;
  let buildingId: string;
  const meterIds: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase({ max: 1 });
    const fixture = await AuthFixture.create(database.db);
    [buildingId] = (await insertBuildingsWithApartments(database.db, 1, 2)) as [string];
    const actor = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.MetersMaintain, AccessFunction.ReadingsSubmit]);
    supplier = await actor.caller();
    supplierId = (
      await new SupplierRepository(database.db).insert({
        subjectId: actor.subjectId,
        name: 'Vodokanal',
        bin: makeBin(),
        services: ['WATER_SUPPLY'],
      })
    ).id;
    schema = buildSubgraph(utilities);
    const meter = (serialNumber: string, tariffZones: number) => ({
      key: serialNumber,
      kind: 'INDIVIDUAL',
      buildingId,
      premiseNumber: '1',
      service: 'WATER_SUPPLY',
      serialNumber,
      capacityDigits: 5,
      tariffZones,
      installedAt: '2025-01-10',
    });
    const placed = await ok(upsertMeters, { supplierId, meters: [meter('R-1', 1), meter('R-3', 3)] });
    expect(placed.upsertMeters.created).toBe(2);
    for (const item of placed.upsertMeters.items) meterIds[item.key] = item.id;
  });
  afterAll(async () => {
    await database?.close();
  });

  async function run(source: string, variables: Record<string, unknown>) {
    return graphql({ schema, source, variableValues: variables, contextValue: createSubgraphContext(utilities, database.db, supplier) });
  }
  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other subgraph tests
  async function ok(source: string, variables: Record<string, unknown>): Promise<any> {
    const result = await run(source, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  }
  /**
   * The fields each reading of a PER_ITEM call is refused on, in input order ([] when stored):
   * one message per field, the first rule it breaks.
   */
  async function refusedFields(readings: Array<Record<string, unknown>>): Promise<string[][]> {
    const data = await ok(submit, { supplierId, mode: 'PER_ITEM', readings });
    return data.submitReadings.items.map((item: { errors: Array<{ field: string }> }) => item.errors.map((error) => error.field));
  }
  const reading = (serialNumber: string, takenOn: string, value: string, overrides: Record<string, unknown> = {}) => ({
    key: `${serialNumber}@${takenOn}`,
    serialNumber,
    takenOn,
    value,
    source: 'SUPPLIER',
    ...overrides,
  });

  it('refuses an empty call as a whole', async () => {
    const result = await run(submit, { supplierId, readings: [] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'readings' });
  });

  it('refuses a zone outside 1 to 3 even on a three-zone meter', async () => {
    expect(
      await refusedFields([
        reading('R-3', '2025-02-01', '1', { zone: 0 }),
        reading('R-3', '2025-02-01', '1', { zone: 4 }),
        reading('R-3', '2025-02-01', '1', { zone: 3 }),
      ]),
    ).toEqual([['readings[0].zone'], ['readings[1].zone'], []]);
  });

  it('refuses an empty serial number and one over 50 characters, and a key over 200', async () => {
    expect(
      await refusedFields([
        reading('  ', '2025-02-01', '1'),
        reading('R'.repeat(51), '2025-02-01', '1'),
        reading('R-1', '2025-02-01', '1', { key: 'k'.repeat(201) }),
      ]),
    ).toEqual([['readings[0].serialNumber'], ['readings[1].serialNumber'], ['readings[2].key']]);
  });

  it('refuses the meter, zone and day repeated within one call, keeping the first', async () => {
    expect(
      await refusedFields([
        reading('R-1', '2025-03-01', '10'),
        reading('R-1', '2025-03-01', '11', { key: 'again' }),
        // Another zone of the same day is another reading.
        reading('R-3', '2025-03-01', '5', { zone: 2 }),
        reading('R-3', '2025-03-01', '6', { zone: 3 }),
      ]),
    ).toEqual([[], ['readings[1].takenOn'], [], []]);
  });

  it("refuses a value the meter's counter cannot show, and a malformed one", async () => {
    // 5 digits: 99999.999 is the most the counter shows.
    expect(
      await refusedFields([
        reading('R-1', '2025-04-01', '100000'),
        reading('R-1', '2025-04-02', '12.3456'),
        reading('R-1', '2025-04-03', '-1'),
        reading('R-1', '2025-04-04', '99999.999'),
      ]),
    ).toEqual([['readings[0].value'], ['readings[1].value'], ['readings[2].value'], []]);
  });

  it('refuses a drop that is no plausible rollover, and takes one that is', async () => {
    // After 99999.999 (4 April): 50 implies 100000 − 99999.999 + 50 = 50.001, within 10% of the capacity: a rollover.
    // 20000 after that implies a drop of nothing: it is a rise. 10 after 20000 implies 80010 > 10000: refused.
    expect(
      await refusedFields([reading('R-1', '2025-05-01', '50'), reading('R-1', '2025-06-01', '20000'), reading('R-1', '2025-07-01', '10')]),
    ).toEqual([[], [], ['readings[2].value']]);
  });

  it('stores each kind and source as sent, a current reading by the supplier when the kind is left out', async () => {
    expect(
      await refusedFields([
        reading('R-3', '2025-08-01', '7', { kind: 'AT_VERIFICATION', source: 'CONTROLLER' }),
        reading('R-3', '2025-08-01', '8', { zone: 2, kind: 'CONTROL', source: 'OWNER' }),
        reading('R-3', '2025-08-01', '9', { zone: 3, source: 'AUTOMATIC' }),
      ]),
    ).toEqual([[], [], []]);
    const read = await ok(readingsOf, { id: meterIds['R-3'] });
    const august = read.meter.readings.filter((r: { takenOn: string }) => r.takenOn === '2025-08-01');
    expect(august.map((r: Record<string, unknown>) => [r.zone, r.kind, r.source])).toEqual([
      [1, 'AT_VERIFICATION', 'CONTROLLER'],
      [2, 'CONTROL', 'OWNER'],
      [3, 'CURRENT', 'AUTOMATIC'],
    ]);
  });
});
