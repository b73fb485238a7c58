import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildings } from '../schema/buildings.js';
import { ALMATY, ASTANA, BOSTANDYK, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// A rural district of Almaly (a territory finer than a district: read from the records, not the summaries).
const ALMALY_RURAL = '751113000';
const COUNTRY = '000000000';
const OCTOBER_2025 =
  'reportCompliance(kind: MONTHLY, year: 2025, month: 10) { owing onTime late missing due onTimeShare lateShare missingShare }';
// A period whose deadline has not passed (whenever the test runs): what is unpublished is DUE.
const FAR_PERIOD = 'reportCompliance(kind: MONTHLY, year: 2199, month: 12) { owing onTime late missing due }';
const FIGURES = `managementForms { form buildingCount share } unmanagedBuildingCount
  october: ${OCTOBER_2025} far: ${FAR_PERIOD}
  capitalRepairFund { accrued paid spent balance } overdueOwnerRequestCount`;

/**
 * The condominium figures per territory (Region) on a small dataset written row by row and
 * checked by hand; who may read them; and that a write shows in the next read (the summaries
 * are changed by the writes' own triggers, in their transaction).
 *
 * Buildings: b1 in a rural district of Almaly (an OSI since 2020), b2 in Almaly (a company
 * until 2026-01-01, an OSI since), b3 in Bostandyk (no manager), b4 in Astana's Esil (a
 * company), b5 in Almaly (an OSI only from 2199).
 */
describe('condominium analytics on Region', () => {
  let system: TestSystem;
  let ministry: Actor;
  let almatyAkimat: Actor;
  const b: Record<string, string> = {};
  const request: Record<string, string> = {};

  const assign = (buildingId: string, form: string, from: string, to: string | null = null) => {
    const kind = form === 'OSI' ? 'OSI' : 'MANAGEMENT_COMPANY';
    return system.db.execute(sql`insert into condominium.management_assignments
      (building_id, management_subject_id, management_subject_kind, form, valid_from, valid_to, assigned_by)
      values (${buildingId}, ${randomUUID()}, ${kind}, ${form}, ${from}, ${to}, 'test')`);
  };
  const report = async (
    buildingId: string,
    periodStart: string,
    publishedAt: string | null,
    version = 1,
    replacesId: string | null = null,
  ) => {
    const id = randomUUID();
    await system.db.execute(sql`insert into condominium.reports
      (id, building_id, kind, period_start, version, replaces_id, correction_reason, status, manager_subject_id,
       opening_balance, income_total, expense_total, closing_balance, fund_opening_balance, fund_contributions, fund_spending,
       fund_closing_balance, drafted_by, published_at, channels)
      values (${id}, ${buildingId}, 'MONTHLY', ${periodStart}, ${version}, ${replacesId}, ${replacesId ? 'A correction.' : null},
              ${publishedAt ? 'PUBLISHED' : 'DRAFT'}, ${randomUUID()}, 0, 0, 0, 0, 0, 0, 0, 0, 'test', ${publishedAt},
              ${publishedAt ? '{POSTED_PUBLICLY}' : '{}'})`);
    return id;
  };
  const ownerRequest = (buildingId: string, katoCode: string, status: string, dueOn: string) => {
    const id = randomUUID();
    return system.db
      .execute(sql`insert into condominium.owner_requests
        (id, building_id, category_code, description, requester_person_id, status, due_on, rejection_reason, submitted_at, kato_code)
        values (${id}, ${buildingId}, (select code from condominium.request_categories order by code limit 1), 'A leak.', ${randomUUID()},
                ${status}, ${dueOn}, ${status === 'REJECTED' ? 'Not ours.' : null}, now(), ${katoCode})`)
      .then(() => id);
  };
  const money = (table: 'accruals' | 'payments', buildingId: string, tiyn: number) =>
    table === 'accruals'
      ? system.db.execute(sql`insert into condominium.capital_repair_accruals (building_id, premise_id, period, amount_tiyn, recorded_by)
          values (${buildingId}, ${randomUUID()}, '2026-10-01', ${tiyn}, 'test')`)
      : system.db.execute(sql`insert into condominium.capital_repair_payments (building_id, premise_id, paid_on, amount_tiyn, recorded_by)
          values (${buildingId}, ${randomUUID()}, '2026-10-15', ${tiyn}, 'test')`);

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    const fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    almatyAkimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.AnalyticsRead], { territoryKato: ALMATY });
    // The classifier served holds regions and districts; a rural district is added for this test.
    await system.db.execute(sql`insert into buildings.territories (kato_code, parent_kato_code, kind, level, name_kk, name_ru, kato_prefix)
      values (${ALMALY_RURAL}, '751110000', 'DISTRICT', 3, 'Ауылдық округ', 'Сельский округ', '751113')`);
    const codes = { b1: '751113111', b2: '751110000', b3: BOSTANDYK, b4: ESIL, b5: '751110000' };
    for (const [key, katoCode] of Object.entries(codes)) {
      const [row] = await system.db
        .insert(buildings)
        .values(buildingInput({ katoCode }) as typeof buildings.$inferInsert)
        .returning({ id: buildings.id });
      b[key] = row!.id;
    }
    await assign(b.b1!, 'OSI', '2020-01-01');
    await assign(b.b2!, 'MANAGEMENT_COMPANY', '2020-01-01', '2026-01-01');
    await assign(b.b2!, 'OSI', '2026-01-01');
    await assign(b.b4!, 'MANAGEMENT_COMPANY', '2020-01-01');
    await assign(b.b5!, 'OSI', '2199-01-01');
    // October 2025, due by 20 November: b1 on time (its correction later counts for nothing), b2 late, b4 missing.
    const first = await report(b.b1!, '2025-10-01', '2025-11-20T23:30:00+05:00');
    await report(b.b1!, '2025-10-01', '2025-12-01T10:00:00+05:00', 2, first);
    await report(b.b2!, '2025-10-01', '2025-11-21T00:10:00+05:00');
    // Overdue requests: b1's accepted one and b4's reopened one; not b2's (not yet due), done, nor b3's rejected one.
    request.b1 = await ownerRequest(b.b1!, codes.b1, 'ACCEPTED', '2025-01-01');
    await ownerRequest(b.b2!, codes.b2, 'SUBMITTED', '2199-01-01');
    await ownerRequest(b.b2!, codes.b2, 'DONE', '2025-01-01');
    await ownerRequest(b.b3!, codes.b3, 'REJECTED', '2025-01-01');
    await ownerRequest(b.b4!, codes.b4, 'REOPENED', '2025-06-01');
    // Capital repair: b1 accrued 100, paid 60, spent 25 under a decision; b4 accrued and paid 50.
    await money('accruals', b.b1!, 10_000);
    await money('payments', b.b1!, 6_000);
    await money('accruals', b.b4!, 5_000);
    await money('payments', b.b4!, 5_000);
    const meeting = randomUUID();
    const question = randomUUID();
    await system.db.execute(sql`insert into condominium.meetings (id, building_id, title, notice_given_on, opens_at, closes_at, announced_by)
      values (${meeting}, ${b.b1}, 'Roof', '2026-09-01', '2026-09-15T10:00:00+05:00', '2026-09-15T12:00:00+05:00', 'test')`);
    await system.db.execute(sql`insert into condominium.meeting_questions (id, meeting_id, position, text, kind, approved)
      values (${question}, ${meeting}, 1, 'Repair the roof', (select code from condominium.question_kinds order by code limit 1), true)`);
    await system.db.execute(sql`insert into condominium.capital_repair_spendings (building_id, decision_id, spent_on, amount_tiyn, purpose, recorded_by)
      values (${b.b1}, ${question}, '2026-10-01', 2500, 'Roof', 'test')`);
  });
  afterAll(async () => {
    await system?.close();
  });

  async function figures(katoCode: string, actor: Actor = ministry) {
    const query =
      katoCode === COUNTRY ? `{ region: country { ${FIGURES} } }` : `query($k: String!) { region(katoCode: $k) { ${FIGURES} } }`;
    const response = await system.query(query, { k: katoCode }, { token: actor.token });
    expect(response.errors).toBeUndefined();
    const region = response.data!.region;
    return { ...region, forms: Object.fromEntries(region.managementForms.map((row: any) => [row.form, row.buildingCount])) };
  }

  it('gives the country, a city, another city and a rural district their figures, counted by hand', async () => {
    const [country, almaty, astana, rural] = await Promise.all([figures(COUNTRY), figures(ALMATY), figures(ASTANA), figures(ALMALY_RURAL)]);
    // Today: b1 and b2 under OSIs, b4 under a company; b3 and b5 (from 2199) unmanaged.
    expect(country.forms).toEqual({ OSI: 2, MANAGEMENT_COMPANY: 1, DIRECT_JOINT_MANAGEMENT: 0, TEMPORARY_MANAGEMENT_COMPANY: 0 });
    expect(country.unmanagedBuildingCount).toBe(2);
    // Shares of the 5 buildings on the register.
    expect(Object.fromEntries(country.managementForms.map((row: any) => [row.form, row.share]))).toEqual({
      OSI: 0.4,
      MANAGEMENT_COMPANY: 0.2,
      DIRECT_JOINT_MANAGEMENT: 0,
      TEMPORARY_MANAGEMENT_COMPANY: 0,
    });
    expect(almaty.forms).toMatchObject({ OSI: 2, MANAGEMENT_COMPANY: 0 });
    expect(almaty.unmanagedBuildingCount).toBe(2);
    expect(astana.forms).toMatchObject({ OSI: 0, MANAGEMENT_COMPANY: 1 });
    expect(astana.unmanagedBuildingCount).toBe(0);
    expect(rural.forms).toMatchObject({ OSI: 1, MANAGEMENT_COMPANY: 0 });
    expect(rural.unmanagedBuildingCount).toBe(0);

    // October 2025: b1, b2 (then a company's) and b4 owed it; b5 was not managed yet.
    expect(country.october).toEqual({
      owing: 3,
      onTime: 1,
      late: 1,
      missing: 1,
      due: 0,
      onTimeShare: 1 / 3,
      lateShare: 1 / 3,
      missingShare: 1 / 3,
    });
    expect(almaty.october).toEqual({ owing: 2, onTime: 1, late: 1, missing: 0, due: 0, onTimeShare: 0.5, lateShare: 0.5, missingShare: 0 });
    expect(astana.october).toMatchObject({ owing: 1, onTime: 0, late: 0, missing: 1 });
    expect(rural.october).toMatchObject({ owing: 1, onTime: 1, late: 0, missing: 0 });
    // December 2199: every current assignment and b5's owe it, none is late yet.
    expect(country.far).toEqual({ owing: 4, onTime: 0, late: 0, missing: 0, due: 4 });
    expect(rural.far).toEqual({ owing: 1, onTime: 0, late: 0, missing: 0, due: 1 });

    expect(country.capitalRepairFund).toEqual({ accrued: '150.00', paid: '110.00', spent: '25.00', balance: '85.00' });
    expect(almaty.capitalRepairFund).toEqual({ accrued: '100.00', paid: '60.00', spent: '25.00', balance: '35.00' });
    expect(astana.capitalRepairFund).toEqual({ accrued: '50.00', paid: '50.00', spent: '0.00', balance: '50.00' });
    expect(rural.capitalRepairFund).toEqual(almaty.capitalRepairFund);

    expect([country, almaty, astana, rural].map((region) => region.overdueOwnerRequestCount)).toEqual([2, 1, 1, 1]);
  });

  it("counts compliance as the per-building list decides each building's status", async () => {
    for (const katoCode of [ALMATY, ALMALY_RURAL]) {
      const list = await system.query(
        `query($k: String!) { reportCompliance(katoCode: $k, kind: MONTHLY, year: 2025, month: 10) { edges { node { status } } } }`,
        { k: katoCode },
        { token: ministry.token },
      );
      expect(list.errors).toBeUndefined();
      const statuses = list.data!.reportCompliance.edges.map((edge: any) => edge.node.status);
      const { october } = await figures(katoCode);
      expect(october).toMatchObject({
        owing: statuses.length,
        onTime: statuses.filter((s: string) => s === 'ON_TIME').length,
        late: statuses.filter((s: string) => s === 'LATE').length,
        missing: statuses.filter((s: string) => s === 'MISSING').length,
      });
    }
  });

  it('lets a local executive body read its own territory only, and nobody without a token; the management counts stay open', async () => {
    const own = await figures(ALMATY, almatyAkimat);
    expect(own.overdueOwnerRequestCount).toBe(1);
    for (const field of [OCTOBER_2025, 'capitalRepairFund { balance }', 'overdueOwnerRequestCount']) {
      const other = await system.query(`{ region(katoCode: "${ASTANA}") { katoCode ${field} } }`, {}, { token: almatyAkimat.token });
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const country = await system.query(`{ country { ${field} } }`, {}, { token: almatyAkimat.token });
      expect(country.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await system.query(`{ region(katoCode: "${ALMATY}") { katoCode ${field} } }`);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const open = await system.query(`{ region(katoCode: "${ASTANA}") { managementForms { form buildingCount } unmanagedBuildingCount } }`);
    expect(open.errors).toBeUndefined();
    expect(open.data!.region.unmanagedBuildingCount).toBe(0);
  });

  it('shows each write in the next read (the summaries change in the writing transaction)', async () => {
    // Management: b3 gets an OSI from February 2026; b4's company leaves in January 2026 (its October 2025 still owed).
    await assign(b.b3!, 'OSI', '2026-02-01');
    await system.db.execute(sql`update condominium.management_assignments set valid_to = '2026-01-15' where building_id = ${b.b4}`);
    // Reports: b4 publishes October 2025 late (drafted, then published).
    const draft = await report(b.b4!, '2025-10-01', null);
    await system.db.execute(sql`update condominium.reports set status = 'PUBLISHED', published_at = '2025-12-01T10:00:00+05:00',
      channels = '{POSTED_PUBLICLY}' where id = ${draft}`);
    // Capital repair: b2 pays 10. Requests: b1's is done.
    await money('payments', b.b2!, 1_000);
    await system.db.execute(sql`update condominium.owner_requests set status = 'DONE', done_at = now() where id = ${request.b1}`);

    const [country, almaty, astana] = await Promise.all([figures(COUNTRY), figures(ALMATY), figures(ASTANA)]);
    expect(country.forms).toMatchObject({ OSI: 3, MANAGEMENT_COMPANY: 0 });
    expect(almaty.unmanagedBuildingCount).toBe(1);
    expect(astana.unmanagedBuildingCount).toBe(1);
    expect(country.october).toMatchObject({ owing: 3, onTime: 1, late: 2, missing: 0 });
    expect(astana.october).toMatchObject({ owing: 1, late: 1, missing: 0 });
    expect(almaty.capitalRepairFund).toEqual({ accrued: '100.00', paid: '70.00', spent: '25.00', balance: '45.00' });
    expect([country, almaty, astana].map((region) => region.overdueOwnerRequestCount)).toEqual([1, 0, 1]);
  });

  it("keeps the summaries as a rebuild from the records (the migration's first fill) makes them", async () => {
    const summaries = async () =>
      Promise.all(
        ['management_counts', 'report_publication_counts', 'capital_repair_totals', 'open_request_counts'].map(async (table) =>
          (
            await system.db.execute(
              sql.raw(
                `select * from condominium.${table} where ${table === 'capital_repair_totals' ? 'true' : table === 'open_request_counts' ? 'requests <> 0' : 'buildings <> 0'} order by 1, 2, 3`,
              ),
            )
          ).map((row) => JSON.stringify(row)),
        ),
      );
    const kept = await summaries();
    const before = await Promise.all([figures(COUNTRY), figures(ALMATY), figures(ASTANA), figures(ALMALY_RURAL)]);
    await system.db.execute(sql`select condominium.rebuild_analytics_summaries()`);
    expect(await summaries()).toEqual(kept);
    expect(await Promise.all([figures(COUNTRY), figures(ALMATY), figures(ASTANA), figures(ALMALY_RURAL)])).toEqual(before);
  });
});
