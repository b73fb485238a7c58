import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { almatyDate } from '../lib/working-calendar.js';
import { ALMALY, ALMATY, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The regulatory clock through the gateway: duties published by the buildings, access and
// utilities subgraphs, one list, due dates moved off days off by the calendar kept as data.
// Every due date below was worked out by hand on the 2026–2027 calendar of migration 0002.

const dutiesQuery = `query($filter: DutyFilter, $first: Int, $after: String) {
  duties(filter: $filter, first: $first, after: $after) {
    edges { node { id kind rulePoint objectType objectId subjectId katoCode nominalDate dueDate overdue } }
    pageInfo { hasNextPage endCursor } } }`;
const countsQuery = `query($filter: DutyFilter, $byRegion: Boolean) {
  dutyCounts(filter: $filter, byRegion: $byRegion) { kind region { katoCode nameRu } total overdue dueWithin30Days } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;

interface DutyNode {
  id: string;
  kind: string;
  rulePoint: string;
  objectType: string;
  objectId: string;
  subjectId: string | null;
  katoCode: string | null;
  nominalDate: string;
  dueDate: string;
  overdue: boolean;
}

describe('the regulatory clock', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let ministry: Actor;
  let almaty: Actor;
  let supplier: Actor;
  const ids: Record<string, string> = {};
  let applicationDeadline: string;
  const today = almatyDate(new Date());

  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other end-to-end tests
  async function ok<T = any>(query: string, variables: Record<string, unknown>, actor: { token: string }): Promise<T> {
    const response = await system.query<T>(query, variables, { token: actor.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as T;
  }

  /** Every duty `actor` reads with `filter`, two per page. */
  async function dutiesOf(actor: { token: string }, filter: Record<string, unknown> = {}): Promise<DutyNode[]> {
    const nodes: DutyNode[] = [];
    let after: string | null = null;
    for (let page = 0; page < 30; page += 1) {
      const data: { duties: { edges: Array<{ node: DutyNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await ok(
        dutiesQuery,
        { filter, first: 2, after },
        actor,
      );
      nodes.push(...data.duties.edges.map((edge: { node: DutyNode }) => edge.node));
      if (!data.duties.pageInfo.hasNextPage) break;
      after = data.duties.pageInfo.endCursor;
    }
    return nodes;
  }

  const brief = (nodes: DutyNode[]) => nodes.map((node) => `${node.objectType}:${node.objectId}:${node.dueDate}`);

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: ALMATY });
    const astana = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: '710000000' });
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const { db } = system;
    // Buildings: confirmed a year before a holiday, before a Sunday, never (registered on a holiday), retired.
    for (const [name, kato, actor] of [
      ['b1', ALMALY, almaty],
      ['b2', ESIL, astana],
      ['b3', ALMALY, almaty],
      ['b4', ALMALY, almaty],
    ] as const)
      ids[name] = (await ok(registerBuilding, { input: buildingInput({ katoCode: kato }) }, actor)).registerBuilding.building.id;
    await db.execute(sql`update buildings.buildings set confirmed_at = '2025-12-16T05:00:00Z' where id = ${ids.b1}`);
    await db.execute(sql`update buildings.buildings set confirmed_at = '2025-03-01T05:00:00Z' where id = ${ids.b2}`);
    await db.execute(sql`update buildings.buildings set confirmed_at = null, created_at = '2026-05-09T05:00:00Z' where id = ${ids.b3}`);
    await db.execute(sql`update buildings.buildings set status = 'RETIRED', retired_at = now() where id = ${ids.b4}`);
    // The supplier's meters and tariffs, and its grant's term.
    const [row] = await db.execute<{ id: string }>(sql`
      insert into utilities.suppliers (subject_id, name, bin, services)
      values (${supplier.subjectId}, 'Vodokanal', ${makeBin()}, '{WATER_SUPPLY}') returning id`);
    const supplierId = (row as { id: string }).id;
    const meter = async (serial: string, status: string, next: string) => {
      const [inserted] = await db.execute<{ id: string }>(sql`
        insert into utilities.meters (supplier_id, kind, building_id, kato_code, service, serial_number, capacity_digits,
                                      tariff_zones, status, installed_at, next_verification_at)
        values (${supplierId}, 'COMMON_HOUSE', ${ids.b1}, ${ALMALY}, 'WATER_SUPPLY', ${serial}, 6, 1, ${status}, '2020-01-01', ${next})
        returning id`);
      return (inserted as { id: string }).id;
    };
    ids.m1 = await meter('M1', 'INSTALLED', '2027-01-01');
    ids.m2 = await meter('M2', 'REMOVED', '2027-01-01');
    ids.m3 = await meter('M3', 'INSTALLED', '2027-06-05');
    const tariff = async (validFrom: string, validTo: string | null) => {
      const [inserted] = await db.execute<{ id: string }>(sql`
        insert into utilities.tariffs (supplier_id, service, price_per_unit, unit, territory_kato, tiers, valid_from, valid_to, published_at, created_by)
        values (${supplierId}, 'WATER_SUPPLY', '100.0000', 'CUBIC_METRE', ${ALMATY}, '[{"upTo":null,"price":"100.0000"}]',
                ${validFrom}, ${validTo}, now(), 'test') returning id`);
      return (inserted as { id: string }).id;
    };
    ids.t1 = await tariff('2026-01-01', '2026-12-31');
    ids.t2 = await tariff('2027-01-01', '2027-03-21');
    await db.execute(sql`update access.grants set valid_until = '2027-03-08T10:00:00Z' where id = ${supplier.grantId}`);
    // A Saturday made a working day by decree: a duty due then stays there.
    await db.execute(
      sql`insert into platform.holidays (date, kind, name_kk, name_ru) values ('2027-06-05', 'WORKING_WEEKEND', 'Жұмыс күні', 'Рабочий день')`,
    );
    const { application } = await fixture.access.service.submitApplication(
      {
        subjectId: supplier.subjectId,
        digitalObjectName: 'Second system',
        functions: [AccessFunction.PersonalAccountsMaintain],
        contactEmail: 'it@example.kz',
      },
      fixture.access.acting(),
    );
    ids.application = application.id;
    applicationDeadline = application.deadline;
  });
  afterAll(async () => {
    await system?.close();
  });

  const expected = () => ({
    b1: `Building:${ids.b1}:2026-12-17`, // 16 December 2026 is Independence Day
    b2: `Building:${ids.b2}:2026-03-02`, // 1 March 2026 is a Sunday
    b3: `Building:${ids.b3}:2026-05-12`, // never confirmed: due from registration, 9 May (Sat, Victory Day), 10 (Sun), 11 (day off moved)
    m1: `Meter:${ids.m1}:2027-01-05`, // 1–2 January, a Sunday, 4 January moved
    m3: `Meter:${ids.m3}:2027-06-05`, // a working Saturday
    t2: `Tariff:${ids.t2}:2027-03-25`, // Nauryz 21–23 March 2027 (from a Sunday), 24 March moved
    grant: `Grant:${supplier.grantId}:2027-03-09`, // 8 March 2027
    application: `Application:${ids.application}:${applicationDeadline}`,
  });

  it('a national body with ANALYTICS_READ reads every duty, earliest due first, on the working calendar, each with its point of the Rules', async () => {
    const nodes = await dutiesOf(ministry);
    const mine = nodes.filter((node) => Object.values(ids).includes(node.objectId) || node.objectId === supplier.grantId);
    const e = expected();
    expect(brief(mine)).toEqual(
      [e.b2, e.b3, e.b1, e.m1, e.grant, e.t2, e.m3, e.application].sort((a, b) => {
        const [, idA = '', dueA = ''] = a.split(':');
        const [, idB = '', dueB = ''] = b.split(':');
        return dueA.localeCompare(dueB) || idA.localeCompare(idB);
      }),
    );
    expect(brief(nodes)).toEqual(brief(mine)); // the fixture's other grants have no term
    const byObject = new Map(nodes.map((node) => [node.objectId, node]));
    expect(byObject.get(ids.b3 ?? '')).toMatchObject({
      kind: 'BUILDING_CONFIRMATION',
      rulePoint: 'p.13',
      nominalDate: '2026-05-09',
      katoCode: ALMALY,
      subjectId: null,
    });
    expect(byObject.get(ids.m1 ?? '')).toMatchObject({ kind: 'METER_VERIFICATION', rulePoint: 'p.4.12', subjectId: supplier.subjectId });
    expect(byObject.get(ids.application ?? '')).toMatchObject({ kind: 'APPLICATION_REVIEW', rulePoint: 'p.16', katoCode: null });
    expect(byObject.get(supplier.grantId)).toMatchObject({ kind: 'GRANT_EXPIRY', rulePoint: 'p.20.1', nominalDate: '2027-03-08' });
    expect(byObject.get(ids.t2 ?? '')).toMatchObject({
      kind: 'TARIFF_EXPIRY',
      rulePoint: 'p.4.14',
      objectType: 'Tariff',
      nominalDate: '2027-03-21',
      katoCode: ALMATY,
      subjectId: supplier.subjectId,
    });
    for (const node of nodes) expect(node.overdue).toBe(node.dueDate < today);
    // Retired buildings, removed meters and tariffs with a successor owe nothing.
    for (const gone of [ids.b4, ids.m2, ids.t1]) expect(byObject.has(gone ?? '')).toBe(false);
  });

  it('a local executive body reads the duties located in its territory; a supplier its own; the public none', async () => {
    const e = expected();
    expect(new Set(brief(await dutiesOf(almaty)))).toEqual(new Set([e.b1, e.b3, e.m1, e.m3, e.t2]));
    expect(new Set(brief(await dutiesOf(supplier)))).toEqual(new Set([e.m1, e.m3, e.t2, e.grant, e.application]));
    const anonymous = await system.query(dutiesQuery, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('filters by kind, territory, subject, due dates and overdue', async () => {
    const e = expected();
    expect(brief(await dutiesOf(ministry, { kinds: ['BUILDING_CONFIRMATION'], katoCode: '710000000' }))).toEqual([e.b2]);
    expect(brief(await dutiesOf(ministry, { subjectId: supplier.subjectId, kinds: ['TARIFF_EXPIRY', 'GRANT_EXPIRY'] }))).toEqual([
      e.grant,
      e.t2,
    ]);
    // 1 January 2027 is nominal; its due date, 5 January, is what the range compares.
    expect(brief(await dutiesOf(ministry, { dueFrom: '2027-01-02', dueTo: '2027-03-09' }))).toEqual([e.m1, e.grant]);
    const overdue = await dutiesOf(ministry, { overdue: true });
    expect(overdue.every((node) => node.dueDate < today)).toBe(true);
    expect(brief(overdue)).toEqual(expect.arrayContaining([e.b2, e.b3]));
    const bad = await system.query(
      dutiesQuery,
      { filter: { katoCode: '75', dueFrom: '2027-02-01', dueTo: '2027-01-01' } },
      { token: ministry.token },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.katoCode' });
    expect(bad.errors?.[0]?.extensions?.problems.map((p: { field: string }) => p.field)).toEqual(['filter.katoCode', 'filter.dueTo']);
  });

  it('counts duties per kind and per region: total, overdue, due within 30 days', async () => {
    const nodes = await dutiesOf(ministry);
    const data = await ok(countsQuery, { byRegion: true }, ministry);
    const soon = (due: string) => due >= today && due <= almatyDate(new Date(Date.parse(`${today}T12:00:00Z`) + 30 * 86_400_000));
    const expectedRows = new Map<string, { total: number; overdue: number; dueWithin30Days: number }>();
    for (const node of nodes.filter((n) => n.katoCode)) {
      const key = `${node.katoCode?.slice(0, 2)}0000000:${node.kind}`;
      const row = expectedRows.get(key) ?? { total: 0, overdue: 0, dueWithin30Days: 0 };
      row.total += 1;
      row.overdue += node.overdue ? 1 : 0;
      row.dueWithin30Days += soon(node.dueDate) ? 1 : 0;
      expectedRows.set(key, row);
    }
    const got = new Map<string, { total: number; overdue: number; dueWithin30Days: number }>(
      data.dutyCounts.map(
        (row: { kind: string; region: { katoCode: string }; total: number; overdue: number; dueWithin30Days: number }) => [
          `${row.region.katoCode}:${row.kind}`,
          { total: row.total, overdue: row.overdue, dueWithin30Days: row.dueWithin30Days },
        ],
      ),
    );
    expect(got).toEqual(expectedRows);
    expect(got.get(`${ALMATY}:BUILDING_CONFIRMATION`)?.total).toBe(2);
    expect(got.get(`${ALMATY}:METER_VERIFICATION`)?.total).toBe(2);
    // The region's name comes from the building register, through the gateway.
    expect(data.dutyCounts.find((row: { region: { katoCode: string } }) => row.region.katoCode === ALMATY).region.nameRu).toBeTruthy();
    const overall = await ok(countsQuery, {}, almaty);
    expect(overall.dutyCounts.map((row: { kind: string; total: number }) => `${row.kind}:${row.total}`).sort()).toEqual([
      'BUILDING_CONFIRMATION:2',
      'METER_VERIFICATION:2',
      'TARIFF_EXPIRY:1',
    ]);
  });

  it('a day off added to the calendar moves the due dates that fall on it', async () => {
    await fixture.access.service.addHoliday(
      { date: '2027-01-05', kind: 'TRANSFERRED_DAY_OFF', nameKk: 'Демалыс', nameRu: 'Выходной' },
      fixture.access.acting(),
    );
    const [m1] = await dutiesOf(ministry, { kinds: ['METER_VERIFICATION'], dueTo: '2027-02-01' });
    expect(m1).toMatchObject({ objectId: ids.m1, nominalDate: '2027-01-01', dueDate: '2027-01-06' });
  });

  it("lists the reports a building's manager has not published (p.5): each month managed in the last twelve, and last year's", async () => {
    const osi = await fixture.access.subject('OSI');
    const thisMonth = `${today.slice(0, 7)}-01`;
    const monthsBack = (n: number) => {
      const d = new Date(`${thisMonth}T12:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() - n);
      return d.toISOString().slice(0, 10);
    };
    const from = monthsBack(2);
    await system.db.execute(sql`
      insert into condominium.management_assignments (building_id, management_subject_id, management_subject_kind, form, valid_from, assigned_by)
      values (${ids.b1}, ${osi.id}, 'OSI', 'OSI', ${from}, 'test')`);
    // Last month's report is published; the month before has none.
    await system.db.execute(sql`
      insert into condominium.reports (building_id, kind, period_start, version, status, manager_subject_id, opening_balance, income_total,
                                       expense_total, closing_balance, fund_opening_balance, fund_contributions, fund_spending,
                                       fund_closing_balance, drafted_by, published_at, channels)
      values (${ids.b1}, 'MONTHLY', ${monthsBack(1)}, 1, 'PUBLISHED', ${osi.id}, 0, 0, 0, 0, 0, 0, 0, 0, 'test', now(), '{DIGITAL_OBJECT}')`);
    const reports = await dutiesOf(ministry, { kinds: ['MONTHLY_REPORT', 'ANNUAL_REPORT'], subjectId: osi.id });
    const lastYearManaged = from <= `${Number(today.slice(0, 4)) - 1}-12-31`;
    expect(reports.map((node) => `${node.kind}:${node.nominalDate}`).sort()).toEqual(
      [`MONTHLY_REPORT:${monthsBack(1).slice(0, 8)}20`, ...(lastYearManaged ? [`ANNUAL_REPORT:${today.slice(0, 4)}-04-01`] : [])].sort(),
    );
    for (const node of reports)
      expect(node).toMatchObject({ objectType: 'Building', objectId: ids.b1, rulePoint: 'p.5', katoCode: ALMALY });
    // The local executive body of the territory sees them; duties have distinct ids although they share their building.
    const almatySees = await dutiesOf(almaty);
    expect(almatySees.filter((node) => node.kind === 'MONTHLY_REPORT')).toHaveLength(1);
    expect(new Set(almatySees.map((node) => node.id)).size).toBe(almatySees.length);
  });

  it("lists owners' requests still open (p.4.7), due on their day moved off days off, for the building's manager", async () => {
    const request = async (status: string, dueOn: string) => {
      const [row] = await system.db.execute<{ id: string }>(sql`
        insert into condominium.owner_requests (building_id, category_code, description, requester_person_id, status, due_on, submitted_at, done_at, kato_code)
        values (${ids.b1}, 'HEATING', 'No heat', gen_random_uuid(), ${status}, ${dueOn}, now(), ${status === 'DONE' ? sql`now()` : null},
                (select kato_code from buildings.published_buildings where id = ${ids.b1}))
        returning id`);
      return (row as { id: string }).id;
    };
    const open = await request('IN_PROGRESS', '2027-03-21');
    const done = await request('DONE', '2027-03-21');
    const nodes = await dutiesOf(ministry, { kinds: ['REQUEST_RESOLUTION'] });
    expect(nodes.map((node) => node.objectId)).toEqual([open]);
    expect(nodes[0]).toMatchObject({
      objectType: 'OwnerRequest',
      rulePoint: 'p.4.7',
      nominalDate: '2027-03-21',
      dueDate: '2027-03-25',
      katoCode: ALMALY,
    });
    // The building's current manager (the OSI of the previous case) is the one to act.
    expect(nodes[0]?.subjectId).toEqual(expect.any(String));
    expect(nodes.some((node) => node.objectId === done)).toBe(false);
  });
});
