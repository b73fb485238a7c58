import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { almatyDate } from '../lib/working-calendar.js';
import { ALMALY, ALMATY, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Data quality of building records across the subgraphs, on three buildings checked by hand:
//   q1 (Almaly)  every check passes                                                   → 100
//   q2 (Almaly)  never confirmed, 0 of 10 premises, no manager (reports do not apply),
//                no utility service recorded: 2 of 7 applicable checks pass            → 28
//   q3 (Esil)    heating kind without central heating, a manager with an overdue report,
//                a heat account without a meter: 5 of 8 pass                          → 62

const quality = `query($filter: DataQualityFilter, $groupBy: DataQualityGrouping) {
  dataQuality(filter: $filter, groupBy: $groupBy) { region { katoCode nameRu } katoPrefix managerSubjectId buildings averageScore perfect below50 } }`;
const worst = `query($filter: DataQualityFilter, $first: Int) {
  worstRecords(filter: $filter, first: $first) { building { id cadastralNumber } katoCode managerSubjectId score failedChecks premisesRegistered totalPremisesCount } }`;
const one = `query($id: ID!) { buildingQuality(buildingId: $id) { building { id } score failedChecks premisesRegistered totalPremisesCount } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;

describe('data quality of building records', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let ministry: Actor;
  let almaty: Actor;
  const ids: Record<string, string> = {};
  const osi: Record<string, string> = {};

  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other end-to-end tests
  async function ok<T = any>(query: string, variables: Record<string, unknown>, actor: { token: string }): Promise<T> {
    const response = await system.query<T>(query, variables, { token: actor.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as T;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: ALMATY });
    const astana = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: '710000000' });
    const { db } = system;
    for (const [name, kato, actor] of [
      ['q1', ALMALY, almaty],
      ['q2', ALMALY, almaty],
      ['q3', ESIL, astana],
    ] as const)
      ids[name] = (await ok(registerBuilding, { input: buildingInput({ katoCode: kato }) }, actor)).registerBuilding.building.id;
    // q1: two apartments, both in the register; managed since this month (no report due yet); water with an account and a meter.
    await db.execute(
      sql`update buildings.buildings set total_premises_count = 2, apartment_count = 2, non_residential_premises_count = 0 where id = ${ids.q1}`,
    );
    await db.execute(
      sql`insert into buildings.premises (building_id, kind, number) values (${ids.q1}, 'APARTMENT', '1'), (${ids.q1}, 'APARTMENT', '2')`,
    );
    // q2: never confirmed, ten premises on paper and none in the register.
    await db.execute(
      sql`update buildings.buildings set confirmed_at = null, total_premises_count = 10, apartment_count = 10, non_residential_premises_count = 0 where id = ${ids.q2}`,
    );
    // q3: no premises on either side; a heating kind without central heating (written past the validation, as old imports are).
    await db.execute(
      sql`update buildings.buildings set total_premises_count = 0, apartment_count = 0, non_residential_premises_count = 0,
                 heating_supply_type = 'AUTONOMOUS', heating_supply_kind = 'OPEN' where id = ${ids.q3}`,
    );
    const today = almatyDate(new Date());
    const thisMonth = `${today.slice(0, 7)}-01`;
    const threeMonthsAgo = new Date(`${thisMonth}T12:00:00Z`);
    threeMonthsAgo.setUTCMonth(threeMonthsAgo.getUTCMonth() - 3);
    for (const [name, building, from] of [
      ['q1', ids.q1, thisMonth],
      ['q3', ids.q3, threeMonthsAgo.toISOString().slice(0, 10)],
    ] as const) {
      osi[name] = (await fixture.access.subject('OSI')).id;
      await db.execute(sql`
        insert into condominium.management_assignments (building_id, management_subject_id, management_subject_kind, form, valid_from, assigned_by)
        values (${building}, ${osi[name]}, 'OSI', 'OSI', ${from}, 'test')`);
    }
    const supplierSubject = (await fixture.access.subject('UTILITY_SUPPLIER')).id;
    const [supplier] = await db.execute<{ id: string }>(sql`
      insert into utilities.suppliers (subject_id, name, bin, services) values (${supplierSubject}, 'Supplier', ${makeBin()}, '{WATER_SUPPLY,HEAT}') returning id`);
    const supplierId = (supplier as { id: string }).id;
    const account = (building: string, service: string, number: string) =>
      db.execute(sql`
        insert into utilities.personal_accounts (supplier_id, building_id, premise_number, account_number, holder_name, holder_iin, service, opened_at)
        values (${supplierId}, ${building}, '1', ${number}, 'Holder', ${makeIin()}, ${service}, '2024-01-01')`);
    await account(ids.q1 as string, 'WATER_SUPPLY', 'A-1');
    await account(ids.q3 as string, 'HEAT', 'A-3');
    await db.execute(sql`
      insert into utilities.meters (supplier_id, kind, building_id, kato_code, service, serial_number, capacity_digits, tariff_zones, status, installed_at)
      values (${supplierId}, 'COMMON_HOUSE', ${ids.q1}, ${ALMALY}, 'WATER_SUPPLY', 'W-1', 6, 1, 'INSTALLED', '2024-01-01')`);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('scores each record and lists the worst first, with what to fix', async () => {
    const data = await ok(worst, { first: 10 }, ministry);
    expect(
      data.worstRecords.map((r: { building: { id: string }; score: number; failedChecks: string[] }) => [
        r.building.id,
        r.score,
        r.failedChecks,
      ]),
    ).toEqual([
      [
        ids.q2,
        28,
        ['PREMISES_MATCH_REGISTER', 'CONFIRMED_WITHIN_YEAR', 'MANAGER_ASSIGNED', 'ACCOUNTS_FOR_SERVICES', 'METERS_FOR_SERVICES'],
      ],
      [ids.q3, 62, ['ANNEX_CONSISTENT', 'REPORTS_FILED', 'METERS_FOR_SERVICES']],
      [ids.q1, 100, []],
    ]);
    expect(data.worstRecords[0]).toMatchObject({ premisesRegistered: 0, totalPremisesCount: 10, managerSubjectId: null, katoCode: ALMALY });
    // The building's own fields come from the register through the gateway.
    expect(data.worstRecords[0].building.cadastralNumber).toMatch(/^20-311-/);
    const single = await ok(one, { id: ids.q1 }, ministry);
    expect(single.buildingQuality).toMatchObject({ score: 100, failedChecks: [], premisesRegistered: 2, totalPremisesCount: 2 });
  });

  it('gives distributions per region, district and manager', async () => {
    const regions = (await ok(quality, { groupBy: 'REGION' }, ministry)).dataQuality;
    expect(regions.map((g: Record<string, unknown>) => [g.katoPrefix, g.buildings, g.averageScore, g.perfect, g.below50])).toEqual([
      ['71', 1, 62, 0, 0],
      ['75', 2, 64, 1, 1],
    ]);
    expect(regions[1].region).toMatchObject({ katoCode: ALMATY, nameRu: expect.any(String) });
    const districts = (await ok(quality, { groupBy: 'DISTRICT' }, ministry)).dataQuality;
    expect(districts.map((g: Record<string, unknown>) => [g.katoPrefix, g.buildings, g.region])).toEqual([
      ['7112', 1, null],
      ['7511', 2, null],
    ]);
    const managers = (await ok(quality, { groupBy: 'MANAGER' }, ministry)).dataQuality;
    expect(new Set(managers.map((g: Record<string, unknown>) => `${g.managerSubjectId}:${g.averageScore}`))).toEqual(
      new Set([`${osi.q1}:100`, `${osi.q3}:62`, 'null:28']),
    );
    const managed = (await ok(worst, { filter: { managerSubjectId: osi.q3 } }, ministry)).worstRecords;
    expect(managed.map((r: { building: { id: string } }) => r.building.id)).toEqual([ids.q3]);
  });

  it('keeps each reader to its scope, and refuses bad input and callers without a right', async () => {
    const almatySees = (await ok(worst, {}, almaty)).worstRecords;
    expect(almatySees.map((r: { building: { id: string } }) => r.building.id)).toEqual([ids.q2, ids.q1]);
    expect((await ok(one, { id: ids.q3 }, almaty)).buildingQuality).toBeNull();
    expect((await system.query(worst, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await system.query(worst, { filter: { katoCode: '7', managerSubjectId: 'x' } }, { token: ministry.token });
    expect(bad.errors?.[0]?.extensions?.problems.map((p: { field: string }) => p.field)).toEqual([
      'filter.katoCode',
      'filter.managerSubjectId',
    ]);
    await fixture.revoke(almaty.grantId);
    expect((await system.query(quality, {}, { token: almaty.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await system.query(worst, {}, { token: almaty.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await system.query(one, { id: ids.q1 }, { token: almaty.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
