import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { ALMALY, ALMATY, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { AuthFixture, makeBin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Open data by territory and month, without a token, as a query and as a CSV download from
// the gateway. Hand-checked for Almaty, October 2026: of five Almaty records, three were on
// the register at the end of the month (one registered in November, one retired in October);
// two household water tariffs were in force (100 and 120.5 → average 110.25).

const openData = `query($katoCode: String!, $period: String!) {
  openData(katoCode: $katoCode, period: $period) {
    katoCode period periodStart periodEnd buildings premises barrierFreeBuildings managedBuildings
    byCondition { condition count } tariffs { service unit count minPrice averagePrice maxPrice } } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;

describe('open data', () => {
  let system: TestSystem;
  const ids: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    const fixture = await AuthFixture.create(system.db);
    const almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: ALMATY });
    const astana = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: '710000000' });
    const rows: Array<[string, typeof almaty, Record<string, unknown>]> = [
      [ALMALY, almaty, { condition: 'EMERGENCY', totalPremisesCount: 40, apartmentCount: 40, nonResidentialPremisesCount: 0 }],
      [ALMALY, almaty, { barrierFree: true, totalPremisesCount: 60, apartmentCount: 60, nonResidentialPremisesCount: 0 }],
      [ALMALY, almaty, { totalPremisesCount: 20, apartmentCount: 20, nonResidentialPremisesCount: 0 }],
      [ALMALY, almaty, { totalPremisesCount: 5, apartmentCount: 5, nonResidentialPremisesCount: 0 }], // registered in November
      [ALMALY, almaty, { totalPremisesCount: 7, apartmentCount: 7, nonResidentialPremisesCount: 0 }], // retired in October
      [ESIL, astana, { totalPremisesCount: 9, apartmentCount: 9, nonResidentialPremisesCount: 0 }],
    ];
    for (const [kato, actor, fields] of rows) {
      const response = await system.query(
        registerBuilding,
        { input: buildingInput({ katoCode: kato, ...fields }) },
        { token: actor.token },
      );
      expect(response.errors).toBeUndefined();
      ids.push(response.data?.registerBuilding.building.id);
    }
    const { db } = system;
    await db.execute(sql`update buildings.buildings set created_at = '2026-09-15T06:00:00Z'`);
    await db.execute(sql`update buildings.buildings set created_at = '2026-11-05T06:00:00Z' where id = ${ids[3]}`);
    await db.execute(
      sql`update buildings.buildings set status = 'RETIRED', retired_at = '2026-10-10T06:00:00Z', register_exit_reason = 'Demolished' where id = ${ids[4]}`,
    );
    const osi = await fixture.access.subject('OSI');
    await db.execute(sql`
      insert into condominium.management_assignments (building_id, management_subject_id, management_subject_kind, form, valid_from, assigned_by)
      values (${ids[0]}, ${osi.id}, 'OSI', 'OSI', '2026-01-01', 'test')`);
    const supplierSubject = await fixture.access.subject('UTILITY_SUPPLIER');
    const [supplier] = await db.execute<{ id: string }>(sql`
      insert into utilities.suppliers (subject_id, name, bin, services) values (${supplierSubject.id}, 'S', ${makeBin()}, '{WATER_SUPPLY,HEAT}') returning id`);
    const tariff = (service: string, territory: string, price: string, category: string, published: boolean, validTo: string | null) =>
      db.execute(sql`
        insert into utilities.tariffs (supplier_id, service, price_per_unit, unit, territory_kato, consumer_category, tiers, valid_from, valid_to, published_at, created_by)
        values (${(supplier as { id: string }).id}, ${service}, ${price}, ${service === 'HEAT' ? 'GIGACALORIE' : 'CUBIC_METRE'}, ${territory}, ${category},
                ${JSON.stringify([{ upTo: null, price }])}, '2026-01-01', ${validTo}, ${published ? sql`now()` : null}, 'test')`);
    await tariff('WATER_SUPPLY', ALMATY, '100.0000', 'HOUSEHOLD', true, null);
    await tariff('WATER_SUPPLY', ALMALY, '120.5000', 'HOUSEHOLD', true, '2026-10-01'); // in force on the month's first day
    await tariff('WATER_SUPPLY', ALMATY, '150.0000', 'HOUSEHOLD', true, '2026-09-30'); // ended before October
    await tariff('WATER_SUPPLY', ALMATY, '90.0000', 'HOUSEHOLD', false, null); // a draft
    await tariff('WATER_SUPPLY', ALMATY, '300.0000', 'LEGAL_ENTITY', true, null);
    await tariff('HEAT', ESIL, '7000.0000', 'HOUSEHOLD', true, null); // Astana's
  });
  afterAll(async () => {
    await system?.close();
  });

  it("answers anyone, without a token, with the territory's aggregates for the month", async () => {
    const response = await system.query(openData, { katoCode: ALMATY, period: '2026-10' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.openData).toEqual({
      katoCode: ALMATY,
      period: '2026-10',
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      buildings: 3,
      premises: 120,
      barrierFreeBuildings: 1,
      managedBuildings: 1,
      byCondition: [
        { condition: 'EMERGENCY', count: 1 },
        { condition: 'OPERATING', count: 2 },
      ],
      tariffs: [
        { service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', count: 2, minPrice: '100.0000', averagePrice: '110.2500', maxPrice: '120.5000' },
      ],
    });
    // In November the late registration counts; a district sees its region's tariffs too.
    const november = await system.query(openData, { katoCode: ALMALY, period: '2026-11' });
    expect(november.data?.openData).toMatchObject({ buildings: 4, premises: 125 });
    expect(november.data?.openData.tariffs).toEqual([
      { service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', count: 1, minPrice: '100.0000', averagePrice: '100.0000', maxPrice: '100.0000' },
    ]);
  });

  it('downloads the same figures as CSV from the gateway, and refuses a malformed territory or month', async () => {
    const base = system.gatewayUrl.replace(/graphql$/, '');
    const response = await fetch(`${base}open-data.csv?katoCode=${ALMATY}&period=2026-10`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="open-data-${ALMATY}-2026-10.csv"`);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('kato_code,period,measure,service,unit,value');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${ALMATY},2026-10,buildings,,,3`,
        `${ALMATY},2026-10,premises,,,120`,
        `${ALMATY},2026-10,buildings_emergency,,,1`,
        `${ALMATY},2026-10,tariff_average_price,WATER_SUPPLY,CUBIC_METRE,110.2500`,
      ]),
    );
    const bad = await fetch(`${base}open-data.csv?katoCode=75&period=2026-13`);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: Array<{ extensions: { code: string; problems: Array<{ field: string }> } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0]?.extensions.problems.map((p) => p.field)).toEqual(['katoCode', 'period']);
    expect((await fetch(`${base}open-data.csv`, { method: 'POST' })).status).toBe(405);
  });
});
