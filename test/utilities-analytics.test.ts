import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildings } from '../schema/buildings.js';
import { UtilityAnalyticsRepository } from '../subgraphs/utilities/analytics-repository.js';
import { ALMALY, ALMATY, ASTANA, BOSTANDYK, bin, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

const OCTOBER = '2026-10-01';
const FIGURES = `utilityStatistics(month: "${OCTOBER}") {
  month meterCoverage { service accounts metered share } readingsReceived readingsSeries { month readings } metersRead
  tariffs { service unit tariffs average minimum maximum }
  collection { month billed paid collectionRate } collectionSeries { month billed } debt }
  networkWear { fromPercent toPercent networks lengthKm }
  outageStatistics(month: "${OCTOBER}") { month current planned emergency }`;

/**
 * The utilities figures per territory (Region.utilityStatistics) on a small dataset
 * written row by row and checked by hand; who may read them; that the summaries (a
 * district and above) and the records (finer territories) agree; and that a write shows in
 * the next read (the summaries change in the writing transaction, nothing is cached).
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

    // Networks by wear: 0–25, 25–50, none in 50–75, two in 75–100 (100 % falls in the last band).
    const network = (territory: string, wear: string, lengthKm: string | null) =>
      db.execute(sql`insert into utilities.engineering_networks (supplier_id, kind, name, territory_kato, length_km, year_commissioned, wear_percent)
        values (${s1}, 'WATER', 'Network', ${territory}, ${lengthKm}, 1975, ${wear})`);
    await network(ALMALY, '10', '2.5');
    await network(BOSTANDYK, '30', '1.25');
    await network(ALMATY, '100', null);
    await network(ESIL, '75', '4');

    const now = Date.now();
    const hour = 3_600_000;
    const outage = async (kind: string, startsAt: string, endsAt: string | null, affected: Array<[string, string]>) => {
      const id = randomUUID();
      await db.execute(sql`insert into utilities.outages (id, supplier_id, service, kind, starts_at, ends_at, message)
        values (${id}, ${s1}, 'WATER_SUPPLY', ${kind}::utilities.outage_kind, ${startsAt}::timestamptz, ${endsAt}::timestamptz, 'Works')`);
      for (const [buildingId, katoCode] of affected)
        await db.execute(
          sql`insert into utilities.outage_buildings (outage_id, building_id, kato_code) values (${id}, ${buildingId}, ${katoCode})`,
        );
    };
    // Planned in October at two buildings of Almaty (counted once for the city).
    await outage('PLANNED', '2026-10-10T03:00:00Z', '2026-10-10T09:00:00Z', [
      [b1!.id, ALMALY],
      [b2!.id, BOSTANDYK],
    ]);
    // An emergency since the end of October without a known end: October's and current.
    await outage('EMERGENCY', '2026-10-30T20:00:00Z', null, [[b3!.id, ESIL]]);
    // Going on now (after October).
    await outage('PLANNED', new Date(now - hour).toISOString(), new Date(now + 24 * hour).toISOString(), [[b1!.id, ALMALY]]);
    // Over in September.
    await outage('EMERGENCY', '2026-09-05T00:00:00Z', '2026-09-06T00:00:00Z', [[b1!.id, ALMALY]]);
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
    // Twelve months up to October: September's one reading, October's three.
    expect(statistics.readingsSeries).toHaveLength(12);
    expect(statistics.readingsSeries[0]).toEqual({ month: '2025-11-01', readings: 0 });
    expect(statistics.readingsSeries.slice(-2)).toEqual([
      { month: '2026-09-01', readings: 1 },
      { month: OCTOBER, readings: 3 },
    ]);
    // Almaly's and Bostandyk's networks and the city's own facility (100 %, no length).
    expect(response.data!.region.networkWear).toEqual([
      { fromPercent: 0, toPercent: 25, networks: 1, lengthKm: '2.500' },
      { fromPercent: 25, toPercent: 50, networks: 1, lengthKm: '1.250' },
      { fromPercent: 50, toPercent: 75, networks: 0, lengthKm: '0.000' },
      { fromPercent: 75, toPercent: 100, networks: 1, lengthKm: '0.000' },
    ]);
    // October's planned outage of two of its buildings once; the one going on now; September's not.
    expect(response.data!.region.outageStatistics).toEqual({ month: OCTOBER, current: 1, planned: 1, emergency: 0 });
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
    const wearAndOutages = await system.query(
      `{ country { networkWear { networks lengthKm } outageStatistics(month: "${OCTOBER}") { current planned emergency } }
         astana: region(katoCode: "${ASTANA}") { outageStatistics(month: "${OCTOBER}") { current planned emergency } }
         bostandyk: region(katoCode: "${BOSTANDYK}") { networkWear { networks } outageStatistics(month: "${OCTOBER}") { current planned emergency } } }`,
      {},
      { token: ministry.token },
    );
    expect(wearAndOutages.errors).toBeUndefined();
    expect(wearAndOutages.data).toEqual({
      country: {
        networkWear: [
          { networks: 1, lengthKm: '2.500' },
          { networks: 1, lengthKm: '1.250' },
          { networks: 0, lengthKm: '0.000' },
          { networks: 2, lengthKm: '4.000' },
        ],
        outageStatistics: { current: 2, planned: 1, emergency: 1 },
      },
      astana: { outageStatistics: { current: 1, planned: 0, emergency: 1 } },
      bostandyk: {
        networkWear: [{ networks: 0 }, { networks: 1 }, { networks: 0 }, { networks: 0 }],
        outageStatistics: { current: 0, planned: 1, emergency: 0 },
      },
    });
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

  it('guards network wear and outage statistics like the other figures', async () => {
    const fields = { networkWear: 'networkWear { networks }', outageStatistics: 'outageStatistics { current }' };
    for (const [field, selection] of Object.entries(fields)) {
      const own = await system.query(`{ region(katoCode: "${ALMALY}") { ${selection} } }`, {}, { token: almatyAkimat.token });
      expect(own.errors, field).toBeUndefined();
      const other = await system.query(`{ region(katoCode: "${ASTANA}") { katoCode ${selection} } }`, {}, { token: almatyAkimat.token });
      expect(other.errors?.[0]?.extensions?.code, field).toBe('FORBIDDEN');
      expect(other.data?.region?.[field] ?? null, field).toBeNull();
      const country = await system.query(`{ country { ${selection} } }`, {}, { token: almatyAkimat.token });
      expect(country.errors?.[0]?.extensions?.code, field).toBe('FORBIDDEN');
      const anonymous = await system.query(`{ region(katoCode: "${ALMATY}") { katoCode ${selection} } }`);
      expect(anonymous.errors?.[0]?.extensions?.code, field).toBe('UNAUTHENTICATED');
    }
  });

  it('gives the same figures from the summaries (a district) as from the records (its settlement), and after a rebuild', async () => {
    const repository = new UtilityAnalyticsRepository(system.db);
    const read = async () => {
      const figures: Record<string, unknown> = {};
      // Every record of the dataset lies at its district's own centre: 7511 and 751110000 cover the same rows.
      for (const [district, settlement] of [
        ['7511', ALMALY],
        ['7514', BOSTANDYK],
        ['7112', ESIL],
      ] as const) {
        for (const prefix of [district, settlement]) {
          const strip = <T extends { prefix: string }>(rows: T[]) =>
            rows
              .map(({ prefix: _, ...rest }) => JSON.stringify(rest, (_key, value) => (typeof value === 'bigint' ? String(value) : value)))
              .sort();
          figures[prefix] = {
            coverage: strip(await repository.meterCoverage([prefix])),
            readings: strip(await repository.readingsPerMonth([prefix], '2025-11-01', OCTOBER)),
            collection: strip(await repository.collection([prefix], '2025-11-01', OCTOBER)),
          };
        }
        expect(figures[settlement], district).toEqual(figures[district]);
      }
      return figures;
    };
    const before = await read();
    expect((before['7511'] as { readings: string[] }).readings).toEqual([
      JSON.stringify({ month: '2026-09-01', readings: 1 }),
      JSON.stringify({ month: OCTOBER, readings: 2 }),
    ]);
    await system.db.execute(sql`select utilities.rebuild_analytics_summaries()`);
    expect(await read()).toEqual(before);
  });

  it('shows a write in the next read (summaries kept by the write itself: freshness bound 0)', async () => {
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

/**
 * Each summary is kept by the writes themselves, in their transaction: a supplier's calls
 * through the gateway (accounts, meters, readings, charges, payments) show in the city's
 * figures, read from the summaries, on the very next read.
 */
describe('utilities analytics: the summaries are fresh on the next read', () => {
  let system: TestSystem;
  let ministry: Actor;
  let supplier: Actor;
  let supplierId = '';
  let buildingId = '';

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    const fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    buildingId = await registerBuildingWithApartments(system, fixture, ['1']);
    supplier = await fixture.machine('UTILITY_SUPPLIER', [
      AccessFunction.PersonalAccountsMaintain,
      AccessFunction.MetersMaintain,
      AccessFunction.ReadingsSubmit,
      AccessFunction.TariffsMaintain,
    ]);
    const registered = await system.query(
      `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
      { input: { subjectId: supplier.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY'] } },
      { token: fixture.adminToken },
    );
    expect(registered.errors).toBeUndefined();
    supplierId = registered.data?.registerSupplier.supplier.id;
  }, 60_000);
  afterAll(async () => {
    await system?.close();
  });

  /** The city's figures (Almaty: read from the summaries of its districts). */
  async function city() {
    const response = await system.query(
      `{ region(katoCode: "${ALMATY}") { utilityStatistics(month: "${OCTOBER}") {
          meterCoverage { service accounts metered } readingsReceived collection { billed paid } debt } } }`,
      {},
      { token: ministry.token },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.region.utilityStatistics;
  }

  async function write(query: string, variables: Record<string, unknown>) {
    const response = await system.query(query, { s: supplierId, ...variables }, { token: supplier.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  }
  const account = (closedAt: string | null) =>
    write(
      `mutation($s: ID!, $items: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $s, accounts: $items, mode: ALL_OR_NOTHING) { created } }`,
      {
        items: [
          {
            buildingId,
            premiseNumber: '1',
            accountNumber: 'F-1',
            holderName: 'Асанов Асан',
            holderIin: holderIin,
            service: 'WATER_SUPPLY',
            openedAt: '2025-06-01',
            closedAt,
          },
        ],
      },
    );
  const meter = (status: string) =>
    write(`mutation($s: ID!, $items: [MeterInput!]!) { upsertMeters(supplierId: $s, meters: $items, mode: ALL_OR_NOTHING) { created } }`, {
      items: [
        {
          kind: 'INDIVIDUAL',
          buildingId,
          premiseNumber: '1',
          service: 'WATER_SUPPLY',
          serialNumber: 'F-M1',
          capacityDigits: 6,
          tariffZones: 1,
          status,
          installedAt: '2025-06-01',
        },
      ],
    });
  const holderIin = makeIin();

  it('accounts and meters: coverage; readings: the count; charges and payments: billed, paid and debt', async () => {
    expect(await city()).toEqual({ meterCoverage: [], readingsReceived: 0, collection: { billed: '0.00', paid: '0.00' }, debt: '0.00' });

    await account(null);
    expect((await city()).meterCoverage).toEqual([{ service: 'WATER_SUPPLY', accounts: 1, metered: 0 }]);
    await meter('INSTALLED');
    expect((await city()).meterCoverage).toEqual([{ service: 'WATER_SUPPLY', accounts: 1, metered: 1 }]);

    await write(
      `mutation($s: ID!, $items: [MeterReadingInput!]!) { submitReadings(supplierId: $s, readings: $items, mode: ALL_OR_NOTHING) { created } }`,
      { items: [{ serialNumber: 'F-M1', takenOn: '2026-10-20', value: '120.5', source: 'AUTOMATIC' }] },
    );
    expect((await city()).readingsReceived).toBe(1);

    await write(`mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`, {
      input: { supplierId, service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '98.76', validFrom: '2026-01-01' },
    });
    await write(`mutation($s: ID!) { openBillingPeriod(supplierId: $s, month: "${OCTOBER}") { billingPeriod { id } } }`, {});
    await write(
      `mutation($s: ID!, $items: [ChargeAccountInput!]!) { chargeAccounts(supplierId: $s, month: "${OCTOBER}", accounts: $items, mode: ALL_OR_NOTHING) { created } }`,
      { items: [{ accountNumber: 'F-1', meteredVolume: '2' }] },
    );
    // 2 m³ × 98.76.
    expect(await city()).toMatchObject({ collection: { billed: '197.52', paid: '0.00' }, debt: '197.52' });
    await write(
      `mutation($s: ID!, $items: [PaymentInput!]!) { postPayments(supplierId: $s, payments: $items, mode: ALL_OR_NOTHING) { created } }`,
      {
        items: [
          {
            accountNumber: 'F-1',
            month: OCTOBER,
            amount: '100',
            paidOn: '2026-10-25',
            channel: 'BANK',
            agentName: 'Halyk Bank',
            reference: 'F-P1',
          },
        ],
      },
    );
    expect(await city()).toMatchObject({ collection: { billed: '197.52', paid: '100.00' }, debt: '97.52' });

    // Updates move the counts back: the meter removed, then the account closed.
    await meter('REMOVED');
    expect((await city()).meterCoverage).toEqual([{ service: 'WATER_SUPPLY', accounts: 1, metered: 0 }]);
    await account('2026-10-31');
    expect((await city()).meterCoverage).toEqual([]);
  });
});
