import type postgres from 'postgres';
import type { ReservedSql } from 'postgres';
import { personName } from '../scripts/seed/names.js';
import { buildPlacements, type Placement } from '../scripts/seed/placement.js';
import { Random } from '../scripts/seed/random.js';
import { territoriesData } from '../subgraphs/buildings/territories-data.js';

/**
 * The benchmark's national dataset, generated on the server: for each district (level-2
 * territory of the KATO tree) a few large `insert … select` over `generate_series`, so no
 * row crosses the wire and the statement-level triggers that keep the summaries (building
 * counts, and whatever summaries the subgraphs add) run once per statement, not per row.
 * The districts are shared between two connections (both cores), each district in its own
 * transactions: the summaries' rows are per district, so the lanes never wait for each other.
 *
 * Ids are built from a table tag and a key (`uid(tag, key)`): a building's key is its
 * number in the country, a premise's `building * 64 + i`, an owner's `premise * 4 + j`, and
 * an account, meter or charge derives its own from its premise's. So the primary keys grow
 * in order (appended, not scattered over the index) and a later phase finds a row's
 * relatives by arithmetic, without a look-up; every draw is a hash of a key and a salt, so
 * a given size always yields the same data.
 *
 * Phase 1 (`generateRegister`): buildings, premises (10–40 a building), owners. Phase 2
 * (`generateActivity`, after the demo seeders have placed the demo users, suppliers and
 * OSI): management subjects and assignments of every form, monthly and annual reports
 * (on time, late, missing), capital-repair accruals and payments, owners' requests, one
 * supplier per group of services and region with tariffs and billing periods, water
 * accounts, meters, readings, charges and payments for `months` months, networks and outages.
 */

export interface DistrictPlan {
  placement: Placement;
  /** The first building number of the district, minus one. */
  start: number;
  count: number;
}

/** Each district's share of `buildings`, rounded so the shares sum to it (largest remainders). */
export function planDistricts(buildings: number): DistrictPlan[] {
  const placements = buildPlacements(territoriesData);
  const exact = placements.map((placement) => placement.share * buildings);
  const counts = exact.map(Math.floor);
  let left = buildings - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest);
  for (const { index } of order) {
    if (left <= 0) break;
    if ((placements[index] as Placement).share === 0) continue;
    counts[index] = (counts[index] as number) + 1;
    left -= 1;
  }
  let start = 0;
  return placements.map((placement, index) => {
    const plan = { placement, start, count: counts[index] as number };
    start += plan.count;
    return plan;
  });
}

const TAG = {
  building: 1,
  premise: 2,
  owner: 3,
  osi: 20,
  company: 21,
  representative: 22,
  requester: 23,
  previousAssignment: 24,
  supplierSubject: 30,
  supplier: 31,
  tariff: 32,
  period: 33,
  account: 40,
  meter: 41,
  commonMeter: 42,
  reading: 43,
  charge: 44,
  payment: 45,
  network: 46,
  outage: 47,
  consumerRequest: 48,
  report: 50,
  accrual: 51,
  contribution: 52,
  request: 53,
  requestEvent: 54,
  assignment: 55,
} as const;

/** Who the generated rows say wrote them: the benchmark's loader, a digital object. */
const LOADER = 'digital-object:00000000-0000-4000-8000-0000000000be';

/**
 * Session helpers (temporary functions of the connection). Plain SQL bodies, so the planner
 * inlines them into the statements: no function call per row.
 */
const helpers = [
  // A uniform draw in [0, 1) from a key and a salt.
  `create or replace function pg_temp.u(k bigint, salt int) returns float8 language sql immutable as
     $$ select ((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992 $$`,
  `create or replace function pg_temp.uid(tag int, k bigint) returns uuid language sql immutable as
     $$ select (lpad(to_hex(tag), 8, '0') || lpad(to_hex(k), 24, '0'))::uuid $$`,
  // The key of an id made by uid.
  `create or replace function pg_temp.key(id uuid) returns bigint language sql immutable as
     $$ select ('x' || substr(replace(id::text, '-', ''), 17, 16))::bit(64)::bigint $$`,
  // IIN/BIN check: the first weights' remainder of the 11 digits of x.
  `create or replace function pg_temp.ck(x bigint) returns int language sql immutable as
     $$ select ((x / 10000000000) + (x / 1000000000 % 10) * 2 + (x / 100000000 % 10) * 3 + (x / 10000000 % 10) * 4
               + (x / 1000000 % 10) * 5 + (x / 100000 % 10) * 6 + (x / 10000 % 10) * 7 + (x / 1000 % 10) * 8
               + (x / 100 % 10) * 9 + (x / 10 % 10) * 10 + (x % 10) * 11)::int % 11 $$`,
  // 12 digits with a valid check digit: when the first weights give 10, the tens digit of the
  // serial moves by one (weight 10: the remainder becomes 9, or 8 from 9 to 0), which is valid.
  `create or replace function pg_temp.idn(x bigint) returns text language sql immutable as
     $$ select case when pg_temp.ck(x) < 10 then lpad(x::text, 11, '0') || pg_temp.ck(x)
                    when x / 10 % 10 < 9 then lpad((x + 10)::text, 11, '0') || '9'
                    else lpad((x - 90)::text, 11, '0') || '8' end $$`,
  // A person's IIN from a key: born 1940–2004 (century and sex digit), 4-digit serial.
  `create or replace function pg_temp.iin(k bigint) returns text language sql immutable as
     $$ select pg_temp.idn(((40 + (hashint8extended(k, 11) & 1023) % 65) % 100) * 1000000000
                           + (1 + (hashint8extended(k, 12) & 1023) % 12) * 10000000
                           + (1 + (hashint8extended(k, 13) & 1023) % 28) * 100000
                           + (case when (hashint8extended(k, 11) & 1023) % 65 >= 60 then 5 else 3 end + (hashint8extended(k, 14) & 1)) * 10000
                           + (hashint8extended(k, 15) & 65535) % 10000) $$`,
  // A BIN unique per key (k < 480,000): registered 2017–2024 (month from k), a branch (6th digit 1),
  // serial 20·(k / 96): the check's shift of the tens digit never lands on another key's serial.
  `create or replace function pg_temp.bin(k bigint) returns text language sql immutable as
     $$ select pg_temp.idn(((17 + (k % 96) / 12) * 100 + 1 + k % 12) * 10000000 + 4100000 + (k / 96) * 20) $$`,
  // An IIN unique per key (k < 1,340,000), for individuals registered as subjects: born 1960–1967, serial 20·q + 5.
  `create or replace function pg_temp.unique_iin(k bigint) returns text language sql immutable as
     $$ select pg_temp.idn((((60 + (k % 96) / 12) * 100 + 1 + k % 12) * 100 + 1 + (k / 96) % 28) * 100000 + 30000 + (k / 2688) * 20 + 5) $$`,
];

async function prepareSession(sql: ReservedSql, names: { male: string[]; female: string[] }): Promise<void> {
  for (const statement of helpers) await sql.unsafe(statement);
  const male = names.male.map((name) => `'${name.replaceAll("'", "''")}'`).join(',');
  const female = names.female.map((name) => `'${name.replaceAll("'", "''")}'`).join(',');
  // An owner's name from their key; the sex agrees with the IIN's digit.
  await sql.unsafe(`create or replace function pg_temp.person(k bigint) returns text language sql immutable as
     $$ select case when hashint8extended(k, 14) & 1 = 0 then (array[${male}])[1 + (hashint8extended(k, 16) & 65535) % ${names.male.length}]
                    else (array[${female}])[1 + (hashint8extended(k, 16) & 65535) % ${names.female.length}] end $$`);
  await sql`set work_mem = '64MB'`;
  await sql`set synchronous_commit = off`;
}

function namePool(): { male: string[]; female: string[] } {
  const random = new Random(10, 10);
  const pool = { male: [] as string[], female: [] as string[] };
  for (let i = 0; i < 600; i++) {
    const stock = i % 3 === 2 ? 'RUSSIAN' : 'KAZAKH';
    pool.male.push(personName(random, 'MALE', stock).fullName);
    pool.female.push(personName(random, 'FEMALE', stock).fullName);
  }
  return pool;
}

export type Counts = Record<string, number>;

/** Runs `work` for each district on `lanes` reserved connections, districts shared out as they finish. */
async function perDistrict(
  sql: postgres.Sql,
  plans: DistrictPlan[],
  lanes: number,
  work: (lane: ReservedSql, plan: DistrictPlan, index: number) => Promise<Counts>,
  log: (line: string) => void,
): Promise<Counts> {
  const names = namePool();
  const totals: Counts = {};
  // The largest first, so the lanes end together.
  const queue = plans.map((plan, index) => ({ plan, index })).filter(({ plan }) => plan.count > 0);
  queue.sort((a, b) => b.plan.count - a.plan.count);
  let done = 0;
  const total = queue.length;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(lanes, queue.length) }, async () => {
      const lane = await sql.reserve();
      try {
        await prepareSession(lane, names);
        for (let next = queue.shift(); next && !failed; next = queue.shift()) {
          const counts = await work(lane, next.plan, next.index).catch((error) => {
            failed = true;
            throw error;
          });
          for (const [key, value] of Object.entries(counts)) totals[key] = (totals[key] ?? 0) + value;
          done += 1;
          if (done % 10 === 0 || done === total) log(`  ${done} of ${total} districts`);
        }
      } finally {
        lane.release();
      }
    }),
  );
  return totals;
}

const countOf = (result: { count: number }) => result.count;

/** Phase 1: the register. Buildings, their premises and owners, district by district. */
export async function generateRegister(
  sql: postgres.Sql,
  plans: DistrictPlan[],
  options: { referenceDate: string; lanes?: number; log?: (line: string) => void },
): Promise<Counts> {
  const log = options.log ?? (() => {});
  const today = options.referenceDate;
  const year = Number(today.slice(0, 4));
  return perDistrict(
    sql,
    plans,
    options.lanes ?? 2,
    async (lane, { placement, start, count }) => {
      const { profile } = placement;
      const metro = profile.metropolitan;
      await lane`begin`;
      try {
        await lane`drop table if exists pg_temp.gen_b`;
        // The shape of each building: type (floors, entrances, decade), premises, supplies, condition.
        await lane.unsafe(
          `create temp table gen_b as
          select floors, entrances, per_landing, year_built, nonres,
                 least(40 - nonres, greatest(10 - nonres, floors * entrances * per_landing)) as apartments, retired, s.*
            from (select g, g - $1::bigint - 1 as c,
                         pg_temp.u(g, 1) as t, pg_temp.u(g, 2) as r2, pg_temp.u(g, 3) as r3, pg_temp.u(g, 4) as r4,
                         pg_temp.u(g, 5) as r5, pg_temp.u(g, 6) as r6, pg_temp.u(g, 7) as r7, pg_temp.u(g, 8) as r8,
                         pg_temp.u(g, 9) as r9, pg_temp.u(g, 10) as r10, pg_temp.u(g, 11) as r11, pg_temp.u(g, 12) as r12
                    from generate_series($1::bigint + 1, $1::bigint + $2::bigint) g offset 0) s,
         lateral (select case when t < $3::float8 then 2 when t < $4::float8 then 3 + (r2 * 2)::int / 2 when t < $5::float8 then 5
                              when t < $6::float8 then 9 else 10 + (r2 * 7)::int end as floors,
                         case when t < $3::float8 then 1 + (r3 * 2)::int when t < $4::float8 then 1 + (r3 * 2)::int when t < $5::float8 then 1 + (r3 * 1)::int
                              else 1 end as entrances,
                         case when t < $3::float8 then 2 + (r4 * 3)::int when t < $4::float8 then 2 + (r4 * 2)::int when t < $5::float8 then 2 + (r4 * 2)::int
                              else 3 + (r4 * 2)::int end as per_landing,
                         case when t < $3::float8 then 1948 + (r5 * 31)::int when t < $4::float8 then 1955 + (r5 * 58)::int
                              when t < $5::float8 then 1958 + (r5 * 35)::int when t < $6::float8 then 1972 + (r5 * 25)::int
                              else 2003 + floor(r5 * ($7::int - 2003 + 1))::int end as year_built,
                         case when r6 < 0.2 then 1 + (r7 * 2)::int else 0 end as nonres,
                         r8 < 0.02 as retired) shape`,
          [start, count, metro ? 0.25 : 0.35, metro ? 0.5 : 0.65, metro ? 0.75 : 0.9, metro ? 0.87 : 0.96, Math.min(year, 2025)],
        );
        const buildings = countOf(
          await lane.unsafe(
            `insert into buildings.buildings (id, cadastral_number, kato_code, address_registration_code, purpose, fund_category,
               condominium_registered, has_technical_passport, balance_ownership, lift_count, electricity_connected, year_built,
               last_capital_repair_date, total_premises_count, floor_count, apartment_count, non_residential_premises_count,
               heating_supply_type, heating_supply_kind, gas_supply_kind, has_gas_pipeline, hot_water_supply_type, water_supply_kind,
               has_water_pipeline, sewerage_kind, has_sewer, common_meter_count, condition, register_exit_reason, barrier_free, status,
               confirmed_at, retired_at, created_at, updated_at)
             select pg_temp.uid(${TAG.building}, g),
                    $1 || ':' || $2 || ':' || lpad((1 + c % 400)::text, 3, '0') || ':' || lpad(((c / 400) * 9 + 1 + (r9 * 9)::int % 9)::text, 4, '0'),
                    $3, lpad(((g::numeric * 7355608391137 + 918273645) % 10000000000000000)::text, 16, '0'),
                    'MULTI_APARTMENT_BUILDING_OPERATION', case when r10 < 0.01 then 'NON_RESIDENTIAL' else 'RESIDENTIAL' end::buildings.fund_category,
                    ownership = 'PRIVATE_CONDOMINIUM_COMMON_PROPERTY' and r11 < 0.85, r12 < case when year_built >= 2003 then 0.98 else 0.88 end,
                    ownership::buildings.balance_ownership,
                    case when floors >= 6 then entrances * (case when floors >= 17 then 2 else 1 end) else 0 end,
                    condition <> 'NOT_OPERATING' or r3 < 0.3, year_built,
                    case when year_built < 2000 and r4 < 0.45 then make_date(greatest(year_built + 10, 1995) + (r12 * (2025 - greatest(year_built + 10, 1995)))::int,
                                                                               1 + (r6 * 11)::int, 1 + (r7 * 27)::int) end,
                    apartments + nonres, floors, apartments, nonres,
                    heating::buildings.supply_system_type,
                    case when heating = 'CENTRAL' then case when r8 < 0.4 then 'OPEN' else 'CLOSED' end end::buildings.heating_supply_kind,
                    gas::buildings.gas_supply_kind, gas = 'NETWORK_NATURAL' or (gas = 'LIQUEFIED_GAS_HOLDER_TANKS' and r9 < 0.8),
                    case when heating = 'CENTRAL' then case when r10 < 0.85 then 'CENTRAL' else 'INDIVIDUAL_INSTALLATIONS' end
                         when heating = 'AUTONOMOUS' then 'AUTONOMOUS' else 'INDIVIDUAL_INSTALLATIONS' end::buildings.supply_system_type,
                    water::buildings.water_supply_kind, water = 'CENTRALIZED' or r11 < 0.4,
                    sewerage::buildings.sewerage_kind, sewerage <> 'OUTDOOR_TOILET',
                    1 + (heating = 'CENTRAL')::int + (water = 'CENTRALIZED' and r12 < 0.75)::int + (gas = 'NETWORK_NATURAL' and r2 < 0.3)::int,
                    condition::buildings.building_condition,
                    case when retired then 'Снесён как аварийный по постановлению акимата' end,
                    r7 < case when year_built >= 2015 then 0.7 else 0.08 end,
                    case when retired then 'RETIRED' else 'REGISTERED' end::buildings.register_status,
                    confirmed, case when retired then confirmed + interval '60 days' end,
                    confirmed - (r6 * 700)::int * interval '1 day', case when retired then confirmed + interval '60 days' else confirmed end
               from gen_b,
            lateral (select case when retired then case when r2 < 0.6 then 'EMERGENCY' else 'NOT_OPERATING' end
                                 else case when r2 < case when year_built < 1970 then 0.06 when year_built < 2000 then 0.02 else 0.002 end then 'EMERGENCY'
                                           when r2 < case when year_built < 1970 then 0.36 when year_built < 2000 then 0.2 else 0.022 end then 'OPERATING_NEEDS_CAPITAL_REPAIR'
                                           when r2 < case when year_built < 1970 then 0.42 when year_built < 2000 then 0.26 else 0.022 end then 'OPERATING_IN_MODERNIZATION_PROGRAMME'
                                           when r2 < case when year_built < 1970 then 0.44 when year_built < 2000 then 0.265 else 0.023 end then 'NOT_OPERATING'
                                           else 'OPERATING' end end as condition,
                            case when r3 < 0.9 then 'PRIVATE_CONDOMINIUM_COMMON_PROPERTY' when r3 < 0.93 then 'PRIVATE_SINGLE_OWNER'
                                 when r3 < 0.96 then 'STATE_ENTERPRISE' else 'STATE_INSTITUTION' end as ownership,
                            case when r4 < $4::float8 * (case when floors <= 2 then 0.7 else 1 end) then 'CENTRAL'
                                 when r5 < 0.5 then 'AUTONOMOUS' when r5 < 0.95 then 'INDIVIDUAL_INSTALLATIONS' else 'NONE' end as heating,
                            case when r6 < $5::float8 then 'NETWORK_NATURAL' when r6 < $5::float8 + (1 - $5::float8) * 0.1 then 'LIQUEFIED_GAS_HOLDER_TANKS'
                                 when r6 < $5::float8 + (1 - $5::float8) * 0.4 then 'LIQUEFIED_CYLINDERS' else 'NONE' end as gas,
                            case when floors <= 2 and r7 < 0.06 then 'DECENTRALIZED' else 'CENTRALIZED' end as water,
                            case when floors <= 2 then case when r8 < 0.85 then 'CENTRALIZED' when r8 < 0.96 then 'SEPTIC' else 'OUTDOOR_TOILET' end
                                 when r8 < 0.98 then 'CENTRALIZED' else 'SEPTIC' end as sewerage,
                            $6::timestamptz - (case when r9 < 0.1 then 372 + (r10 * 628)::int else 1 + (r10 * 357)::int end) * interval '1 day'
                              + (4 + r11 * 9) * interval '1 hour' as confirmed) d`,
            [
              profile.cadastralRegion,
              placement.cadastralDistrict,
              placement.territory.katoCode,
              profile.centralHeating,
              profile.gasNetwork,
              today,
            ],
          ),
        );
        // Premises: the non-residential ones first (ground floor), then the apartments numbered from 1.
        const premises = countOf(
          await lane.unsafe(
            `insert into buildings.premises (id, building_id, kind, number, floor, area)
             select pg_temp.uid(${TAG.premise}, g * 64 + i), pg_temp.uid(${TAG.building}, g),
                    case when i <= nonres then 'NON_RESIDENTIAL' else 'APARTMENT' end::buildings.premise_kind,
                    case when i <= nonres then 'Н-' || i else (i - nonres)::text end,
                    case when i <= nonres then 1 else least(floors, 1 + (i - nonres - 1) * floors / apartments) end,
                    round((case when i <= nonres then 60 + pg_temp.u(g * 64 + i, 21) * 140
                                else 28 + pg_temp.u(g * 64 + i, 21) * 70 + pg_temp.u(g * 64 + i, 22) * 30 end)::numeric, 1)
               from gen_b, generate_series(1, apartments + nonres) i`,
          ),
        );
        // 1–3 owners a premise (spouses, heirs), shares summing to one; organisations own the
        // non-residential premises and the state's buildings.
        const owners = countOf(
          await lane.unsafe(
            `insert into buildings.premise_owners (id, premise_id, kind, identification_number, name, share)
             select pg_temp.uid(${TAG.owner}, (g * 64 + i) * 4 + j), pg_temp.uid(${TAG.premise}, g * 64 + i),
                    case when organisation then 'ORGANISATION' else 'PERSON' end::buildings.owner_kind,
                    case when organisation then pg_temp.bin(100000 + (g * 64 + i) % 380000) else pg_temp.iin((g * 64 + i) * 4 + j) end,
                    case when organisation then 'ТОО «' || $1 || '-' || (g * 64 + i) % 9973 || '»' else pg_temp.person((g * 64 + i) * 4 + j) end,
                    round(1.0 / n, 6)
               from gen_b, generate_series(1, apartments + nonres) i,
            lateral (select i <= nonres and pg_temp.u(g * 64 + i, 31) < 0.6 as organisation,
                            case when i <= nonres then 1 else case when pg_temp.u(g * 64 + i, 32) < 0.62 then 1
                                                                   when pg_temp.u(g * 64 + i, 32) < 0.97 then 2 else 3 end end as n) o,
                    generate_series(1, n) j`,
            [placement.territory.nameRu],
          ),
        );
        await lane`commit`;
        return { buildings, premises, owners };
      } catch (error) {
        await lane`rollback`.catch(() => {});
        throw error;
      }
    },
    log,
  );
}

export interface ActivityOptions {
  /** The last month of readings, charges and payments (its first day): the bench's month. */
  month: string;
  /** How many months up to `month` get readings, charges, payments, reports and contributions. */
  months: number;
  referenceDate: string;
  lanes?: number;
  log?: (line: string) => void;
}

/** The first days of the `months` months ending with `month`, oldest first. */
function monthsUpTo(month: string, months: number): string[] {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return Array.from({ length: months }, (_, index) => {
    const date = new Date(Date.UTC(year, m - 1 - (months - 1 - index), 1));
    return date.toISOString().slice(0, 10);
  });
}

const supplierGroups = [
  { services: ['WATER_SUPPLY', 'SEWERAGE'], kind: 'NATURAL_MONOPOLY', name: 'Водоканал', network: ['WATER', 'SEWERAGE'] },
  { services: ['ELECTRICITY'], kind: 'UTILITY_SUPPLIER', name: 'Энергосбыт', network: ['ELECTRICITY'] },
  { services: ['HEAT'], kind: 'NATURAL_MONOPOLY', name: 'Тепловые сети', network: ['HEAT'] },
  { services: ['GAS'], kind: 'NATURAL_MONOPOLY', name: 'Газ Аймак', network: ['GAS'] },
] as const;
const tariffUnits: Record<string, [string, number]> = {
  WATER_SUPPLY: ['CUBIC_METRE', 95],
  SEWERAGE: ['CUBIC_METRE', 52],
  ELECTRICITY: ['KILOWATT_HOUR', 24],
  HEAT: ['GIGACALORIE', 6900],
  GAS: ['CUBIC_METRE', 38],
};

/** Phase 2, national part: suppliers per region and group of services, their subjects, tariffs and billing periods. */
async function generateSuppliers(sql: postgres.Sql, months: string[], today: string): Promise<Counts> {
  const regions = territoriesData.filter((t) => t.level === 1).map((t) => t.katoCode);
  const year = Number(today.slice(0, 4));
  const rows: Array<{ key: number; region: string; kind: string; name: string; services: readonly string[] }> = [];
  regions.forEach((region, r) => {
    supplierGroups.forEach((group, s) => {
      rows.push({ key: r * 10 + s, region, kind: group.kind, name: group.name, services: group.services });
    });
  });
  await sql.begin(async (tx) => {
    for (const statement of helpers) await tx.unsafe(statement);
    for (const row of rows) {
      const key = row.key;
      const regionName = territoriesData.find((t) => t.katoCode === row.region)?.nameRu ?? '';
      await tx.unsafe(
        `insert into access.subjects (id, kind, name, identification_number, email)
         values (pg_temp.uid(${TAG.supplierSubject}, $1::bigint), $2, $3, pg_temp.bin(470000 + $1::bigint), null)`,
        [key, row.kind, `${row.name} ${regionName}`],
      );
      await tx.unsafe(
        `insert into utilities.suppliers (id, subject_id, name, bin, services, natural_monopoly, territory_katos, legal_address, phone)
         values (pg_temp.uid(${TAG.supplier}, $1::bigint), pg_temp.uid(${TAG.supplierSubject}, $1::bigint), $2, pg_temp.bin(470000 + $1::bigint),
                 $3::utilities.utility_service[], $4, array[$5]::char(9)[], $6, '+7 700 000 ' || lpad($1::text, 4, '0'))`,
        [key, `${row.name} ${regionName}`, `{${row.services.join(',')}}`, row.kind === 'NATURAL_MONOPOLY', row.region, regionName],
      );
      for (const [index, service] of row.services.entries()) {
        const [unit, price] = tariffUnits[service] as [string, number];
        const regional = 0.8 + ((key * 37) % 40) / 100;
        for (const [slot, from, to, factor] of [
          [0, `${year - 1}-01-01`, `${year - 1}-12-31`, 0.9],
          [1, `${year}-01-01`, null, 1],
        ] as const) {
          const perUnit = (price * regional * factor).toFixed(4);
          await tx.unsafe(
            `insert into utilities.tariffs (id, supplier_id, service, price_per_unit, unit, territory_kato, tiers, valid_from, valid_to,
                                            published_at, created_by)
             values (pg_temp.uid(${TAG.tariff}, $1), pg_temp.uid(${TAG.supplier}, $2), $3, $4, $5, $6, $7::text::jsonb, $8::date, $9::date, $8::date - interval '20 days', $10)`,
            [
              key * 100 + index * 10 + slot,
              key,
              service,
              perUnit,
              unit,
              row.region,
              JSON.stringify([{ upTo: null, price: perUnit }]),
              from,
              to,
              LOADER,
            ],
          );
        }
      }
      for (const [index, month] of months.entries()) {
        await tx.unsafe(
          `insert into utilities.billing_periods (id, supplier_id, month, status, opened_at, closed_at)
           values (pg_temp.uid(${TAG.period}, $1), pg_temp.uid(${TAG.supplier}, $2), $3::date, 'CLOSED', $3::date::timestamptz, $3::date + interval '1 month 5 days')`,
          [key * 100 + index, key, month],
        );
      }
    }
  });
  return { suppliers: rows.length };
}

/** Phase 2: management, reports, capital repair, requests and the utilities of every district. */
export async function generateActivity(sql: postgres.Sql, plans: DistrictPlan[], options: ActivityOptions): Promise<Counts> {
  const log = options.log ?? (() => {});
  const months = monthsUpTo(options.month, options.months);
  const today = options.referenceDate;
  await sql`select utilities.ensure_reading_partitions(${months[0] as string}::date, ${months.length + 1})`;
  await sql`select utilities.ensure_charge_partitions(${months[0] as string}::date, ${months.length + 1})`;
  const suppliers = await generateSuppliers(sql, months, today);
  const regions = territoriesData.filter((t) => t.level === 1).map((t) => t.katoCode);
  const categories = (
    await sql<Array<{ code: string; days: number }>>`
    select code, default_deadline_days as days from condominium.request_categories order by code`
  ).map((row) => row);
  const year = Number(today.slice(0, 4));
  const totals = await perDistrict(
    sql,
    plans,
    options.lanes ?? 2,
    async (lane, { placement }, districtIndex) => {
      const kato = placement.territory.katoCode;
      const region = regions.indexOf(placement.region.katoCode);
      const supplierKey = (group: number) => region * 10 + group;
      const counts: Counts = {};
      const run = async (name: string, statement: string, parameters: unknown[] = []) => {
        const result = await lane.unsafe(statement, parameters as never[]);
        counts[name] = (counts[name] ?? 0) + result.count;
      };
      await lane`begin`;
      try {
        await lane.unsafe(
          `create temp table cb on commit drop as
           select b.id, pg_temp.key(b.id) as g, b.kato_code, b.status, b.condominium_registered, b.balance_ownership,
                  b.heating_supply_type, b.gas_supply_kind, b.water_supply_kind, b.sewerage_kind, b.electricity_connected,
                  b.total_premises_count, b.year_built,
                  exists (select 1 from condominium.management_assignments a where a.building_id = b.id) as managed_already
             from buildings.buildings b where b.kato_code = $1`,
          [kato],
        );
        await lane.unsafe(
          `create temp table cp on commit drop as
           select p.id, pg_temp.key(p.id) as pk, cb.g, p.building_id, p.kind, p.number, p.area, cb.kato_code, cb.status,
                  cb.water_supply_kind
             from cb join buildings.premises p on p.building_id = cb.id`,
        );
        await lane`analyze pg_temp.cb`;
        await lane`analyze pg_temp.cp`;

        // ── Management: the form of each registered building, and who.
        await lane.unsafe(
          `create temp table cm on commit drop as
           select g, id as building_id, form,
                  case form when 'OSI' then pg_temp.uid(${TAG.osi}, g) when 'DIRECT_JOINT_MANAGEMENT' then pg_temp.uid(${TAG.representative}, g)
                            else pg_temp.uid(${TAG.company}, $1::bigint * 100 + (pg_temp.u(g, 102) * 12)::int) end as subject_id,
                  make_date(2015 + (pg_temp.u(g, 103) * 10)::int, 1 + (pg_temp.u(g, 104) * 11)::int, 1) as valid_from
             from (select cb.*, case when not condominium_registered then
                                       case when pg_temp.u(g, 101) < 0.4 then 'MANAGEMENT_COMPANY' when pg_temp.u(g, 101) < 0.5 then 'TEMPORARY_MANAGEMENT_COMPANY' end
                                     when pg_temp.u(g, 101) < 0.6 then 'OSI' when pg_temp.u(g, 101) < 0.8 then 'MANAGEMENT_COMPANY'
                                     when pg_temp.u(g, 101) < 0.88 then 'DIRECT_JOINT_MANAGEMENT'
                                     when pg_temp.u(g, 101) < 0.92 then 'TEMPORARY_MANAGEMENT_COMPANY' end as form
                     from cb where status = 'REGISTERED' and not managed_already) f
            where form is not null`,
          [districtIndex],
        );
        await run(
          'subjects',
          `insert into access.subjects (id, kind, name, identification_number)
           select pg_temp.uid(${TAG.company}, $1::bigint * 100 + j), 'MANAGEMENT_COMPANY', 'ТОО «УК ' || $2 || ' №' || j || '»', pg_temp.bin($1::bigint * 100 + j)
             from generate_series(0, 12) j`,
          [districtIndex, placement.territory.nameRu],
        );
        await run(
          'subjects',
          `insert into access.subjects (id, kind, name, identification_number)
           select subject_id, case form when 'OSI' then 'OSI' else 'PREMISES_OWNER' end::access.subject_kind,
                  case form when 'OSI' then 'ОСИ «Дом ' || g || '»' else pg_temp.person(g * 256) end,
                  case form when 'OSI' then pg_temp.bin(10000 + g) else pg_temp.unique_iin(g) end
             from cm where form in ('OSI', 'DIRECT_JOINT_MANAGEMENT')`,
        );
        // One building in six had a management company before its current manager.
        await run(
          'managementAssignments',
          `insert into condominium.management_assignments (id, building_id, management_subject_id, management_subject_kind, form,
                                                           contract_number, contract_date, valid_from, valid_to, assigned_by, created_at)
           select pg_temp.uid(${TAG.previousAssignment}, g), building_id, pg_temp.uid(${TAG.company}, $1::bigint * 100 + (pg_temp.u(g, 105) * 12)::int),
                  'MANAGEMENT_COMPANY', 'MANAGEMENT_COMPANY', 'Д-' || g, valid_from - interval '3 years', valid_from - interval '3 years', valid_from,
                  $2, valid_from - interval '3 years'
             from cm where pg_temp.u(g, 106) < 0.17`,
          [districtIndex, LOADER],
        );
        await run(
          'managementAssignments',
          `insert into condominium.management_assignments (id, building_id, management_subject_id, management_subject_kind, form,
                                                           contract_number, contract_date, tax_certificate_number, tax_certificate_issued_on,
                                                           valid_from, assigned_by, created_at)
           select pg_temp.uid(${TAG.assignment}, g), building_id, subject_id,
                  case form when 'OSI' then 'OSI' when 'DIRECT_JOINT_MANAGEMENT' then 'PREMISES_OWNER' else 'MANAGEMENT_COMPANY' end::condominium.management_subject_kind,
                  form::condominium.management_form,
                  case when form = 'MANAGEMENT_COMPANY' then 'Д-' || g end, case when form = 'MANAGEMENT_COMPANY' then valid_from end,
                  case when form = 'TEMPORARY_MANAGEMENT_COMPANY' then 'СПР-' || g end,
                  case when form = 'TEMPORARY_MANAGEMENT_COMPANY' then valid_from - interval '10 days' end,
                  valid_from, $1, valid_from
             from cm`,
          [LOADER],
        );

        // ── Reports: every month managed; published on time (by the 20th), late, still a draft, or missing.
        await run(
          'reports',
          `insert into condominium.reports (id, building_id, kind, period_start, version, status, manager_subject_id, opening_balance, income_total,
                                            expense_total, closing_balance, fund_opening_balance, fund_contributions, fund_spending,
                                            fund_closing_balance, drafted_by, created_at, published_at, channels)
           select pg_temp.uid(${TAG.report}, g * 32 + m), building_id, kind::condominium.report_kind, period, 1,
                  case when r < 0.85 then 'PUBLISHED' else 'DRAFT' end::condominium.report_status, subject_id,
                  opening, income, expense, opening + income - expense, fund, contributions, 0, fund + contributions, $2,
                  due - interval '15 days',
                  case when r < 0.7 then due - (pg_temp.u(g * 32 + m, 111) * 15)::int * interval '1 day' + interval '10 hours'
                       when r < 0.85 then least(due + (1 + pg_temp.u(g * 32 + m, 111) * 40)::int * interval '1 day', $3::date - 1) + interval '10 hours' end,
                  case when r < 0.85 then case when r < 0.5 then '{DIGITAL_OBJECT,POSTED_PUBLICLY}' else '{DIGITAL_OBJECT}' end
                       else '{}' end::condominium.report_channel[]
             from cm, (select m, period::date, 'MONTHLY' as kind, (period + interval '1 month 19 days')::date as due
                         from unnest($1::date[]) with ordinality as x(period, m)
                       union all select 0, make_date($4::int - 1, 1, 1), 'ANNUAL', make_date($4::int, 4, 1)) p,
          lateral (select pg_temp.u(g * 32 + m, 110) as r, 100000 + (hashint8extended(g * 32 + m, 112) & 1048575) * 50 as opening,
                          (hashint8extended(g * 32 + m, 113) & 1048575) * 40 as income, (hashint8extended(g * 32 + m, 114) & 1048575) * 38 as expense,
                          (hashint8extended(g, 115) & 1048575) * 300 as fund, (hashint8extended(g * 32 + m, 116) & 1048575) * 10 as contributions) v
            where p.period >= cm.valid_from and p.due < $3::date and v.r < 0.9`,
          [`{${months.join(',')}}`, LOADER, today, year],
        );

        // ── Capital repair: a month's contribution accrued to every premises of an OSI or a company, most of it paid.
        await run(
          'capitalRepairAccruals',
          `insert into condominium.capital_repair_accruals (id, building_id, premise_id, period, amount_tiyn, recorded_by, created_at)
           select pg_temp.uid(${TAG.accrual}, cp.pk * 8 + m), cp.building_id, cp.id, period, greatest(100, round(coalesce(cp.area, 50) * 4000)::bigint), $2,
                  period + interval '1 day'
             from cm join cp on cp.building_id = cm.building_id, unnest($1::date[]) with ordinality as x(period, m)
            where cm.form in ('OSI', 'MANAGEMENT_COMPANY') and period >= cm.valid_from`,
          [`{${months.join(',')}}`, LOADER],
        );
        await run(
          'capitalRepairPayments',
          `insert into condominium.capital_repair_payments (id, building_id, premise_id, paid_on, amount_tiyn, recorded_by)
           select pg_temp.uid(${TAG.contribution}, cp.pk * 8 + m), cp.building_id, cp.id,
                  least(period + (5 + pg_temp.u(cp.pk * 8 + m, 121) * 30)::int, $3::date - 1),
                  greatest(100, round(coalesce(cp.area, 50) * 4000)::bigint), $2
             from cm join cp on cp.building_id = cm.building_id, unnest($1::date[]) with ordinality as x(period, m)
            where cm.form in ('OSI', 'MANAGEMENT_COMPANY') and period >= cm.valid_from and pg_temp.u(cp.pk * 8 + m, 120) < 0.8`,
          [`{${months.join(',')}}`, LOADER, today],
        );

        // ── Owners' requests: none to a few a building over the last months, in every state.
        await lane.unsafe(
          `create temp table cr on commit drop as
           select g * 8 + k as key, cb.id as building_id, cb.kato_code, pg_temp.uid(${TAG.premise}, g * 64 + 1) as premise_id,
                  ($1::text[])[1 + (hashint8extended(g * 8 + k, 130) & 255) % cardinality($1::text[])] as category,
                  $2::timestamptz - (1 + pg_temp.u(g * 8 + k, 131) * 120) * interval '1 day' as submitted_at,
                  pg_temp.u(g * 8 + k, 132) as r
             from cb, generate_series(1, (pg_temp.u(g, 133) * 4)::int) k where cb.status = 'REGISTERED'`,
          [`{${categories.map((c) => c.code).join(',')}}`, today],
        );
        await run(
          'ownerRequests',
          `insert into condominium.owner_requests (id, building_id, kato_code, premise_id, category_code, description, requester_person_id, status, due_on,
                                                   rejection_reason, rating, submitted_at, done_at, updated_at)
           select pg_temp.uid(${TAG.request}, key), building_id, left(kato_code, 9), case when r < 0.6 then premise_id end, category, 'Заявка собственника №' || key,
                  pg_temp.uid(${TAG.requester}, key), status::condominium.owner_request_status,
                  (submitted_at + (c.days || ' days')::interval)::date,
                  case when status = 'REJECTED' then 'Работы не относятся к общему имуществу' end,
                  case when status = 'DONE' and r < 0.3 then 1 + (r * 100)::int % 5 end,
                  submitted_at, case when status = 'DONE' then submitted_at + interval '3 days' end, submitted_at
             from cr join (select * from unnest($1::text[], $2::int[]) as c(code, days)) c on c.code = cr.category,
          lateral (select case when r < 0.55 then 'DONE' when r < 0.62 then 'REJECTED' when r < 0.75 then 'IN_PROGRESS'
                               when r < 0.85 then 'ACCEPTED' else 'SUBMITTED' end as status) s`,
          [`{${categories.map((c) => c.code).join(',')}}`, `{${categories.map((c) => c.days).join(',')}}`],
        );
        await run(
          'ownerRequestEvents',
          `insert into condominium.owner_request_events (id, request_id, status, changed_by, changed_at)
           select pg_temp.uid(${TAG.requestEvent}, key), pg_temp.uid(${TAG.request}, key), 'SUBMITTED', 'person:' || pg_temp.uid(${TAG.requester}, key),
                  submitted_at
             from cr`,
        );

        // ── Utilities: the region's water supplier keeps an account for 3 in 4 apartments on central water.
        const water = supplierKey(0);
        await run(
          'accounts',
          `insert into utilities.personal_accounts (id, supplier_id, building_id, premise_number, account_number, holder_name, holder_iin, service, opened_at,
                                                    created_at, updated_at)
           select pg_temp.uid(${TAG.account}, pk), pg_temp.uid(${TAG.supplier}, $1::bigint), building_id, number, 'W' || lpad(pk::text, 12, '0'),
                  pg_temp.person(pk * 4 + 1), pg_temp.iin(pk * 4 + 1), 'WATER_SUPPLY',
                  make_date(2010 + (pg_temp.u(pk, 201) * 15)::int, 1 + (pg_temp.u(pk, 202) * 11)::int, 1), now(), now()
             from cp
            where kind = 'APARTMENT' and status = 'REGISTERED' and water_supply_kind = 'CENTRALIZED' and pg_temp.u(pk, 200) < 0.75`,
          [water],
        );
        // Of those, 3 in 4 have an individual meter; a building on central water, a common-house one.
        await run(
          'meters',
          `insert into utilities.meters (id, supplier_id, kind, building_id, premise_number, kato_code, service, serial_number, capacity_digits,
                                         tariff_zones, status, installed_at, sealed_at, verified_at, next_verification_at)
           select pg_temp.uid(${TAG.meter}, pk), pg_temp.uid(${TAG.supplier}, $1::bigint), 'INDIVIDUAL', building_id, number, kato_code, 'WATER_SUPPLY',
                  'SV' || lpad(pk::text, 12, '0'), 5, 1, case when pg_temp.u(pk, 211) < 0.02 then 'FAULTY' else 'INSTALLED' end::utilities.meter_status,
                  installed, installed, installed, installed + interval '4 years' + (pg_temp.u(pk, 212) * 700)::int * interval '1 day'
             from cp, lateral (select make_date(2017 + (pg_temp.u(pk, 213) * 8)::int, 1 + (pg_temp.u(pk, 214) * 11)::int, 10) as installed) i
            where kind = 'APARTMENT' and status = 'REGISTERED' and water_supply_kind = 'CENTRALIZED' and pg_temp.u(pk, 200) < 0.75
              and pg_temp.u(pk, 210) < 0.75`,
          [water],
        );
        await run(
          'meters',
          `insert into utilities.meters (id, supplier_id, kind, building_id, premise_number, kato_code, service, serial_number, capacity_digits,
                                         tariff_zones, status, installed_at, next_verification_at)
           select pg_temp.uid(${TAG.commonMeter}, g), pg_temp.uid(${TAG.supplier}, $1::bigint), 'COMMON_HOUSE', id, null, kato_code, 'WATER_SUPPLY',
                  'OD' || lpad(g::text, 10, '0'), 7, 1, 'INSTALLED', make_date(2018, 1 + (g % 12)::int, 1), make_date(2018, 1 + (g % 12)::int, 1) + interval '8 years'
             from cb where status = 'REGISTERED' and water_supply_kind = 'CENTRALIZED' and pg_temp.u(g, 215) < 0.75`,
          [water],
        );
        // Readings: 9 in 10 meters each month, between the 15th and the 25th; the value grows by the month's consumption.
        await run(
          'readings',
          `insert into utilities.meter_readings (id, meter_id, supplier_id, kato_code, zone, taken_on, value, consumption, kind, source, recorded_at, updated_at)
           select pg_temp.uid(${TAG.reading}, pk * 16 + m), pg_temp.uid(${TAG.meter}, pk), pg_temp.uid(${TAG.supplier}, $2::bigint), kato_code, 1,
                  period + (14 + pg_temp.u(pk * 16 + m, 221) * 10)::int,
                  (100 + (pk % 900) + m * (3 + (pk % 9)))::numeric, case when m > 1 then (3 + (pk % 9))::numeric end, 'CURRENT',
                  case when pg_temp.u(pk * 16 + m, 222) < 0.5 then 'OWNER' when pg_temp.u(pk * 16 + m, 222) < 0.8 then 'SUPPLIER' else 'AUTOMATIC' end::utilities.reading_source,
                  period + interval '25 days', period + interval '25 days'
             from cp, unnest($1::date[]) with ordinality as x(period, m)
            where kind = 'APARTMENT' and status = 'REGISTERED' and water_supply_kind = 'CENTRALIZED' and pg_temp.u(pk, 200) < 0.75
              and pg_temp.u(pk, 210) < 0.75 and pg_temp.u(pk * 16 + m, 220) < 0.9`,
          [`{${months.join(',')}}`, water],
        );
        // The month's tariff of the region's water supplier (last year's for a month of last year).
        const monthTariffs = `(select x.period, x.m, t.id as tariff_id, t.price_per_unit
             from unnest($1::date[]) with ordinality as x(period, m),
          lateral (select t.id, t.price_per_unit from utilities.tariffs t
                    where t.supplier_id = pg_temp.uid(${TAG.supplier}, $2::bigint) and t.service = 'WATER_SUPPLY' and t.valid_from <= x.period
                      and (t.valid_to is null or t.valid_to >= x.period) order by t.valid_from desc limit 1) t)`;
        const accounted = `kind = 'APARTMENT' and status = 'REGISTERED' and water_supply_kind = 'CENTRALIZED' and pg_temp.u(pk, 200) < 0.75`;
        // Charges: every account every month, by reading when metered, by norm otherwise.
        await run(
          'charges',
          `insert into utilities.charges (id, supplier_id, account_id, billing_period_id, month, kato_code, service, kind, basis, volume, tariff_id, amount_tiyn)
           select pg_temp.uid(${TAG.charge}, pk * 16 + m), pg_temp.uid(${TAG.supplier}, $2::bigint), pg_temp.uid(${TAG.account}, pk),
                  pg_temp.uid(${TAG.period}, $2::bigint * 100 + m - 1), period, kato_code, 'WATER_SUPPLY', 'CHARGE',
                  case when pg_temp.u(pk, 210) < 0.75 then 'READING' else 'NORM' end::utilities.charge_basis, 3 + pk % 9, tariff_id,
                  round((3 + pk % 9) * price_per_unit * 100)::bigint
             from cp, ${monthTariffs} mt
            where ${accounted}`,
          [`{${months.join(',')}}`, water],
        );
        // Payments: 17 in 20 charges paid (1 in 10 of those in part), through a bank or an agent, the month after.
        await run(
          'payments',
          `insert into utilities.payments (id, supplier_id, account_id, billing_period_id, amount_tiyn, paid_on, channel, agent_name, reference)
           select pg_temp.uid(${TAG.payment}, key), pg_temp.uid(${TAG.supplier}, $2::bigint), pg_temp.uid(${TAG.account}, pk),
                  pg_temp.uid(${TAG.period}, $2::bigint * 100 + m - 1),
                  greatest(1, round((3 + pk % 9) * price_per_unit * 100)::bigint / case when pg_temp.u(key, 231) < 0.1 then 2 else 1 end),
                  least(period + interval '1 month' + (pg_temp.u(key, 232) * 25)::int * interval '1 day', $3::date - 1),
                  case when agent < 3 then 'BANK' else 'AGENT' end::utilities.payment_channel,
                  (array['АО «Kaspi Bank»', 'АО «Народный банк Казахстана»', 'АО «Банк ЦентрКредит»', 'АО «Казпочта»', 'ТОО «Касса24»'])[1 + agent],
                  'P' || key
             from cp, ${monthTariffs} mt, lateral (select pk * 16 + m as key) k, lateral (select (hashint8extended(key, 233) & 255) % 5 as agent) a
            where ${accounted} and pg_temp.u(key, 230) < 0.85`,
          [`{${months.join(',')}}`, water, today],
        );
        // A few consumer requests about accounts.
        await run(
          'consumerRequests',
          `insert into utilities.consumer_requests (id, supplier_id, account_id, kind, text, status, submitted_by, submitted_at, deadline, answer, answered_at)
           select pg_temp.uid(${TAG.consumerRequest}, pk), pg_temp.uid(${TAG.supplier}, $1::bigint), pg_temp.uid(${TAG.account}, pk),
                  (array['COMPLAINT', 'OUTAGE_REPORT', 'RECALCULATION_REQUEST'])[1 + pk % 3]::utilities.consumer_request_kind,
                  'Обращение по лицевому счёту', case when pg_temp.u(pk, 241) < 0.7 then 'ANSWERED' else 'SUBMITTED' end::utilities.consumer_request_status,
                  pg_temp.uid(${TAG.requester}, pk), at, (at + interval '15 days')::date,
                  case when pg_temp.u(pk, 241) < 0.7 then 'Ответ поставщика' end, case when pg_temp.u(pk, 241) < 0.7 then at + interval '5 days' end
             from cp, lateral (select $2::timestamptz - (1 + pg_temp.u(pk, 242) * 60)::int * interval '1 day' as at) t
            where kind = 'APARTMENT' and status = 'REGISTERED' and water_supply_kind = 'CENTRALIZED' and pg_temp.u(pk, 200) < 0.75
              and pg_temp.u(pk, 240) < 0.005`,
          [water, today],
        );

        // ── Networks of the district, one per kind, and the buildings each serves; outages on some of them.
        const networks: Array<[string, number, string]> = [
          ['WATER', 0, `water_supply_kind = 'CENTRALIZED'`],
          ['SEWERAGE', 0, `sewerage_kind = 'CENTRALIZED'`],
          ['ELECTRICITY', 1, 'electricity_connected'],
          ['HEAT', 2, `heating_supply_type = 'CENTRAL'`],
          ['GAS', 3, `gas_supply_kind = 'NETWORK_NATURAL'`],
        ];
        for (const [index, [kind, group, connected]] of networks.entries()) {
          const key = districtIndex * 10 + index;
          await run(
            'networks',
            `insert into utilities.engineering_networks (id, supplier_id, kind, name, territory_kato, length_km, year_commissioned, wear_percent, last_repair_on)
             values (pg_temp.uid(${TAG.network}, $1::bigint), pg_temp.uid(${TAG.supplier}, $2::bigint), $3, $4, $5, 20 + ($1::bigint * 37) % 400, 1960 + ($1::bigint * 7) % 50,
                     30 + ($1::bigint * 13) % 60, make_date(2015 + ($1::bigint % 10)::int, 6, 1))`,
            [key, supplierKey(group), kind, `${kind} — ${placement.territory.nameRu}`, kato],
          );
          await run(
            'networkBuildings',
            `insert into utilities.network_buildings (network_id, building_id)
             select pg_temp.uid(${TAG.network}, $1::bigint), id from cb where ${connected}`,
            [key],
          );
          await run(
            'outages',
            `insert into utilities.outages (id, supplier_id, service, kind, starts_at, ends_at, message)
             select pg_temp.uid(${TAG.outage}, $1::bigint * 4 + o), pg_temp.uid(${TAG.supplier}, $2::bigint), $3::utilities.utility_service,
                    case when o = 0 then 'PLANNED' else 'EMERGENCY' end::utilities.outage_kind,
                    $4::timestamptz - (o * 9 - 3) * interval '1 day', $4::timestamptz - (o * 9 - 3) * interval '1 day' + interval '8 hours',
                    'Отключение на сети ' || $5
               from generate_series(0, 2) o`,
            [key, supplierKey(group), kind === 'WATER' ? 'WATER_SUPPLY' : kind, today, placement.territory.nameRu],
          );
          await run(
            'outageBuildings',
            `insert into utilities.outage_buildings (outage_id, building_id, kato_code)
             select pg_temp.uid(${TAG.outage}, $1::bigint * 4 + o), id, kato_code from cb, generate_series(0, 2) o
              where ${connected} and pg_temp.u(g * 4 + o, 250 + $2::int) < 0.03`,
            [key, index],
          );
        }
        await lane`commit`;
        return counts;
      } catch (error) {
        await lane`rollback`.catch(() => {});
        throw error;
      }
    },
    log,
  );
  // The readings were written straight, not through the readings' own write: their heads (the
  // last reading of each meter and zone, which the next reading's consumption starts from) from them.
  await sql`select utilities.rebuild_reading_heads()`;
  return { ...suppliers, ...totals };
}
