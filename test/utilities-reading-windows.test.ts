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

// Reading windows per supplier and building (issue 8, item 4: "days of the month that drive
// reminders"): a supplier's default window, a building's window overriding it, the days
// checked, and the reminders they drive on a day, worked out by hand:
//   default window 20–25; building B's window 1–5; building A keeps the default.
//   A-1 (A, read on 3 March), A-2 (A, not read in March), A-GONE (A, removed), A-NEW (A, installed 24 March),
//   B-1 (B, not read in March).
//   On 22 March: A-2 only (A-1 read this month, A-GONE removed, A-NEW not installed yet, B's window closed).
//   On 3 March: B-1 only. On 10 March: nothing. A window of the 30th–31st is 28 February alone.

const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other subgraph tests
type Answer = { data?: any; errors?: readonly GraphQLError[] };

const setWindow = `mutation($s: ID!, $input: ReadingWindowInput!) {
  setReadingWindow(supplierId: $s, input: $input) { window { id firstDay lastDay building { id } supplier { id } } receipt { id } } }`;
const windows = `query($s: ID!) { readingWindows(supplierId: $s) { firstDay lastDay building { id } } }`;
const reminders = `query($s: ID!, $on: Date) {
  readingReminders(supplierId: $s, on: $on) { meter { serialNumber } windowFirstDay windowLastDay closesOn } }`;

describe('reading windows and the reminders they drive', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  let supplier: Caller;
  let other: Caller;
  let metersOnly: Caller;
  let supplierId: string;
  let buildingA: string;
  let buildingB: string;

  async function run(caller: Caller, source: string, variables: Record<string, unknown>): Promise<Answer> {
    return graphql({ schema, source, variableValues: variables, contextValue: createSubgraphContext(utilities, database.db, caller) });
  }
  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other subgraph tests
  async function ok(caller: Caller, source: string, variables: Record<string, unknown>): Promise<any> {
    const result = await run(caller, source, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  }

  beforeAll(async () => {
    database = await createTestDatabase({ max: 1 });
    const fixture = await AuthFixture.create(database.db);
    [buildingA, buildingB] = (await insertBuildingsWithApartments(database.db, 2, 3)) as [string, string];
    const actor = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.MetersMaintain, AccessFunction.ReadingsSubmit]);
    supplier = await actor.caller();
    other = await (await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.ReadingsSubmit])).caller();
    metersOnly = await (await fixture.person('UTILITY_SUPPLIER', [AccessFunction.MetersMaintain], { subjectId: actor.subjectId })).caller();
    supplierId = (
      await new SupplierRepository(database.db).insert({
        subjectId: actor.subjectId,
        name: 'Vodokanal',
        bin: makeBin(),
        services: ['WATER_SUPPLY'],
      })
    ).id;
    schema = buildSubgraph(utilities);
    const meter = (serialNumber: string, buildingId: string, overrides: Record<string, unknown> = {}) => ({
      kind: 'INDIVIDUAL',
      buildingId,
      premiseNumber: '1',
      service: 'WATER_SUPPLY',
      serialNumber,
      capacityDigits: 5,
      tariffZones: 1,
      installedAt: '2025-01-10',
      ...overrides,
    });
    await ok(supplier, `mutation($s: ID!, $m: [MeterInput!]!) { upsertMeters(supplierId: $s, meters: $m) { created } }`, {
      s: supplierId,
      m: [
        meter('A-1', buildingA),
        meter('A-2', buildingA, { premiseNumber: '2' }),
        meter('A-GONE', buildingA, { premiseNumber: '3', status: 'REMOVED' }),
        meter('A-NEW', buildingA, { premiseNumber: '3', installedAt: '2025-03-24' }),
        meter('B-1', buildingB),
      ],
    });
    await ok(supplier, `mutation($s: ID!, $r: [MeterReadingInput!]!) { submitReadings(supplierId: $s, readings: $r) { created } }`, {
      s: supplierId,
      r: [
        { serialNumber: 'A-1', takenOn: '2025-02-21', value: '10', source: 'OWNER' },
        { serialNumber: 'A-1', takenOn: '2025-03-03', value: '12', source: 'OWNER' },
        { serialNumber: 'A-2', takenOn: '2025-02-21', value: '10', source: 'OWNER' },
        { serialNumber: 'B-1', takenOn: '2025-02-02', value: '10', source: 'OWNER' },
      ],
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('sets a default window and a building’s, replacing each on a second call, and lists them default first', async () => {
    const first = await ok(supplier, setWindow, { s: supplierId, input: { firstDay: 15, lastDay: 25 } });
    expect(first.setReadingWindow.window).toMatchObject({ firstDay: 15, lastDay: 25, building: null, supplier: { id: supplierId } });
    expect(first.setReadingWindow.receipt.id).toEqual(expect.any(String));
    const again = await ok(supplier, setWindow, { s: supplierId, input: { firstDay: 20, lastDay: 25 } });
    expect(again.setReadingWindow.window.id).toBe(first.setReadingWindow.window.id);
    await ok(supplier, setWindow, { s: supplierId, input: { buildingId: buildingB, firstDay: 1, lastDay: 5 } });
    expect((await ok(supplier, windows, { s: supplierId })).readingWindows).toEqual([
      { firstDay: 20, lastDay: 25, building: null },
      { firstDay: 1, lastDay: 5, building: { id: buildingB } },
    ]);
    const [count] = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from utilities.reading_windows`);
    expect(count?.n).toBe(2);
  });

  it('refuses days outside 1–31, a window running backwards, and a building not in the register, naming each', async () => {
    const bad = await run(supplier, setWindow, { s: supplierId, input: { firstDay: 0, lastDay: 32 } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(((bad.errors?.[0]?.extensions?.problems ?? []) as Array<{ field: string }>).map((p) => p.field)).toEqual([
      'input.firstDay',
      'input.lastDay',
    ]);
    const backwards = await run(supplier, setWindow, { s: supplierId, input: { firstDay: 10, lastDay: 9 } });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lastDay' });
    const nowhere = await run(supplier, setWindow, {
      s: supplierId,
      input: { buildingId: '00000000-0000-4000-8000-000000000000', firstDay: 1, lastDay: 2 },
    });
    expect(nowhere.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
  });

  it('reminds of the meters in service not read this month while their window is open', async () => {
    const on = async (day: string) => (await ok(supplier, reminders, { s: supplierId, on: day })).readingReminders;
    expect(await on('2025-03-22')).toEqual([
      { meter: { serialNumber: 'A-2' }, windowFirstDay: 20, windowLastDay: 25, closesOn: '2025-03-25' },
    ]);
    expect(await on('2025-03-03')).toEqual([
      { meter: { serialNumber: 'B-1' }, windowFirstDay: 1, windowLastDay: 5, closesOn: '2025-03-05' },
    ]);
    expect(await on('2025-03-10')).toEqual([]);
    // A-NEW installed on the 24th is due from then.
    expect((await on('2025-03-24')).map((r: { meter: { serialNumber: string } }) => r.meter.serialNumber).sort()).toEqual(['A-2', 'A-NEW']);
    // Once read, no more reminder.
    await ok(supplier, `mutation($s: ID!, $r: [MeterReadingInput!]!) { submitReadings(supplierId: $s, readings: $r) { created } }`, {
      s: supplierId,
      r: [{ serialNumber: 'A-2', takenOn: '2025-03-21', value: '11', source: 'OWNER' }],
    });
    expect(await on('2025-03-22')).toEqual([]);
  });

  it("moves a window's days past a short month's end onto its last day", async () => {
    await ok(supplier, setWindow, { s: supplierId, input: { buildingId: buildingB, firstDay: 30, lastDay: 31 } });
    expect(await ok(supplier, reminders, { s: supplierId, on: '2026-02-28' })).toEqual({
      readingReminders: [{ meter: { serialNumber: 'B-1' }, windowFirstDay: 28, windowLastDay: 28, closesOn: '2026-02-28' }],
    });
  });

  it('keeps windows and reminders to the supplier with READINGS_SUBMIT for it', async () => {
    for (const [caller, code] of [
      [other, 'FORBIDDEN'],
      [metersOnly, 'FORBIDDEN'],
      [{ kind: 'anonymous' } as Caller, 'UNAUTHENTICATED'],
    ] as const) {
      for (const [source, variables] of [
        [windows, { s: supplierId }],
        [reminders, { s: supplierId, on: '2025-03-22' }],
        [setWindow, { s: supplierId, input: { firstDay: 1, lastDay: 31 } }],
      ] as const) {
        const refused = await run(caller, source, variables);
        expect(refused.errors?.[0]?.extensions?.code, `${code} ${source.slice(0, 30)}`).toBe(code);
        expect(refused.data ?? null).toBeNull();
      }
    }
    expect((await ok(supplier, windows, { s: supplierId })).readingWindows.map((w: { firstDay: number }) => w.firstDay)).toEqual([20, 30]);
  });
});
