import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { ALMALY, ALMATY, ASTANA, BOSTANDYK, buildingInput, ESIL, REGISTER, viaGateway } from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

const STATISTICS = `buildingStatistics {
  registered retired premises emergency needingCapitalRepair barrierFree barrierFreeShare confirmationOverdue completeness
  byCondition { condition count } byHeatingSupplyType { heatingSupplyType count } byDecadeBuilt { decade count } }`;

/**
 * The register's figures per territory (Region.buildingStatistics) on a small dataset
 * checked by hand, their freshness (a write shows in the next read), and the summary
 * they come from against a recount of the register.
 */
describe('building register analytics on Region', () => {
  let system: TestSystem;
  let send: ReturnType<typeof viaGateway>;
  const ids: Record<string, string> = {};

  async function statistics(katoCode: string): Promise<Record<string, any>> {
    const response = await system.query(`query($k: String!) { region(katoCode: $k) { ${STATISTICS} } }`, { k: katoCode });
    expect(response.errors).toBeUndefined();
    return response.data!.region.buildingStatistics;
  }

  async function write(query: string, variables: Record<string, unknown>): Promise<any> {
    const response = await send(query, variables);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    const fixture = await AuthFixture.create(system.db);
    send = viaGateway(
      system,
      await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.BuildingRegisterConfirm]),
    );
    // Every building has 60 premises and is otherwise the fixture's valid record (central heating, closed, repaired 2010).
    const specs: Record<string, Record<string, unknown>> = {
      a: { katoCode: ALMALY, yearBuilt: 1975, condition: 'OPERATING', barrierFree: false },
      b: {
        katoCode: ALMALY,
        yearBuilt: 1985,
        condition: 'EMERGENCY',
        heatingSupplyType: 'AUTONOMOUS',
        heatingSupplyKind: null,
        barrierFree: true,
      },
      c: {
        katoCode: BOSTANDYK,
        yearBuilt: 2001,
        condition: 'OPERATING_NEEDS_CAPITAL_REPAIR',
        lastCapitalRepairDate: null,
        barrierFree: true,
      },
      d: { katoCode: ESIL, yearBuilt: 2015, condition: 'OPERATING', lastCapitalRepairDate: null },
      e: { katoCode: ALMALY, yearBuilt: 1960, condition: 'EMERGENCY' },
    };
    for (const [name, spec] of Object.entries(specs)) {
      ids[name] = (await write(REGISTER, { input: buildingInput(spec) })).registerBuilding.building.id;
    }
    await write(`mutation($id: ID!) { retireBuilding(id: $id, reason: "Снесён.") { building { id } } }`, { id: ids.e });
    await system.db.execute(sql`update buildings.buildings set confirmed_at = now() - interval '400 days' where id = ${ids.a}`);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('gives a city its figures, counted by hand, to anyone (aggregates of the open part)', async () => {
    expect(await statistics(ALMATY)).toEqual({
      registered: 3,
      retired: 1,
      premises: 180,
      emergency: 1,
      needingCapitalRepair: 1,
      barrierFree: 2,
      barrierFreeShare: 2 / 3,
      confirmationOverdue: 1,
      // a: 28 of 28 fields; b: 27 of 27 (no central heating, field 18 does not apply); c: 27 of 28 (no field 12).
      completeness: 82 / 83,
      byCondition: [
        { condition: 'EMERGENCY', count: 1 },
        { condition: 'OPERATING', count: 1 },
        { condition: 'OPERATING_NEEDS_CAPITAL_REPAIR', count: 1 },
      ],
      byHeatingSupplyType: [
        { heatingSupplyType: 'AUTONOMOUS', count: 1 },
        { heatingSupplyType: 'CENTRAL', count: 2 },
      ],
      byDecadeBuilt: [
        { decade: 1970, count: 1 },
        { decade: 1980, count: 1 },
        { decade: 2000, count: 1 },
      ],
    });
  });

  it('serves the country, a city and a district with one query, each covering everything under its code', async () => {
    const response = await system.query(`{
      country { katoCode kind level children { katoCode } buildingStatistics { registered retired premises emergency } }
      almaly: region(katoCode: "${ALMALY}") { buildingStatistics { registered retired emergency byDecadeBuilt { decade count } } }
      astana: region(katoCode: "${ASTANA}") { buildingStatistics { registered needingCapitalRepair completeness } }
    }`);
    expect(response.errors).toBeUndefined();
    const { country, almaly, astana } = response.data!;
    expect(country).toMatchObject({ katoCode: '000000000', kind: 'COUNTRY', level: 0 });
    expect(country.children.map((child: any) => child.katoCode)).toEqual(expect.arrayContaining([ALMATY, ASTANA]));
    expect(country.children).toHaveLength(20);
    expect(country.buildingStatistics).toEqual({ registered: 4, retired: 1, premises: 240, emergency: 1 });
    expect(almaly.buildingStatistics).toEqual({
      registered: 2,
      retired: 1,
      emergency: 1,
      byDecadeBuilt: [
        { decade: 1970, count: 1 },
        { decade: 1980, count: 1 },
      ],
    });
    // d has central heating and no date of last capital repair: 27 of 28.
    expect(astana.buildingStatistics).toEqual({ registered: 1, needingCapitalRepair: 0, completeness: 27 / 28 });
  });

  it('shows a write in the next read (the summary changes in the writing transaction: freshness bound 0)', async () => {
    const before = await statistics(ALMATY);
    await write(`mutation($id: ID!) { retireBuilding(id: $id, reason: "Аварийный, снесён.") { building { id } } }`, { id: ids.b });
    const afterRetiring = await statistics(ALMATY);
    expect(afterRetiring).toMatchObject({ registered: before.registered - 1, retired: before.retired + 1, emergency: 0, barrierFree: 1 });

    await write(`mutation($id: ID!) { updateBuilding(id: $id, input: { condition: EMERGENCY, yearBuilt: 1999 }) { building { id } } }`, {
      id: ids.c,
    });
    const afterUpdate = await statistics(ALMATY);
    expect(afterUpdate).toMatchObject({ emergency: 1, needingCapitalRepair: 0 });
    expect(afterUpdate.byDecadeBuilt).toEqual([
      { decade: 1970, count: 1 },
      { decade: 1990, count: 1 },
    ]);

    await write(REGISTER, {
      input: buildingInput({ katoCode: BOSTANDYK, yearBuilt: 2020, condition: 'OPERATING', lastCapitalRepairDate: null }),
    });
    expect((await statistics(ALMATY)).registered).toBe(afterUpdate.registered + 1);

    await write(`mutation($id: ID!) { confirmBuilding(id: $id) { building { id } } }`, { id: ids.a });
    expect((await statistics(ALMATY)).confirmationOverdue).toBe(0);
  });

  it('keeps the summary equal to a recount of the register after all these writes', async () => {
    const summary = sql`select district, status::text, condition::text, heating_supply_type::text, decade_built, barrier_free,
                               buildings, premises, annex_fields_applicable, annex_fields_filled
                          from buildings.building_counts where buildings <> 0 order by 1, 2, 3, 4, 5, 6`;
    const kept = await system.db.execute(summary);
    expect(kept.length).toBeGreaterThan(3);
    await system.db.execute(sql`select buildings.rebuild_building_counts()`);
    expect(await system.db.execute(summary)).toEqual(kept);
  });

  it('counts a territory under its KATO code with an index range scan, not a pattern match', async () => {
    const plan = await system.db.transaction(async (tx) => {
      // The test register is tiny: without this the planner would rightly read it whole.
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = off`);
      const rows = await tx.execute<{ 'QUERY PLAN': string }>(
        sql`explain select count(*) from buildings.buildings where kato_code ~>=~ '75' and kato_code ~<~ '76'`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Only Scan using buildings_kato_code_prefix_idx/);
    expect(plan).toMatch(/Index Cond: \(\(kato_code ~>=~ '75'::text\) AND \(kato_code ~<~ '76'::text\)\)/);
  });
});
