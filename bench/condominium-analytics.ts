import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { connectDatabase } from '../lib/db.js';
import { ensureDatabase, migrateDatabase } from '../lib/migrate.js';
import { createSubgraphContext } from '../lib/subgraph-context.js';
import { buildSubgraph } from '../lib/subgraph-server.js';
import { territoriesData } from '../subgraphs/buildings/territories-data.js';
import { definition } from '../subgraphs/condominium/definition.js';

// The subgraph's schema needs graphql's CommonJS build (as test/analytics-statement-count.test.ts).
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/*
 * Condominium's part of the ministry dashboard (issue 10) at national size, in process:
 * `npx tsx bench/condominium-analytics.ts [--buildings 300000]` with DATABASE_URL naming the
 * PostgreSQL server. Generates once (kept in its own database) the register's buildings
 * spread over every district, an assignment for 85% of them (from days over six years), two
 * months of published monthly reports of the managed ones, 2 owners' requests per building
 * (15% open), and a month of capital-repair accruals for 1,000 buildings; then times the
 * _entities request the gateway sends condominium for the dashboard (all regions and the
 * country), and the cost the summaries' triggers add to a write of 10,000 accruals.
 */

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const BUILDINGS = argument('buildings', 300_000);
const RUNS = argument('runs', 30);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const url = await ensureDatabase(serverUrl, `housing_bench_condominium_${BUILDINGS}`);
await migrateDatabase(url);
const handle = connectDatabase(url);
const db = handle.db;

const [present] = await db.execute<{ n: number }>(sql`select count(*)::int as n from buildings.buildings`);
if (Number(present?.n) < BUILDINGS) {
  const started = Date.now();
  const districts = territoriesData.filter((territory) => territory.level === 2).map((territory) => territory.katoCode.slice(0, 4));
  await db.execute(sql`insert into buildings.buildings
    (cadastral_number, kato_code, address_registration_code, purpose, fund_category, condominium_registered, has_technical_passport,
     balance_ownership, lift_count, electricity_connected, year_built, last_capital_repair_date, total_premises_count, floor_count,
     apartment_count, non_residential_premises_count, heating_supply_type, heating_supply_kind, gas_supply_kind, has_gas_pipeline,
     hot_water_supply_type, water_supply_kind, has_water_pipeline, sewerage_kind, has_sewer, common_meter_count, condition, barrier_free)
    select '20-311-' || lpad(i::text, 12, '0'), d.codes[1 + i % ${districts.length}] || '10' || lpad((i % 997)::text, 3, '0'),
           lpad(i::text, 16, '0'), 'MULTI_APARTMENT_BUILDING_OPERATION', 'RESIDENTIAL', true, true,
           'PRIVATE_CONDOMINIUM_COMMON_PROPERTY', 2, true, 1960 + i % 60, null, 21, 9, 20, 1, 'CENTRAL', 'CLOSED', 'NETWORK_NATURAL', true,
           'CENTRAL', 'CENTRALIZED', true, 'CENTRALIZED', true, 3, 'OPERATING', i % 7 = 0
      from generate_series(1, ${BUILDINGS}) i, (select ${`{${districts.join(',')}}`}::text[] as codes) d`);
  await db.execute(sql`insert into condominium.management_assignments
    (building_id, management_subject_id, management_subject_kind, form, valid_from, assigned_by)
    select b.id, gen_random_uuid(),
           (case when r.n % 10 < 6 then 'OSI' when r.n % 10 < 9 then 'MANAGEMENT_COMPANY' else 'PREMISES_OWNER' end)::condominium.management_subject_kind,
           (case when r.n % 10 < 6 then 'OSI' when r.n % 10 < 9 then 'MANAGEMENT_COMPANY' else 'DIRECT_JOINT_MANAGEMENT' end)::condominium.management_form,
           date '2019-01-01' + (r.n % 2190)::int, 'bench'
      from (select id, row_number() over (order by id) as n from buildings.buildings) r join buildings.buildings b on b.id = r.id
     where r.n % 20 < 17`);
  for (const [period, published] of [
    ['2026-09-01', '2026-10-01'],
    ['2026-10-01', '2026-11-01'],
  ] as const) {
    await db.execute(sql`insert into condominium.reports
      (building_id, kind, period_start, version, status, manager_subject_id, opening_balance, income_total, expense_total, closing_balance,
       fund_opening_balance, fund_contributions, fund_spending, fund_closing_balance, drafted_by, published_at, channels)
      select a.building_id, 'MONTHLY', ${period}::date, 1, 'PUBLISHED', a.management_subject_id, 0, 0, 0, 0, 0, 0, 0, 0, 'bench',
             ${published}::timestamptz + (abs(hashtext(a.building_id::text)) % 30) * interval '1 day', '{POSTED_PUBLICLY}'
        from condominium.management_assignments a
       where abs(hashtext(a.building_id::text || ${period})) % 10 < 8`);
  }
  await db.execute(sql`insert into condominium.owner_requests
    (building_id, category_code, description, requester_person_id, status, due_on, submitted_at, kato_code, rejection_reason)
    select b.id, (select code from condominium.request_categories order by code limit 1), 'bench', gen_random_uuid(),
           (case when k.h < 3 then 'ACCEPTED' when k.h = 3 then 'REJECTED' else 'DONE' end)::condominium.owner_request_status,
           date '2025-06-01' + (abs(hashtext(b.id::text || k.n)) % 600), now(), left(b.kato_code, 9),
           case when k.h = 3 then 'bench' end
      from buildings.buildings b
      cross join lateral (select n, abs(hashtext(b.id::text || n)) % 20 as h from generate_series(1, 2) n) k`);
  await db.execute(sql`insert into condominium.capital_repair_accruals (building_id, premise_id, period, amount_tiyn, recorded_by)
    select b.id, gen_random_uuid(), '2026-10-01', 150000, 'bench' from (select id from buildings.buildings limit 1000) b, generate_series(1, 20)`);
  await db.execute(sql`analyze`);
  console.log(`Generated ${BUILDINGS} buildings and their condominium records in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

const counts = await db.execute<Record<string, number>>(sql`select
  (select count(*) from buildings.buildings)::int as buildings, (select count(*) from condominium.management_assignments)::int as assignments,
  (select count(*) from condominium.reports)::int as reports, (select count(*) from condominium.owner_requests)::int as requests,
  (select count(*) from condominium.management_counts)::int as management_rows,
  (select count(*) from condominium.report_publication_counts)::int as publication_rows,
  (select count(*) from condominium.capital_repair_totals)::int as fund_rows`);
console.log(counts[0]);

// What the gateway sends condominium for the README's dashboard: every region, and the country.
const regions = [...territoriesData.filter((territory) => territory.level === 1).map((territory) => territory.katoCode), '000000000'];
const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Region { katoCode
  managementForms { form buildingCount } unmanagedBuildingCount
  reportCompliance(kind: MONTHLY, year: 2026, month: 10) { owing onTimeShare lateShare missingShare }
  capitalRepairFund { accrued paid spent balance } overdueOwnerRequestCount } } }`;
const schema = buildSubgraph(definition);
const caller = {
  kind: 'person' as const,
  personId: '00000000-0000-4000-8000-000000000001',
  tokenId: '00000000-0000-4000-8000-000000000002',
  isAdministrator: false,
  grants: [
    {
      grantId: '00000000-0000-4000-8000-000000000003',
      subjectId: '00000000-0000-4000-8000-000000000004',
      subjectKind: 'AUTHORIZED_BODY',
      territoryKato: null,
      functions: [AccessFunction.AnalyticsRead],
    },
  ],
} satisfies Caller;
const times: number[] = [];
let sample: unknown;
for (let run = 0; run < RUNS + 3; run += 1) {
  const started = performance.now();
  const result = await graphql({
    schema,
    source: query,
    variableValues: { representations: regions.map((katoCode) => ({ __typename: 'Region', katoCode })) },
    contextValue: createSubgraphContext(definition, db, caller),
  });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  if (run >= 3) times.push(performance.now() - started);
  sample = (result.data as { _entities: unknown[] })._entities.at(-1);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]?.toFixed(1);
console.log('country:', JSON.stringify(sample));
console.log(`condominium part of the dashboard (${regions.length} territories), in process: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);

// The triggers' cost on a write: 10,000 accruals with the summaries kept, and without (triggers off), in rolled-back transactions.
const write = async (withTriggers: boolean) => {
  const started = performance.now();
  await db
    .transaction(async (tx) => {
      if (!withTriggers) await tx.execute(sql`alter table condominium.capital_repair_accruals disable trigger user`);
      await tx.execute(sql`insert into condominium.capital_repair_accruals (building_id, premise_id, period, amount_tiyn, recorded_by)
        select b.id, gen_random_uuid(), '2026-11-01', 150000, 'bench' from (select id from buildings.buildings limit 500) b, generate_series(1, 20)`);
      throw new Error('rollback');
    })
    .catch(() => {});
  return performance.now() - started;
};
for (const withTriggers of [false, true, false, true]) {
  console.log(`10,000 accruals ${withTriggers ? 'with' : 'without'} the summary trigger: ${(await write(withTriggers)).toFixed(0)} ms`);
}
await handle.close();
