import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchMonth, generateDataset } from '../bench/dataset.js';
import { planDistricts } from '../bench/national-dataset.js';
import { isKatoCode } from '../lib/kato.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The benchmark's generator (bench/national-dataset.ts) at 200 buildings: every table the
// dashboard and the drill-down read is filled, the rows hang together, the summaries agree.

let database: TestDatabase;
let sql: postgres.Sql;
let rows: Record<string, number>;
const folder = mkdtempSync(join(tmpdir(), 'bench-dataset-'));
const month = benchMonth();

beforeAll(async () => {
  database = await createTestDatabase();
  const generated = await generateDataset(database.url, {
    buildings: 200,
    month,
    months: 2,
    referenceDate: new Date().toISOString().slice(0, 10),
    tokensFile: join(folder, 'tokens.json'),
  });
  rows = generated.rows;
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await database?.close();
  rmSync(folder, { recursive: true, force: true });
});

const one = async (query: PromiseLike<Array<{ n: number | string }>>) => Number((await query)[0]?.n);

describe('the national dataset generator', () => {
  it('shares the buildings out over every region and district by weight, summing to the size asked', () => {
    const plans = planDistricts(300_000);
    expect(plans.reduce((sum, plan) => sum + plan.count, 0)).toBe(300_000);
    expect(new Set(plans.filter((plan) => plan.count > 0).map((plan) => plan.placement.region.katoCode)).size).toBe(20);
    expect(planDistricts(200).reduce((sum, plan) => sum + plan.count, 0)).toBe(200);
  });

  it('writes the counts it reports, with 10 to 40 premises a building', async () => {
    expect(rows.buildings).toBe(200);
    expect(await one(sql`select count(*) as n from buildings.buildings`)).toBe(200);
    expect(await one(sql`select count(*) as n from buildings.premises`)).toBe(rows.premises);
    const [range] = await sql`select min(total_premises_count) as low, max(total_premises_count) as high from buildings.buildings`;
    expect(range?.low).toBeGreaterThanOrEqual(10);
    expect(range?.high).toBeLessThanOrEqual(40);
    for (const table of ['accounts', 'meters', 'readings', 'charges', 'payments', 'managementAssignments', 'reports', 'ownerRequests'])
      expect(rows[table], table).toBeGreaterThan(0);
  });

  it('places every building under a district of the KATO tree, every premise in its building, every owner on a premise', async () => {
    const codes = await sql<Array<{ kato_code: string; known: boolean }>>`
      select distinct b.kato_code, exists (select 1 from buildings.territories t where t.kato_code = b.kato_code and t.level = 2) as known
        from buildings.buildings b`;
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) {
      expect(isKatoCode(code.kato_code)).toBe(true);
      expect(code.known).toBe(true);
    }
    const [premises] = await sql`
      select count(*) filter (where p.kind = 'APARTMENT')::int as apartments, count(*)::int as total,
             (select sum(total_premises_count)::int from buildings.buildings) as declared
        from buildings.premises p`;
    expect(premises?.total).toBe(premises?.declared);
    expect(
      await one(
        sql`select count(*) as n from buildings.premise_owners o where not exists (select 1 from buildings.premises p where p.id = o.premise_id)`,
      ),
    ).toBe(0);
    expect(
      await one(
        sql`select count(*) as n from buildings.premises p where not exists (select 1 from buildings.premise_owners o where o.premise_id = p.id)`,
      ),
    ).toBe(0);
  });

  it('keeps every account on an existing premise of its building, every meter and charge on its account', async () => {
    expect(
      await one(sql`
        select count(*) as n from utilities.personal_accounts a
         where not exists (select 1 from buildings.premises p where p.building_id = a.building_id and p.number = a.premise_number)`),
    ).toBe(0);
    expect(
      await one(sql`
        select count(*) as n from utilities.meters m
         where m.kind = 'INDIVIDUAL' and not exists (select 1 from utilities.personal_accounts a
                where a.building_id = m.building_id and a.premise_number = m.premise_number and a.service = m.service)`),
    ).toBe(0);
    expect(
      await one(sql`
        select count(*) as n from utilities.charges c join utilities.personal_accounts a on a.id = c.account_id
          join buildings.buildings b on b.id = a.building_id where c.kato_code <> b.kato_code`),
    ).toBe(0);
    expect(await one(sql`select count(distinct month) as n from utilities.charges where month <= ${month}`)).toBe(2);
    // Valid identification numbers: IINs and BINs check (the register refuses others on write).
    const numbers = await sql<Array<{ n: string }>>`
      select identification_number as n from buildings.premise_owners order by random() limit 300`;
    for (const { n } of numbers) expect(checks(n), n).toBe(true);
  });

  it('leaves the summaries consistent with the base tables', async () => {
    const [register] = await sql`
      select (select sum(buildings)::int from buildings.building_counts) as counted, (select count(*)::int from buildings.buildings) as actual`;
    expect(register?.counted).toBe(register?.actual);
    // Management of one region (Almaty) by form, as the summary has it today and as the assignments say.
    const counted = await sql<Array<{ form: string; n: number }>>`
      select form::text, sum(buildings)::int as n from condominium.management_counts
       where district like '75%' and day <= current_date group by 1 having sum(buildings) <> 0 order by 1`;
    const actual = await sql<Array<{ form: string; n: number }>>`
      select a.form::text, count(*)::int as n from condominium.management_assignments a join buildings.buildings b on b.id = a.building_id
       where b.kato_code like '75%' and a.valid_from <= current_date and (a.valid_to is null or a.valid_to > current_date) group by 1 order by 1`;
    expect(counted).toEqual(actual);
    const [fund] = await sql`
      select (select sum(accrued_tiyn)::text from condominium.capital_repair_totals) as accrued,
             (select sum(amount_tiyn)::text from condominium.capital_repair_accruals) as accruals,
             (select sum(paid_tiyn)::text from condominium.capital_repair_totals) as paid,
             (select sum(amount_tiyn)::text from condominium.capital_repair_payments) as payments`;
    expect(fund?.accrued).toBe(fund?.accruals);
    expect(fund?.paid).toBe(fund?.payments);
    const [open] = await sql`
      select (select sum(requests)::int from condominium.open_request_counts) as counted,
             (select count(*)::int from condominium.owner_requests where status not in ('DONE', 'REJECTED')) as actual`;
    expect(open?.counted).toBe(open?.actual);
    const [utilities] = await sql`
      select (select sum(readings)::int from utilities.reading_counts where month = ${month}) as counted_readings,
             (select count(*)::int from utilities.meter_readings where taken_on >= ${month}::date and taken_on < ${month}::date + interval '1 month') as readings,
             (select sum(billed_tiyn)::text from utilities.money_counts where month = ${month}) as billed,
             (select sum(amount_tiyn)::text from utilities.charges where month = ${month}) as charged`;
    expect(utilities?.counted_readings).toBe(utilities?.readings);
    expect(utilities?.billed).toBe(utilities?.charged);
    // The readings' heads: one per meter and zone read, at its last reading.
    expect(
      await one(sql`select count(*) as n from (select distinct meter_id, zone from utilities.meter_readings) r
                     where not exists (select 1 from utilities.meter_reading_heads h where h.meter_id = r.meter_id and h.zone = r.zone)`),
    ).toBe(0);
  });

  it('gives each registered building at most one current manager, of every form', async () => {
    const forms = await sql<
      Array<{ form: string }>
    >`select distinct form::text from condominium.management_assignments where valid_to is null`;
    expect(forms.map((row) => row.form).sort()).toEqual([
      'DIRECT_JOINT_MANAGEMENT',
      'MANAGEMENT_COMPANY',
      'OSI',
      'TEMPORARY_MANAGEMENT_COMPANY',
    ]);
    expect(
      await one(sql`select count(*) as n from condominium.management_assignments a
                     where not exists (select 1 from access.subjects s where s.id = a.management_subject_id)`),
    ).toBe(0);
  });
});

function checks(number: string): boolean {
  const digits = [...number].map(Number);
  const remainder = (weights: number[]) => weights.reduce((sum, weight, index) => sum + weight * (digits[index] as number), 0) % 11;
  let check = remainder([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) check = remainder([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return check !== 10 && check === digits[11];
}
