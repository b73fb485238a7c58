import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildings } from '../schema/buildings.js';
import { ALMALY, ALMATY, ASTANA, BOSTANDYK, bin, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

const OCTOBER = '2026-10-01';
const FIGURES = `utilityStatistics(month: "${OCTOBER}") {
  month meterCoverage { service accounts metered share } readingsReceived metersRead
  tariffs { service unit tariffs average minimum maximum }
  collection { month billed paid collectionRate } collectionSeries { month billed } debt }`;

/**
 * The utilities figures per territory (Region.utilityStatistics) on a small dataset
 * written row by row and checked by hand; who may read them; and that a write shows in
 * the next read (the figures are computed from the records, nothing is cached).
 */
describe('utilities analytics on Region', () => {
  let system: TestSystem;
  let ministry: Actor;
  let almatyAkimat: Actor;
  const account: Record<string, string> = {};
  const meter: Record<string, string> = {};

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    const fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    almatyAkimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.AnalyticsRead], { territoryKato: ALMATY });
    const db = system.db;
    const [b1, b2, b3] = await db
      .insert(buildings)
      .values([ALMALY, BOSTANDYK, ESIL].map((katoCode) => buildingInput({ katoCode })) as (typeof buildings.$inferInsert)[])
      .returning({ id: buildings.id });
    const s1 = randomUUID();
    const s2 = randomUUID();
    await db.execute(sql`insert into utilities.suppliers (id, subject_id, name, bin, services, territory_katos) values
      (${s1}, ${randomUUID()}, 'Water and power', ${bin(901)}, '{WATER_SUPPLY,ELECTRICITY}', '{750000000}'),
      (${s2}, ${randomUUID()}, 'Heat', ${bin(902)}, '{HEAT}', '{710000000}')`);
    const accounts: Array<[string, string, string, string, string | null]> = [
      ['b1w1', b1!.id, '1', 'WATER_SUPPLY', null],
      ['b1w2', b1!.id, '2', 'WATER_SUPPLY', null],
      ['b1e1', b1!.id, '1', 'ELECTRICITY', null],
      ['b2w1', b2!.id, '1', 'WATER_SUPPLY', null],
      ['b2w3', b2!.id, '3', 'WATER_SUPPLY', '2026-05-31'],
      ['b3h1', b3!.id, '1', 'HEAT', null],
    ];
    for (const [key, buildingId, number, service, closedAt] of accounts) {
      account[key] = randomUUID();
      await db.execute(sql`insert into utilities.personal_accounts
        (id, supplier_id, building_id, premise_number, account_number, holder_name, holder_iin, service, opened_at, closed_at)
        values (${account[key]}, ${service === 'HEAT' ? s2 : s1}, ${buildingId}, ${number}, ${key}, 'Holder', '851231300019',
                ${service}::utilities.utility_service, '2020-01-01', ${closedAt})`);
    }
    const meters: Array<[string, string, string, string, string]> = [
      ['m1', b1!.id, '1', 'WATER_SUPPLY', 'INSTALLED'],
      ['m2', b1!.id, '1', 'ELECTRICITY', 'REMOVED'],
      ['m3', b2!.id, '1', 'WATER_SUPPLY', 'INSTALLED'],
      ['m4', b3!.id, '1', 'HEAT', 'INSTALLED'],
    ];
    for (const [key, buildingId, number, service, status] of meters) {
      meter[key] = randomUUID();
      const katoCode = buildingId === b1!.id ? ALMALY : buildingId === b2!.id ? BOSTANDYK : ESIL;
      await db.execute(sql`insert into utilities.meters
        (id, supplier_id, kind, building_id, premise_number, kato_code, service, serial_number, capacity_digits, tariff_zones, status, installed_at)
        values (${meter[key]}, ${service === 'HEAT' ? s2 : s1}, 'INDIVIDUAL', ${buildingId}, ${number}, ${katoCode},
                ${service}::utilities.utility_service, ${key}, 6, 1, ${status}::utilities.meter_status, '2020-01-01')`);
    }
    const reading = (key: string, katoCode: string, day: string) =>
      db.execute(sql`insert into utilities.meter_readings (meter_id, supplier_id, kato_code, zone, taken_on, value, kind, source)
        values (${meter[key]}, ${key === 'm4' ? s2 : s1}, ${katoCode}, 1, ${day}, 10, 'CURRENT', 'SUPPLIER')`);
    await reading('m1', ALMALY, '2026-09-20');
    await reading('m1', ALMALY, '2026-10-05');
    await reading('m1', ALMALY, '2026-10-20');
    await reading('m3', BOSTANDYK, '2026-10-07');
    await reading('m4', ESIL, '2026-10-31');

    const tariff = async (supplier: string, service: string, unit: string, price: string, territory: string | null, extra = sql``) => {
      const id = randomUUID();
      await db.execute(sql`insert into utilities.tariffs
        (id, supplier_id, service, price_per_unit, unit, territory_kato, tiers, valid_from, valid_to, published_at, created_by)
        values (${id}, ${supplier}, ${service}::utilities.utility_service, ${price}, ${unit}::utilities.tariff_unit, ${territory},
                ${JSON.stringify([{ upTo: null, price }])}::jsonb, '2026-01-01', null, now(), 'test') ${extra}`);
      return id;
    };
    const waterTariff = await tariff(s1, 'WATER_SUPPLY', 'CUBIC_METRE', '98.7600', ALMATY);
    await tariff(s1, 'WATER_SUPPLY', 'CUBIC_METRE', '90.0000', BOSTANDYK);
    await tariff(s2, 'HEAT', 'GIGACALORIE', '5000.0000', null);
    // Neither a draft nor a tariff that ended before October counts.
    const draft = await tariff(s1, 'WATER_SUPPLY', 'CUBIC_METRE', '1.0000', ALMATY);
    await db.execute(sql`update utilities.tariffs set published_at = null where id = ${draft}`);
    const ended = await tariff(s1, 'ELECTRICITY', 'KILOWATT_HOUR', '26.9000', ALMATY);
    await db.execute(sql`update utilities.tariffs set valid_to = '2026-06-30' where id = ${ended}`);

    const period = async (month: string) => {
      const id = randomUUID();
      await db.execute(sql`insert into utilities.billing_periods (id, supplier_id, month) values (${id}, ${s1}, ${month})`);
      return id;
    };
    const september = await period('2026-09-01');
    const october = await period(OCTOBER);
    const charge = (accountKey: string, periodId: string, tiyn: number, reason: string | null = null) =>
      db.execute(sql`insert into utilities.charges (supplier_id, account_id, billing_period_id, month, kato_code, service, kind, basis, volume, tariff_id, amount_tiyn, reason)
        select ${s1}, ${account[accountKey]}, ${periodId}, bp.month, b.kato_code, 'WATER_SUPPLY', ${reason ? 'RECALCULATION' : 'CHARGE'}, 'READING', 1, ${waterTariff}, ${tiyn}, ${reason}
          from utilities.billing_periods bp, utilities.personal_accounts a join buildings.buildings b on b.id = a.building_id
         where bp.id = ${periodId} and a.id = ${account[accountKey]}`);
    await charge('b1w1', september, 10_000);
    await charge('b1w1', october, 12_000);
    await charge('b2w1', october, 5_000);
    await charge('b2w1', october, -1_000, 'Meter verified: corrected volume.');
    const payment = (accountKey: string, periodId: string, tiyn: number, reference: string) =>
      db.execute(sql`insert into utilities.payments (supplier_id, account_id, billing_period_id, amount_tiyn, paid_on, channel, agent_name, reference)
        values (${s1}, ${account[accountKey]}, ${periodId}, ${tiyn}, '2026-10-25', 'BANK', 'Bank', ${reference})`);
    await payment('b1w1', september, 10_000, 'p1');
    await payment('b1w1', october, 6_000, 'p2');
  });
  afterAll(async () => {
    await system?.close();
  });

  async function figures(katoCode: string, actor: Actor = ministry) {
    return system.query(`query($k: String!) { region(katoCode: $k) { katoCode ${FIGURES} } }`, { k: katoCode }, { token: actor.token });
  }

  it('gives a city its figures for a month, counted by hand', async () => {
    const response = await figures(ALMATY);
    expect(response.errors).toBeUndefined();
    const statistics = response.data!.region.utilityStatistics;
    expect(statistics).toMatchObject({
      month: OCTOBER,
      // Water: three open accounts of premises (the closed one left out), two with a meter; electricity's meter is removed.
      meterCoverage: [
        { service: 'ELECTRICITY', accounts: 1, metered: 0, share: 0 },
        { service: 'WATER_SUPPLY', accounts: 3, metered: 2, share: 2 / 3 },
      ],
      readingsReceived: 3,
      metersRead: 2,
      tariffs: [{ service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', tariffs: 2, average: '94.3800', minimum: '90.0000', maximum: '98.7600' }],
      // October: 120 + 50 − 10 billed, 60 paid.
      collection: { month: OCTOBER, billed: '160.00', paid: '60.00', collectionRate: 0.375 },
      // 100 + 160 billed, 100 + 60 paid.
      debt: '100.00',
    });
    expect(statistics.collectionSeries).toHaveLength(12);
    expect(statistics.collectionSeries[0]).toEqual({ month: '2025-11-01', billed: '0.00' });
    expect(statistics.collectionSeries.slice(-2)).toEqual([
      { month: '2026-09-01', billed: '100.00' },
      { month: OCTOBER, billed: '160.00' },
    ]);
  });

  it('serves the country, a city and a district in one query, each covering everything under its code', async () => {
    const response = await system.query(
      `{ country { utilityStatistics(month: "${OCTOBER}") { readingsReceived debt tariffs { service tariffs } } }
         almaly: region(katoCode: "${ALMALY}") { utilityStatistics(month: "${OCTOBER}") { readingsReceived metersRead debt tariffs { service average } } }
         astana: region(katoCode: "${ASTANA}") { utilityStatistics(month: "${OCTOBER}") { meterCoverage { service accounts metered } readingsReceived tariffs { service average } } } }`,
      {},
      { token: ministry.token },
    );
    expect(response.errors).toBeUndefined();
    const { country, almaly, astana } = response.data!;
    expect(country.utilityStatistics).toEqual({
      readingsReceived: 4,
      debt: '100.00',
      tariffs: [
        { service: 'HEAT', tariffs: 1 },
        { service: 'WATER_SUPPLY', tariffs: 2 },
      ],
    });
    // Almaly: only Almaty's own tariff covers it; its account paid October in part (120 − 60 owed).
    expect(almaly.utilityStatistics).toEqual({
      readingsReceived: 2,
      metersRead: 1,
      debt: '60.00',
      tariffs: [{ service: 'WATER_SUPPLY', average: '98.7600' }],
    });
    expect(astana.utilityStatistics).toEqual({
      meterCoverage: [{ service: 'HEAT', accounts: 1, metered: 1 }],
      readingsReceived: 1,
      tariffs: [{ service: 'HEAT', average: '5000.0000' }],
    });
  });

  it('lets a local executive body read its own territory only, and nobody without a token', async () => {
    const own = await figures(ALMALY, almatyAkimat);
    expect(own.errors).toBeUndefined();
    expect(own.data!.region.utilityStatistics.readingsReceived).toBe(2);
    const other = await figures(ASTANA, almatyAkimat);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(other.data?.region?.utilityStatistics ?? null).toBeNull();
    const country = await system.query(`{ country { utilityStatistics { debt } } }`, {}, { token: almatyAkimat.token });
    expect(country.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(`{ region(katoCode: "${ALMATY}") { katoCode utilityStatistics { debt } } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('shows a write in the next read (computed from the records: freshness bound 0)', async () => {
    const before = (await figures(ALMATY)).data!.region.utilityStatistics;
    await system.db.execute(sql`insert into utilities.meter_readings (meter_id, supplier_id, kato_code, zone, taken_on, value, kind, source)
      select id, supplier_id, kato_code, 1, '2026-10-28', 20, 'CURRENT', 'SUPPLIER' from utilities.meters where id = ${meter.m3}`);
    await system.db.execute(sql`update utilities.meters set status = 'INSTALLED' where id = ${meter.m2}`);
    const after = (await figures(ALMATY)).data!.region.utilityStatistics;
    expect(after.readingsReceived).toBe(before.readingsReceived + 1);
    expect(after.meterCoverage[0]).toEqual({ service: 'ELECTRICITY', accounts: 1, metered: 1, share: 1 });
  });

  it('refuses a month that is not a first day', async () => {
    const response = await system.query(`{ country { utilityStatistics(month: "2026-10-15") { debt } } }`, {}, { token: ministry.token });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
  });
});
