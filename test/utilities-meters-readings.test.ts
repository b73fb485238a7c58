import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildSubgraph, createSubgraphContext } from '../lib/subgraph-server.js';
import { almatyDate } from '../lib/working-calendar.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { judgeReading, thousandths } from '../subgraphs/utilities/reading-manager.js';
import { ensureReadingPartitions } from '../subgraphs/utilities/reading-partitions.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { AuthFixture, makeBin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// The schema comes from @apollo/subgraph's CommonJS graphql; execute with the same copy.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

// Meters (p.4.12) and readings (p.4.13) on the utilities subgraph alone: every reading rule
// with hand-computed consumptions, the bulk path's per-item results, the supplier's scope,
// set-wise checks, and the monthly partitions of readings.

const upsertMeters = `mutation($supplierId: ID!, $meters: [MeterInput!]!, $mode: BulkMode, $key: String) {
  upsertMeters(supplierId: $supplierId, meters: $meters, mode: $mode, idempotencyKey: $key) {
    created updated rejected replayed items { index key id status errors { field message } } receipt { id } } }`;
const submit = `mutation($supplierId: ID!, $readings: [MeterReadingInput!]!, $mode: BulkMode, $key: String) {
  submitReadings(supplierId: $supplierId, readings: $readings, mode: $mode, idempotencyKey: $key) {
    created updated rejected replayed items { index key id status errors { field message } } } }`;
const readingsOf = `query($id: ID!, $from: Date!, $to: Date!) { meter(id: $id) { id serialNumber katoCode
  readings(from: $from, to: $to) { takenOn zone value consumption anomaly kind source katoCode version } } }`;

interface Item {
  index: number;
  key: string | null;
  id: string | null;
  status: string;
  errors: Array<{ field: string; message: string }>;
}

describe('meters and readings', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  let supplierA: Caller;
  let supplierB: Caller;
  let analyst: Caller;
  let stranger: Caller;
  let supplierAId: string;
  let supplierBId: string;
  let buildingId: string;
  let buildingKato: string;
  const statements: string[] = [];
  const today = almatyDate(new Date());

  beforeAll(async () => {
    database = await createTestDatabase({ max: 1, onQuery: (query) => statements.push(query) });
    const fixture = await AuthFixture.create(database.db);
    [buildingId] = (await insertBuildingsWithApartments(database.db, 1, 5)) as [string];
    const [row] = await database.db.execute<{ kato_code: string }>(sql`select kato_code from buildings.buildings where id = ${buildingId}`);
    buildingKato = row!.kato_code;
    const a = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.MetersMaintain, AccessFunction.ReadingsSubmit]);
    const b = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.MetersMaintain, AccessFunction.ReadingsSubmit]);
    supplierA = await a.caller();
    supplierB = await b.caller();
    analyst = await (await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead])).caller();
    stranger = await (await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain])).caller();
    const suppliers = new SupplierRepository(database.db);
    supplierAId = (await suppliers.insert({ subjectId: a.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY'] })).id;
    supplierBId = (await suppliers.insert({ subjectId: b.subjectId, name: 'Energo', bin: makeBin(), services: ['ELECTRICITY'] })).id;
    schema = buildSubgraph(utilities);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function run(caller: Caller, source: string, variables: Record<string, unknown>) {
    const contextValue = createSubgraphContext(utilities, database.db, caller);
    statements.length = 0;
    return graphql({ schema, source, variableValues: variables, contextValue });
  }

  async function ok(caller: Caller, source: string, variables: Record<string, unknown>): Promise<any> {
    const result = await run(caller, source, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  }

  function meter(serialNumber: string, overrides: Record<string, unknown> = {}) {
    return {
      key: serialNumber,
      kind: 'INDIVIDUAL',
      buildingId,
      premiseNumber: '1',
      service: 'WATER_SUPPLY',
      serialNumber,
      capacityDigits: 5,
      tariffZones: 1,
      installedAt: '2025-01-10',
      sealedAt: '2025-01-10',
      verifiedAt: '2025-01-01',
      nextVerificationAt: '2031-01-01',
      ...overrides,
    };
  }

  const reading = (serialNumber: string, takenOn: string, value: string, overrides: Record<string, unknown> = {}) => ({
    key: `${serialNumber}@${takenOn}`,
    serialNumber,
    takenOn,
    value,
    source: 'SUPPLIER',
    ...overrides,
  });

  let meterIds: Record<string, string> = {};

  it('places common-house and individual meters, one result per meter, refusing bad ones by index, key and field', async () => {
    const data = await ok(supplierA, upsertMeters, {
      supplierId: supplierAId,
      mode: 'PER_ITEM',
      meters: [
        meter('W-1'),
        meter('W-ROLL'),
        meter('W-HOUSE', { kind: 'COMMON_HOUSE', premiseNumber: null, tariffZones: 2 }),
        meter('W-OLD', { verifiedAt: '2020-01-01', nextVerificationAt: '2024-01-01' }),
        meter('W-GONE', { status: 'REMOVED' }),
        meter('BAD-PREMISE', { premiseNumber: '99' }),
        meter('BAD-HOUSE', { kind: 'COMMON_HOUSE' }),
        meter('BAD-NUMBERS', { capacityDigits: 0, tariffZones: 4, service: 'GAS', installedAt: '2199-01-01' }),
        meter('W-1'),
      ],
    });
    const payload = data.upsertMeters;
    expect(payload).toMatchObject({ created: 5, updated: 0, rejected: 4, replayed: false });
    const items: Item[] = payload.items;
    expect(items.slice(0, 5).map((i) => i.status)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED']);
    expect(items[5]!.errors.map((e) => e.field)).toEqual(['meters[5].premiseNumber']);
    expect(items[6]!.errors.map((e) => e.field)).toEqual(['meters[6].premiseNumber']);
    expect(items[7]!.errors.map((e) => e.field)).toEqual([
      'meters[7].capacityDigits',
      'meters[7].tariffZones',
      'meters[7].service',
      'meters[7].installedAt',
      // Sealed (2025-01-10) before its (future) installation.
      'meters[7].sealedAt',
    ]);
    expect(items[8]).toMatchObject({ key: 'W-1', status: 'REJECTED', errors: [{ field: 'meters[8].serialNumber' }] });
    meterIds = Object.fromEntries(items.slice(0, 5).map((i) => [i.key, i.id]));

    // Matched by serial number: the same meter again is an update.
    const again = await ok(supplierA, upsertMeters, { supplierId: supplierAId, meters: [meter('W-1', { sealedAt: '2025-02-01' })] });
    expect(again.upsertMeters).toMatchObject({ created: 0, updated: 1 });
    expect(again.upsertMeters.items[0].id).toBe(meterIds['W-1']);
  });

  it('flags a meter past its next-verification date and lists the meters due', async () => {
    const data = await ok(
      supplierA,
      `{ meters(first: 50) { edges { node { serialNumber verificationOverdue katoCode premise { id } } } }
      metersDueForVerification { edges { node { serialNumber } } }
      later: metersDueForVerification(dueBy: "2031-01-01") { edges { node { serialNumber } } } }`,
      {},
    );
    const bySerial = Object.fromEntries(data.meters.edges.map((e: any) => [e.node.serialNumber, e.node]));
    expect(bySerial['W-OLD'].verificationOverdue).toBe(true);
    expect(bySerial['W-1'].verificationOverdue).toBe(false);
    expect(bySerial['W-1'].katoCode).toBe(buildingKato);
    expect(bySerial['W-1'].premise).not.toBeNull();
    expect(bySerial['W-HOUSE'].premise).toBeNull();
    expect(data.metersDueForVerification.edges.map((e: any) => e.node.serialNumber)).toEqual(['W-OLD']);
    // A removed meter is never due.
    expect(data.later.edges.map((e: any) => e.node.serialNumber).sort()).toEqual(['W-1', 'W-HOUSE', 'W-OLD', 'W-ROLL']);
  });

  it('reads a decimal counter value in exact thousandths', () => {
    expect(['0', '7', '1.5', '1.25', '1.125', '0.001', '999999999999.999'].map(thousandths)).toEqual([
      0, 7000, 1500, 1250, 1125, 1, 999_999_999_999_999,
    ]);
  });

  it('judges consumption by hand-computed values: plain, rollover, implausible drop, anomaly', () => {
    // Thousandths. 5 digits: the counter wraps at 100000.
    expect(judgeReading(5, 100_000, 110_000, [])).toMatchObject({ consumption: 10_000, rolledOver: false, anomaly: false });
    expect(judgeReading(5, 99_990_000, 10_000, [])).toMatchObject({ consumption: 20_000, rolledOver: true, anomaly: false, problem: null });
    expect(judgeReading(5, 10_000, 5_000, []).problem?.field).toBe('value');
    expect(judgeReading(5, 130_000, 200_000, [10_000, 10_000, 10_000])).toMatchObject({ consumption: 70_000, anomaly: true });
    expect(judgeReading(5, 130_000, 160_000, [10_000, 10_000, 10_000])).toMatchObject({ consumption: 30_000, anomaly: false });
    expect(judgeReading(5, 0, 100_000_000, []).problem?.field).toBe('value');
  });

  it('records readings with their consumption, a rollover and an anomaly, checked set-wise', async () => {
    const data = await ok(supplierA, submit, {
      supplierId: supplierAId,
      readings: [
        reading('W-1', '2025-02-01', '100'),
        reading('W-1', '2025-04-01', '120'),
        reading('W-1', '2025-03-01', '110'),
        reading('W-1', '2025-05-01', '130'),
        reading('W-1', '2025-06-01', '200'),
        reading('W-ROLL', '2025-02-01', '99990'),
        reading('W-ROLL', '2025-03-01', '00010'),
        reading('W-HOUSE', '2025-03-01', '500', { zone: 2, source: 'AUTOMATIC', kind: 'CONTROL' }),
      ],
    });
    expect(data.submitReadings).toMatchObject({ created: 8, updated: 0, rejected: 0 });
    // The meters of the call with the heads of their zones in one statement, never a search of the readings; one insert of the readings, one upsert of the heads.
    expect(statements.filter((s) => /left join utilities\.meter_reading_heads/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /from utilities\.meter_readings\b/i.test(s))).toHaveLength(0);
    expect(statements.filter((s) => /insert into utilities\.meter_readings/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /insert into utilities\.meter_reading_heads/i.test(s))).toHaveLength(1);

    const w1 = await ok(supplierA, readingsOf, { id: meterIds['W-1'], from: '2025-01-01', to: '2025-12-31' });
    expect(w1.meter.readings.map((r: any) => [r.takenOn, r.value, r.consumption, r.anomaly])).toEqual([
      ['2025-02-01', '100.000', null, false],
      ['2025-03-01', '110.000', '10.000', false],
      ['2025-04-01', '120.000', '10.000', false],
      ['2025-05-01', '130.000', '10.000', false],
      // 70 > 3 × average(10, 10, 10) = 30: accepted, flagged.
      ['2025-06-01', '200.000', '70.000', true],
    ]);
    expect(w1.meter.readings[0].katoCode).toBe(buildingKato);
    const roll = await ok(supplierA, readingsOf, { id: meterIds['W-ROLL'], from: '2025-01-01', to: '2025-12-31' });
    // 99990 → 00010 on a 5-digit counter: 100000 − 99990 + 10 = 20.
    expect(roll.meter.readings.map((r: any) => [r.value, r.consumption])).toEqual([
      ['99990.000', null],
      ['10.000', '20.000'],
    ]);

    // The statements do not grow with the call: one reading or thirty, the same count.
    const one = await run(supplierA, submit, { supplierId: supplierAId, readings: [reading('W-HOUSE', '2025-04-01', '510')] });
    expect(one.errors).toBeUndefined();
    const oneCount = statements.length;
    const thirty = await run(supplierA, submit, {
      supplierId: supplierAId,
      readings: Array.from({ length: 30 }, (_, i) => reading('W-HOUSE', `2025-05-${String(i + 1).padStart(2, '0')}`, String(520 + i))),
    });
    expect(thirty.errors).toBeUndefined();
    expect(statements.length).toBe(oneCount);
  });

  it('records one change per call in the feed, its id the receipt that lists the readings written', async () => {
    const mutation = submit.replace('items {', 'receipt { id } items {');
    const data = await ok(supplierA, mutation, {
      supplierId: supplierAId,
      readings: [reading('W-HOUSE', '2025-06-01', '560'), reading('W-HOUSE', '2025-06-02', '561')],
    });
    const receiptId = data.submitReadings.receipt.id;
    const changes = await database.db.execute<Record<string, string>>(sql`
      select c.entity_type, c.entity_id, c.operation, c.subject_id = s.subject_id as owned
        from platform.changes c, utilities.suppliers s where c.receipt_id = ${receiptId} and s.id = ${supplierAId}`);
    expect(changes).toEqual([{ entity_type: 'METER_READINGS_BATCH', entity_id: receiptId, operation: 'CREATED', owned: true }]);
    const [receipt] = await database.db.execute<{ object_ids: string[] }>(
      sql`select object_ids from platform.receipts where id = ${receiptId}`,
    );
    expect([...(receipt?.object_ids ?? [])].sort()).toEqual(data.submitReadings.items.map((item: Item) => item.id).sort());
  });

  it('refuses readings before installation, in the future, for a removed meter, outside the zones, below the previous, before the last', async () => {
    const data = await ok(supplierA, submit, {
      supplierId: supplierAId,
      mode: 'PER_ITEM',
      readings: [
        reading('W-1', '2025-01-01', '90'),
        reading('W-1', '2199-01-01', '300'),
        reading('W-GONE', '2025-03-01', '1'),
        reading('W-1', '2025-07-01', '210', { zone: 2 }),
        reading('W-ROLL', '2025-04-01', '5'),
        reading('W-1', '2025-05-15', '135'),
        reading('NOPE', '2025-03-01', '1'),
        reading('W-ROLL', '2025-08-01', 'ten'),
        // Valid: 210 after 200, avg(10, 10, 70) = 30 → 10 is no anomaly.
        reading('W-1', '2025-07-01', '210'),
      ],
    });
    const items: Item[] = data.submitReadings.items;
    expect(items.map((i) => i.errors.map((e) => e.field))).toEqual([
      ['readings[0].takenOn'],
      ['readings[1].takenOn'],
      ['readings[2].serialNumber'],
      ['readings[3].zone'],
      ['readings[4].value'],
      ['readings[5].takenOn'],
      ['readings[6].serialNumber'],
      ['readings[7].value'],
      [],
    ]);
    expect(items[8]).toMatchObject({ key: 'W-1@2025-07-01', status: 'CREATED' });
    expect(data.submitReadings).toMatchObject({ created: 1, rejected: 8 });
  });

  it('corrects the last reading within the window, with history, and refuses it after', async () => {
    const corrected = await ok(supplierA, submit, { supplierId: supplierAId, readings: [reading('W-1', '2025-07-01', '215')] });
    expect(corrected.submitReadings).toMatchObject({ created: 0, updated: 1 });
    const [history] = await database.db.execute<Record<string, string>>(sql`
      select previous_value::text as previous, new_value::text as next from utilities.reading_corrections`);
    expect(history).toEqual({ previous: '210.000', next: '215.000' });
    const w1 = await ok(supplierA, readingsOf, { id: meterIds['W-1'], from: '2025-07-01', to: '2025-07-31' });
    expect(w1.meter.readings).toMatchObject([{ value: '215.000', consumption: '15.000', version: 2 }]);

    await database.db.execute(
      sql`update utilities.meter_readings set recorded_at = now() - interval '4 days' where taken_on = '2025-07-01'`,
    );
    // Readings changed other than by the readings' own write: their meters' heads are rebuilt from them.
    await database.db.execute(sql`select utilities.rebuild_reading_heads()`);
    const late = await run(supplierA, submit, { supplierId: supplierAId, readings: [reading('W-1', '2025-07-01', '216')] });
    expect(late.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(late.errors)).toContain('readings[0].takenOn');
  });

  it('keeps the head of each meter zone equal to the one rebuilt from its readings', async () => {
    const heads = sql`
      select meter_id, zone, last_id, last_taken_on::text, last_value::text, last_consumption::text, last_recorded_at,
             previous_value::text, earlier_consumptions::text
        from utilities.meter_reading_heads order by meter_id, zone`;
    const kept = await database.db.execute<Record<string, unknown>>(heads);
    // The calls above wrote rollovers, an anomaly, a correction and refused readings.
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.some((h) => h.previous_value !== null && h.earlier_consumptions !== '{}')).toBe(true);
    await database.db.execute(sql`select utilities.rebuild_reading_heads()`);
    expect(await database.db.execute<Record<string, unknown>>(heads)).toEqual(kept);
  });

  it('keeps a supplier to its own meters and readings; national analysts read them all', async () => {
    const foreign = await run(supplierB, submit, { supplierId: supplierAId, readings: [reading('W-1', '2025-08-01', '220')] });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const foreignMeters = await run(supplierB, upsertMeters, { supplierId: supplierAId, meters: [meter('X-1')] });
    expect(foreignMeters.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // B's own serial namespace does not reach A's meters.
    const ownCall = await ok(supplierB, submit, {
      supplierId: supplierBId,
      mode: 'PER_ITEM',
      readings: [reading('W-1', '2025-08-01', '220')],
    });
    expect(ownCall.submitReadings.items[0].errors.map((e: any) => e.field)).toEqual(['readings[0].serialNumber']);

    const listed = await ok(supplierB, `{ meters { edges { node { id } } } }`, {});
    expect(listed.meters.edges).toEqual([]);
    // Naming A's supplier, A's meter or a far due date does not widen B's scope either.
    const named = await ok(
      supplierB,
      `query($s: ID!, $id: ID!) { meters(filter: { supplierId: $s }) { edges { node { id } } }
        meter(id: $id) { id }
        metersDueForVerification(supplierId: $s, dueBy: "2100-01-01") { edges { node { id } } } }`,
      { s: supplierAId, id: meterIds['W-1'] },
    );
    expect(named).toEqual({ meters: { edges: [] }, meter: null, metersDueForVerification: { edges: [] } });
    const entity = await ok(supplierB, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Meter { id } } }`, {
      r: [{ __typename: 'Meter', id: meterIds['W-1'] }],
    });
    expect(entity._entities).toEqual([null]);
    const building = await ok(supplierB, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Building { meters { id } } } }`, {
      r: [{ __typename: 'Building', id: buildingId }],
    });
    expect(building._entities).toEqual([{ meters: [] }]);
    expect((await ok(supplierB, readingsOf, { id: meterIds['W-1'], from: '2025-01-01', to: '2025-12-31' })).meter).toBeNull();

    const national = await ok(
      analyst,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Building { meters { serialNumber } } } }`,
      {
        r: [{ __typename: 'Building', id: buildingId }],
      },
    );
    expect(national._entities[0].meters).toHaveLength(5);
    const refused = await run(stranger, `{ meters { edges { node { id } } } }`, {});
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('replays a retried call with the same idempotency key and writes nothing twice', async () => {
    const variables = { supplierId: supplierAId, key: 'readings-2025-09', readings: [reading('W-ROLL', '2025-09-01', '30')] };
    const first = await ok(supplierA, submit, variables);
    const second = await ok(supplierA, submit, variables);
    expect(first.submitReadings).toMatchObject({ created: 1, replayed: false });
    expect(second.submitReadings).toMatchObject({ created: 1, replayed: true });
    expect(second.submitReadings.items[0].id).toBe(first.submitReadings.items[0].id);
    const [count] = await database.db.execute<{ n: number }>(sql`
      select count(*)::int as n from utilities.meter_readings where taken_on = '2025-09-01'`);
    expect(count!.n).toBe(1);
  });

  it('finds the previous reading of a meter read again after a long pause (outside the recent months)', async () => {
    // W-ROLL's last reading: 30 on 2025-09-01, more than 130 days before these.
    const below = await ok(supplierA, submit, {
      supplierId: supplierAId,
      mode: 'PER_ITEM',
      readings: [reading('W-ROLL', '2026-02-01', '25')],
    });
    expect(below.submitReadings.items[0].errors.map((e: { field: string }) => e.field)).toEqual(['readings[0].value']);
    const after = await ok(supplierA, submit, { supplierId: supplierAId, readings: [reading('W-ROLL', '2026-02-01', '40')] });
    expect(after.submitReadings).toMatchObject({ created: 1 });
    const read = await ok(supplierA, readingsOf, { id: meterIds['W-ROLL'], from: '2026-02-01', to: '2026-02-01' });
    expect(read.meter.readings).toMatchObject([{ value: '40.000', consumption: '10.000' }]);
  });

  it('stores readings in monthly partitions: one month of one meter reads exactly one partition', async () => {
    const [placed] = await database.db.execute<{ partition: string }>(sql`
      select tableoid::regclass::text as partition from utilities.meter_readings where taken_on = '2025-03-01' limit 1`);
    expect(placed!.partition).toBe('utilities.meter_readings_2025_03');
    const plan = await database.db.execute<{ 'QUERY PLAN': string }>(
      sql.raw(`
      explain select * from utilities.meter_readings
       where meter_id = '${meterIds['W-1']}' and taken_on >= date '2025-03-01' and taken_on < date '2025-04-01'`),
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    const partitions = new Set(text.match(/meter_readings_(\d{4}_\d{2}|default)/g));
    expect([...partitions]).toEqual(['meter_readings_2025_03']);
    // Monthly partitions exist ahead of today; the maintenance function adds only missing ones.
    const [ensured] = await database.db.execute<{ created: number }>(sql`
      select utilities.ensure_reading_partitions(${today}::date, 12) as created`);
    expect(ensured!.created).toBe(0);
    // What the subgraph's background work runs at start and daily.
    expect(await ensureReadingPartitions(database.db)).toBe(0);
    const [count] = await database.db.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_inherits where inhparent = 'utilities.meter_readings'::regclass`);
    // 2020-01 to 24 months past this month, and the default partition.
    const [year, month] = today.split('-').map(Number) as [number, number];
    expect(count!.n).toBe((year - 2020) * 12 + month + 24 + 1);
  });
});
