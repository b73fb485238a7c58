import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { connectDatabase } from '../lib/db.js';
import { freePort } from '../lib/free-port.js';
import { databaseStatements } from '../lib/metrics.js';
import { subgraphNames } from '../lib/subgraph-names.js';
import type { RunningSystem } from '../scripts/system.js';
import { callerForToken } from '../subgraphs/access/caller-resolution.js';
import { callerHeaders } from '../test/support/signed-request.js';

/**
 * The ministry's analytics at the dataset's size (bench/dataset.ts): the national
 * dashboard (every region with the headline figures of the three subgraphs) through our
 * gateway, through Hive Gateway, straight to the subgraphs, and as hand-written SQL on
 * Postgres, interleaved request by request so all four see the same machine; then the
 * drill-down from the country to a building's accounts, throughput, SQL statements per
 * request and peak memory of each process.
 */

// Condominium's figures: management now, the month's report compliance, the capital-repair funds, overdue owners' requests.
const CONDOMINIUM_FIGURES = `managementForms { form buildingCount } unmanagedBuildingCount
    reportCompliance(kind: MONTHLY, year: $reportYear, month: $reportMonth) { owing onTimeShare lateShare missingShare }
    capitalRepairFund { accrued paid spent balance } overdueOwnerRequestCount`;

// Utilities' figures: meter coverage, the month's readings, billed against paid, debt, networks by wear, outages.
const UTILITIES_FIGURES = `utilityStatistics(month: $month) { meterCoverage { service share } readingsReceived collection { billed paid collectionRate } debt }
    networkWear { fromPercent networks lengthKm } outageStatistics(month: $month) { current planned emergency }`;

const DASHBOARD = `query Dashboard($month: Date, $reportYear: Int!, $reportMonth: Int) {
  regions(level: 1) {
    katoCode nameRu
    buildingStatistics { registered emergency needingCapitalRepair barrierFreeShare completeness }
    ${CONDOMINIUM_FIGURES}
    ${UTILITIES_FIGURES}
  }
}`;

const BUILDINGS_PART = `query { regions(level: 1) { katoCode nameRu
  buildingStatistics { registered emergency needingCapitalRepair barrierFreeShare completeness } } }`;
const entities = (fields: string, variables = '') =>
  `query($representations: [_Any!]!${variables}) { _entities(representations: $representations) { ... on Region { ${fields} } } }`;
const CONDOMINIUM_PART = entities(CONDOMINIUM_FIGURES, ', $reportYear: Int!, $reportMonth: Int');
const UTILITIES_PART = entities(UTILITIES_FIGURES, ', $month: Date');

/**
 * The same answers as one would write them by hand on Postgres, from the same summaries the
 * subgraphs read (the register's, condominium's and utilities' counts per district, kept by
 * the writes), grouped by region: what the graph is compared with, request by request.
 */
export const handFromSummaries = (sql: postgres.Sql, month: string) => {
  const end = sql`(${month}::date + interval '1 month' - interval '1 day')::date`;
  const due = sql`(${month}::date + interval '1 month 19 days')::date`;
  return Promise.all([
    sql`select left(district, 2) as region, sum(buildings) filter (where status = 'REGISTERED') as registered,
               sum(buildings) filter (where status = 'REGISTERED' and condition = 'EMERGENCY') as emergency,
               sum(buildings) filter (where status = 'REGISTERED' and condition = 'OPERATING_NEEDS_CAPITAL_REPAIR') as repair,
               sum(buildings) filter (where status = 'REGISTERED' and barrier_free)::float
                 / nullif(sum(buildings) filter (where status = 'REGISTERED'), 0) as barrier_free,
               sum(annex_fields_filled) filter (where status = 'REGISTERED')::float
                 / nullif(sum(annex_fields_applicable) filter (where status = 'REGISTERED'), 0) as completeness
          from buildings.building_counts group by 1`,
    sql`select left(district, 2) as region, form, sum(buildings) from condominium.management_counts
         where day <= current_date group by 1, 2`,
    sql`with owing as (select left(district, 2) as region, sum(buildings) as owing from condominium.management_counts
                        where day <= ${end} group by 1),
             published as (select left(district, 2) as region, sum(buildings) filter (where published_on <= ${due}) as on_time,
                                  sum(buildings) filter (where published_on > ${due}) as late
                             from condominium.report_publication_counts where kind = 'MONTHLY' and period_start = ${month}::date group by 1)
        select * from owing full join published using (region)`,
    sql`select left(district, 2) as region, sum(accrued_tiyn), sum(paid_tiyn), sum(spent_tiyn) from condominium.capital_repair_totals group by 1`,
    sql`select left(district, 2) as region, sum(requests) from condominium.open_request_counts where due_on < current_date group by 1`,
    sql`select left(district, 2) as region, service, sum(accounts), sum(metered) from utilities.coverage_counts group by 1, 2`,
    sql`select left(district, 2) as region, sum(readings) from utilities.reading_counts where month = ${month}::date group by 1`,
    sql`select left(district, 2) as region, sum(billed_tiyn) filter (where month = ${month}::date) as billed,
               sum(paid_tiyn) filter (where month = ${month}::date) as paid, sum(billed_tiyn - paid_tiyn) as debt
          from utilities.money_counts where month <= ${month}::date group by 1`,
    sql`select left(territory_kato, 2) as region, least(floor(wear_percent / 25), 3) as band, count(*), sum(length_km)
          from utilities.engineering_networks group by 1, 2`,
    sql`select left(ob.kato_code, 2) as region, count(distinct o.id) filter (where o.kind = 'PLANNED') as planned,
               count(distinct o.id) filter (where o.kind = 'EMERGENCY') as emergency
          from utilities.outages o join utilities.outage_buildings ob on ob.outage_id = o.id
         where o.starts_at < ${month}::date + interval '1 month' and (o.ends_at is null or o.ends_at > ${month}::date) group by 1`,
  ]);
};

/** The same answers from the records, without any summary: what the summaries save (a few samples; seconds at national size). */
const handBuildings = (sql: postgres.Sql) => sql`
  select t.kato_code, t.name_ru, count(b.id) filter (where b.status = 'REGISTERED') as registered,
         count(*) filter (where b.status = 'REGISTERED' and b.condition = 'EMERGENCY') as emergency,
         count(*) filter (where b.status = 'REGISTERED' and b.condition = 'OPERATING_NEEDS_CAPITAL_REPAIR') as repair,
         avg(b.barrier_free::int) filter (where b.status = 'REGISTERED') as barrier_free,
         sum(buildings.annex_fields_filled(b)) filter (where b.status = 'REGISTERED')::float
           / nullif(sum(buildings.annex_fields_applicable(b)) filter (where b.status = 'REGISTERED'), 0) as completeness
    from buildings.territories t left join buildings.buildings b on left(b.kato_code, 2) = t.kato_prefix
   where t.level = 1 group by t.kato_code, t.name_ru`;
const handCondominium = (sql: postgres.Sql) => sql`
  select left(b.kato_code, 2) as region, m.form, count(*) from buildings.buildings b
    left join condominium.management_assignments m on m.building_id = b.id and m.valid_from <= current_date
         and (m.valid_to is null or m.valid_to > current_date)
   where b.status = 'REGISTERED' group by 1, 2`;
/** Condominium's other figures by hand from the records: the month's report compliance, the funds, overdue requests. */
const handCondominiumFigures = (sql: postgres.Sql, month: string) => {
  const end = sql`(${month}::date + interval '1 month' - interval '1 day')::date`;
  const lateFrom = sql`((${month}::date + interval '1 month 20 days')::timestamp - interval '5 hours')`;
  return Promise.all([
    sql`select left(b.kato_code, 2) as region, count(*) as owing, count(p.first) filter (where p.first < ${lateFrom}) as on_time,
               count(p.first) filter (where p.first >= ${lateFrom}) as late
          from buildings.buildings b
          join condominium.management_assignments a on a.building_id = b.id and a.valid_from <= ${end} and (a.valid_to is null or a.valid_to > ${end})
          left join lateral (select min(r.published_at) as first from condominium.reports r where r.building_id = b.id
                              and r.kind = 'MONTHLY' and r.period_start = ${month}::date and r.status = 'PUBLISHED') p on true
         where b.status = 'REGISTERED' group by 1`,
    sql`select left(b.kato_code, 2) as region, sum(m.accrued) as accrued, sum(m.paid) as paid, sum(m.spent) as spent
          from (select building_id, amount_tiyn as accrued, 0 as paid, 0 as spent from condominium.capital_repair_accruals
                union all select building_id, 0, amount_tiyn, 0 from condominium.capital_repair_payments
                union all select building_id, 0, 0, amount_tiyn from condominium.capital_repair_spendings) m
          join buildings.buildings b on b.id = m.building_id group by 1`,
    sql`select left(kato_code, 2) as region, count(*) from condominium.owner_requests
         where status not in ('DONE', 'REJECTED') and due_on < current_date group by 1`,
  ]);
};
const handUtilities = (sql: postgres.Sql, month: string) => sql`
  with coverage as (
    select left(b.kato_code, 2) as region, count(*) as accounts, count(m.building_id) as metered
      from utilities.personal_accounts a join buildings.buildings b on b.id = a.building_id
      left join (select distinct building_id, premise_number, service from utilities.meters
                  where kind = 'INDIVIDUAL' and status <> 'REMOVED') m
        on m.building_id = a.building_id and m.premise_number = a.premise_number and m.service = a.service
     where a.premise_number is not null and a.closed_at is null group by 1),
  readings as (
    select left(kato_code, 2) as region, count(*) as readings from utilities.meter_readings
     where taken_on >= ${month}::date and taken_on < ${month}::date + interval '1 month' group by 1),
  billed as (select left(kato_code, 2) as region, sum(amount_tiyn) filter (where month = ${month}) as month_billed, sum(amount_tiyn) as billed
               from utilities.charges where month <= ${month} group by 1),
  paid as (select left(b.kato_code, 2) as region, sum(y.amount_tiyn) filter (where bp.month = ${month}) as month_paid, sum(y.amount_tiyn) as paid
             from utilities.payments y join utilities.billing_periods bp on bp.id = y.billing_period_id
             join utilities.personal_accounts a on a.id = y.account_id join buildings.buildings b on b.id = a.building_id
            where bp.month <= ${month} group by 1)
  select * from coverage full join readings using (region) full join billed using (region) full join paid using (region)`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function post(url: string, body: string, headers: Record<string, string>): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await response.json()) as { data?: any; errors?: unknown[] };
  if (!response.ok || json.errors)
    throw new Error(`Benchmark request failed: ${response.status} ${JSON.stringify(json.errors).slice(0, 400)}`);
  return json.data;
}

interface Timing {
  p50: number;
  p95: number;
  mean: number;
}
function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5), 2),
    p95: round(percentile(sorted, 0.95), 2),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length, 2),
  };
}

/** The scalar values in an answer (the leaves of its JSON). */
function leafValues(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + leafValues(item), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((sum: number, item) => sum + leafValues(item), 0);
  return 1;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Hive Gateway as an operator starts it (gateway/hive/gateway.config.ts), on our subgraphs. */
async function startHive(system: RunningSystem): Promise<{ url: string; child: ChildProcess }> {
  const root = join(import.meta.dirname, '..');
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('@graphql-hive/gateway/package.json')), 'dist', 'bin.js');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...Object.fromEntries(subgraphNames.map((name) => [`${name.toUpperCase()}_URL`, system.subgraphUrls[name]])),
  };
  const args = [
    bin,
    'supergraph',
    'schema/supergraph.graphql',
    '--config-path',
    'gateway/hive/gateway.config.ts',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
  ];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Hive Gateway exited with ${child.exitCode}.`);
    const ready = await fetch(`http://127.0.0.1:${port}/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url: `http://127.0.0.1:${port}/graphql`, child };
    if (Date.now() > deadline) throw new Error('Hive Gateway did not become ready.');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Peak resident memory of a process (VmHWM) in MiB; for PostgreSQL, the sum over the postmaster and its backends right now. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}
function postgresRssMiB(postmaster: number | null): number {
  if (postmaster === null) return 0;
  let kib = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      if (Number(entry) !== postmaster && parent !== postmaster) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended while we looked.
    }
  }
  return Math.round(kib / 1024);
}

async function statementsOf(run: () => Promise<unknown>): Promise<number> {
  const before = (await databaseStatements.get()).values[0]?.value ?? 0;
  await run();
  return ((await databaseStatements.get()).values[0]?.value ?? 0) - before;
}

export interface AnalyticsBenchOptions {
  system: RunningSystem;
  url: string;
  analystToken: string;
  month: string;
  requests: number;
  concurrency: number;
  seconds: number;
  /** PID of the PostgreSQL postmaster the benchmark runs on, when this process started it. */
  postmasterPid: number | null;
}

export async function runAnalyticsBench(options: AnalyticsBenchOptions) {
  const { system, month } = options;
  const lines: string[] = [];
  const say = (line = '') => {
    console.log(line);
    lines.push(line);
  };
  const raw = postgres(options.url, { max: 3, onnotice: () => {} });
  const lookup = connectDatabase(options.url, { max: 1 });
  const caller = await callerForToken(lookup.db, options.analystToken);
  await lookup.close();
  const auth = { authorization: `Bearer ${options.analystToken}` };
  const hive = await startHive(system);
  let postgresPeak = 0;
  const sampler = setInterval(() => {
    postgresPeak = Math.max(postgresPeak, postgresRssMiB(options.postmasterPid));
  }, 250);
  try {
    const report = { reportYear: Number(month.slice(0, 4)), reportMonth: Number(month.slice(5, 7)) };
    const dashboardBody = JSON.stringify({ query: DASHBOARD, variables: { month, ...report } });
    const viaGateway = () => post(system.gatewayUrl, dashboardBody, auth);
    const viaHive = () => post(hive.url, dashboardBody, auth);
    const direct = async () => {
      const send = (url: string, query: string, variables: Record<string, unknown>) => {
        const body = JSON.stringify({ query, variables });
        return post(url, body, callerHeaders(caller, system.gatewaySecret)(body));
      };
      const { regions } = await send(system.subgraphUrls.buildings, BUILDINGS_PART, {});
      const representations = regions.map((region: { katoCode: string }) => ({ __typename: 'Region', katoCode: region.katoCode }));
      await Promise.all([
        send(system.subgraphUrls.condominium, CONDOMINIUM_PART, { representations, ...report }),
        send(system.subgraphUrls.utilities, UTILITIES_PART, { representations, month }),
      ]);
    };
    const hand = () => handFromSummaries(raw, month);
    const handRecords = async () => {
      await handBuildings(raw);
      await Promise.all([handCondominium(raw), handCondominiumFigures(raw, month), handUtilities(raw, month)]);
    };
    const answer = await viaGateway();
    if (answer.regions.length !== 20) throw new Error('The dashboard did not answer 20 regions.');

    for (let i = 0; i < 5; i += 1) for (const run of [viaGateway, viaHive, direct, hand]) await run();
    const samples: Record<'gateway' | 'hive' | 'direct' | 'hand', number[]> = { gateway: [], hive: [], direct: [], hand: [] };
    // CPU of this process (our gateway, the subgraphs and the client) during the gateway's requests:
    // what the federated request costs in Node, against the hand SQL's whole wall time.
    let gatewayCpuMs = 0;
    for (let i = 0; i < options.requests; i += 1) {
      const cpu = process.cpuUsage();
      samples.gateway.push(await timed(viaGateway));
      const used = process.cpuUsage(cpu);
      gatewayCpuMs += (used.user + used.system) / 1000;
      samples.hive.push(await timed(viaHive));
      samples.direct.push(await timed(direct));
      samples.hand.push(await timed(hand));
    }
    const dashboard = {
      gateway: timing(samples.gateway),
      hive: timing(samples.hive),
      direct: timing(samples.direct),
      hand: timing(samples.hand),
      // Without summaries: three samples (at national size each takes seconds).
      handRecords: timing([await timed(handRecords), await timed(handRecords), await timed(handRecords)]),
      statements: await statementsOf(viaGateway),
      gatewayCpuMsPerRequest: round(gatewayCpuMs / options.requests, 1),
    };

    let completed = 0;
    const deadline = performance.now() + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          await viaGateway();
          completed += 1;
        }
      }),
    );
    const throughput = round(completed / options.seconds, 1);

    // The drill-down: country → Almaty → its largest district → a building there → its accounts.
    const [district] = await raw<Array<{ kato_code: string }>>`
      select t.kato_code from buildings.territories t where t.parent_kato_code = '750000000'
       order by (select count(*) from buildings.buildings b where b.kato_code ~>=~ t.kato_prefix and b.kato_code ~<~ (t.kato_prefix || ':')) desc limit 1`;
    const [building] = await raw<Array<{ id: string }>>`
      select a.building_id as id from utilities.personal_accounts a join buildings.buildings b on b.id = a.building_id
       where b.kato_code like ${`${district!.kato_code.slice(0, 4)}%`} group by 1 order by count(*) desc limit 1`;
    const steps: Array<{ name: string; query: string; variables: Record<string, unknown>; hand: () => Promise<unknown> }> = [
      {
        name: 'country: its regions with register figures',
        query: `{ country { buildingStatistics { registered emergency } children { katoCode nameRu buildingStatistics { registered emergency needingCapitalRepair } } } }`,
        variables: {},
        hand: () =>
          raw`select left(kato_code, 2), count(*) filter (where condition = 'EMERGENCY'), count(*) from buildings.buildings where status = 'REGISTERED' group by 1`,
      },
      {
        name: 'region (Almaty): its districts with the three subgraphs\u2019 figures',
        query: `query($month: Date) { region(katoCode: "750000000") { nameRu children { katoCode nameRu
          buildingStatistics { registered emergency byCondition { condition count } byDecadeBuilt { decade count } }
          managementForms { form buildingCount } utilityStatistics(month: $month) { readingsReceived collection { billed paid collectionRate } } } } }`,
        variables: { month },
        hand: () => raw`select left(kato_code, 4), condition, (year_built / 10) * 10, count(*) from buildings.buildings
                         where kato_code ~>=~ '75' and kato_code ~<~ '76' and status = 'REGISTERED' group by grouping sets ((1, 2), (1, 3))`,
      },
      {
        name: 'district: figures and the first page of its buildings',
        query: `query($k: String!) { region(katoCode: $k) { nameRu buildingStatistics { registered confirmationOverdue completeness }
          buildings(first: 50) { totalCount edges { node { id cadastralNumber yearBuilt condition totalPremisesCount } } } } }`,
        variables: { k: district!.kato_code },
        hand: async () => {
          const prefix = district!.kato_code.slice(0, 4);
          await raw`select id, cadastral_number, year_built, condition, total_premises_count from buildings.buildings
                     where kato_code ~>=~ ${prefix} and kato_code ~<~ ${`${prefix}:`} order by id limit 51`;
          await raw`select count(*) from buildings.buildings where kato_code ~>=~ ${prefix} and kato_code ~<~ ${`${prefix}:`}`;
        },
      },
      {
        name: 'building: its record, premises and personal accounts',
        query: `query($id: ID!) { building(id: $id) { cadastralNumber condition premises { number kind }
          personalAccounts(first: 500) { accountNumber service openedAt } } }`,
        variables: { id: building!.id },
        hand: async () => {
          await raw`select * from buildings.buildings where id = ${building!.id}`;
          await raw`select number, kind from buildings.premises where building_id = ${building!.id}`;
          await raw`select account_number, service, opened_at from utilities.personal_accounts where building_id = ${building!.id} limit 500`;
        },
      },
    ];
    const drill: Array<{ name: string; gateway: Timing; hand: Timing; statements: number }> = [];
    for (const step of steps) {
      const body = JSON.stringify({ query: step.query, variables: step.variables });
      const run = () => post(system.gatewayUrl, body, auth);
      for (let i = 0; i < 3; i += 1) await run();
      const gateway: number[] = [];
      const handTimes: number[] = [];
      for (let i = 0; i < Math.max(20, Math.round(options.requests / 3)); i += 1) {
        gateway.push(await timed(run));
        handTimes.push(await timed(step.hand));
      }
      drill.push({ name: step.name, gateway: timing(gateway), hand: timing(handTimes), statements: await statementsOf(run) });
    }

    const memory = {
      servicesMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      hiveMiB: hive.child.pid ? peakRssMiB(hive.child.pid) : 0,
      postgresMiB: postgresPeak,
    };

    say('## The ministry dashboard: every region with the headline figures of the three subgraphs');
    say();
    say(`${options.requests} requests per path, interleaved (month ${month}); the analyst's token (ANALYTICS_READ, national).`);
    say();
    say('| path | p50 ms | p95 ms | mean ms | ratio of p50 to hand SQL |');
    say('|---|---:|---:|---:|---:|');
    for (const [name, label] of [
      ['gateway', 'our gateway (@apollo/gateway)'],
      ['hive', 'Hive Gateway'],
      ['direct', 'the subgraphs directly (the same plan)'],
      ['hand', 'hand-written SQL on Postgres, from the same summaries'],
      ['handRecords', 'hand-written SQL from the records, no summary (3 samples)'],
    ] as const) {
      const t = dashboard[name];
      say(`| ${label} | ${t.p50} | ${t.p95} | ${t.mean} | ×${round(t.p50 / dashboard.hand.p50, 2)} |`);
    }
    say();
    say(
      `Gateway / direct (p50): **×${round(dashboard.gateway.p50 / dashboard.direct.p50, 2)}**; Hive Gateway / direct: **×${round(dashboard.hive.p50 / dashboard.direct.p50, 2)}**. ` +
        `SQL statements per dashboard request (all services, caller resolution included): **${dashboard.statements}**. ` +
        `Throughput through our gateway, ${options.concurrency} clients for ${options.seconds} s: **${throughput} dashboards/s**.`,
    );
    say();
    say(
      `CPU of the Node process running our gateway and the subgraphs, per dashboard request through the gateway: **${dashboard.gatewayCpuMsPerRequest} ms** ` +
        `(GraphQL parsing, planning, execution with every field's rule, result shaping, JSON and HTTP for the answer's ${leafValues(answer)} values, the statements' driver work), ` +
        `against ${dashboard.hand.p50} ms of wall time for the hand-written SQL: the graph's own work, before any SQL, is ×${round(dashboard.gatewayCpuMsPerRequest / dashboard.hand.p50, 2)} of the bare statements.`,
    );
    say();
    say('## Drill-down through the gateway: country → region → district → building → accounts');
    say();
    say('| step | p50 ms | p95 ms | hand SQL p50 ms | ratio | SQL statements |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const step of drill) {
      say(
        `| ${step.name} | ${step.gateway.p50} | ${step.gateway.p95} | ${step.hand.p50} | ×${round(step.gateway.p50 / step.hand.p50, 2)} | ${step.statements} |`,
      );
    }
    say();
    say('## Peak memory per process');
    say();
    say(
      `Gateway and subgraphs (one Node process, seeding included when the dataset was generated in this run): ${memory.servicesMiB} MiB; ` +
        `Hive Gateway: ${memory.hiveMiB} MiB; PostgreSQL (postmaster and backends, sampled): ${memory.postgresMiB > 0 ? `${memory.postgresMiB} MiB` : 'not measured (external server)'}.`,
    );
    say();
    return { report: lines.join('\n'), json: { month, dashboard, throughput, drill, memory } };
  } finally {
    clearInterval(sampler);
    hive.child.kill('SIGTERM');
    await raw.end();
  }
}
