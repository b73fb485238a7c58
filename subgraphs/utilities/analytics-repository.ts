import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { byGrain, inTerritoryRange, territoryRanges } from '../../lib/kato.js';
import type { UtilityService } from '../../schema/utilities.js';

/**
 * The SQL of the utilities analytics: each figure for any number of territories (KATO
 * prefixes) in one statement, so twenty regions cost what one does. The country, a region
 * and a district sum their districts' rows of the summaries (`reading_counts`, `money_counts`,
 * `coverage_counts`, kept current by the writes' own triggers: migration `utilities_summaries`); a finer
 * territory counts its records, first per 9-digit KATO code, then matched to the ranges.
 * Buildings' codes come from the buildings subgraph's published view. Networks and outages
 * are few (thousands nationally): counted from their records.
 */

/** A summary's districts in `p`'s range. */
const districtInRange = inTerritoryRange(sql`c.district`);

export interface CoverageRow {
  prefix: string;
  service: UtilityService;
  accounts: number;
  metered: number;
}

export interface MetersReadRow {
  prefix: string;
  meters: number;
}

/** Readings taken in one month. */
export interface MonthlyReadingRow {
  prefix: string;
  month: string;
  readings: number;
}

/** Tiyn billed and paid for one month's billing periods. */
export interface CollectionRow {
  prefix: string;
  month: string;
  billedTiyn: bigint;
  paidTiyn: bigint;
}

/** Engineering networks of one wear band (`band` 0 for 0–25 %, … 3 for 75–100 %). */
export interface WearBandRow {
  prefix: string;
  band: number;
  networks: number;
  lengthKm: string;
}

/** Outages affecting a building in a territory. */
export interface OutageCountRow {
  prefix: string;
  current: number;
  planned: number;
  emergency: number;
}

export interface TariffInForceRow {
  service: UtilityService;
  unit: string;
  pricePerUnit: string;
  territoryKato: string | null;
  supplierTerritories: string[];
}

export class UtilityAnalyticsRepository {
  constructor(private readonly db: Executor) {}

  /** Runs `fromSummary` for the coarse prefixes and `fromRecords` for the fine ones (one statement each, when any). */
  private async byGrain<T extends Record<string, unknown>>(
    prefixes: readonly string[],
    fromSummary: (coarse: string[]) => SQL,
    fromRecords: (fine: string[]) => SQL,
  ): Promise<T[]> {
    const { coarse, fine } = byGrain(prefixes);
    const rows: T[] = [];
    if (coarse.length > 0) rows.push(...((await this.db.execute<T>(fromSummary(coarse))) as unknown as T[]));
    if (fine.length > 0) rows.push(...((await this.db.execute<T>(fromRecords(fine))) as unknown as T[]));
    return rows;
  }

  /** Open accounts of premises per service, and how many of them have a working individual meter of that service. */
  async meterCoverage(prefixes: readonly string[]): Promise<CoverageRow[]> {
    const rows = await this.byGrain<{ prefix: string; service: UtilityService; accounts: number; metered: number }>(
      prefixes,
      (coarse) => sql`
        select p.prefix, c.service, sum(c.accounts)::int as accounts, sum(c.metered)::int as metered
          from ${territoryRanges(coarse)} join utilities.coverage_counts c on ${districtInRange}
         group by p.prefix, c.service
         -- A service whose accounts all closed keeps its zero row: left out, as the records leave it.
        having sum(c.accounts) > 0`,
      (fine) => sql`
        with per_code as (
          -- One hash join with the premises that have a working meter, not a look-up per account.
          select left(b.kato_code, 9) as code, a.service, count(*) as accounts, count(m.building_id) as metered
            from utilities.personal_accounts a
            join buildings.published_buildings b on b.id = a.building_id
            left join (select distinct building_id, premise_number, service from utilities.meters
                        where kind = 'INDIVIDUAL' and status <> 'REMOVED') m
              on m.building_id = a.building_id and m.premise_number = a.premise_number and m.service = a.service
           where a.premise_number is not null and a.closed_at is null
           group by 1, 2)
        select p.prefix, c.service, sum(c.accounts)::int as accounts, sum(c.metered)::int as metered
          from ${territoryRanges(fine)} join per_code c on ${inTerritoryRange(sql`c.code`)}
         group by p.prefix, c.service`,
    );
    return rows.map((row) => ({ ...row, accounts: Number(row.accounts), metered: Number(row.metered) }));
  }

  /** Readings taken in the months from `from` to `to` (first days), per month. */
  async readingsPerMonth(prefixes: readonly string[], from: string, to: string): Promise<MonthlyReadingRow[]> {
    const rows = await this.byGrain<{ prefix: string; month: string; readings: number }>(
      prefixes,
      (coarse) => sql`
        select p.prefix, c.month::text as month, sum(c.readings)::bigint as readings
          from ${territoryRanges(coarse)} join utilities.reading_counts c on ${districtInRange}
         where c.month >= ${from}::date and c.month <= ${to}::date
         group by p.prefix, c.month`,
      // The months' partitions only.
      (fine) => sql`
        with per_code as (
          select left(r.kato_code, 9) as code, date_trunc('month', r.taken_on)::date as month, count(*) as readings
            from utilities.meter_readings r
           where r.taken_on >= ${from}::date and r.taken_on < ${to}::date + interval '1 month'
           group by 1, 2)
        select p.prefix, c.month::text as month, sum(c.readings)::bigint as readings
          from ${territoryRanges(fine)} join per_code c on ${inTerritoryRange(sql`c.code`)}
         group by p.prefix, c.month`,
    );
    return rows.map((row) => ({ prefix: row.prefix, month: row.month, readings: Number(row.readings) }));
  }

  /**
   * Meters with a reading taken in `month`, from that month's partition, for every territory:
   * no summary keeps it (telling a meter's first reading of a month costs the bulk ingest a
   * look-up per reading, migration `utilities_summaries`), so nationally this reads the month's readings.
   */
  async metersRead(prefixes: readonly string[], month: string): Promise<MetersReadRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; meters: number }>(sql`
      with per_code as (
        select left(r.kato_code, 9) as code, count(distinct r.meter_id) as meters
          from utilities.meter_readings r
         where r.taken_on >= ${month}::date and r.taken_on < ${month}::date + interval '1 month'
         group by 1)
      select p.prefix, sum(c.meters)::int as meters
        from ${territoryRanges(prefixes)} join per_code c on ${inTerritoryRange(sql`c.code`)}
       group by p.prefix`);
    return rows.map((row) => ({ prefix: row.prefix, meters: Number(row.meters) }));
  }

  /**
   * Tiyn billed (charges and recalculations) and paid per month of the billing periods up to
   * `to`; months before `from` are summed into one row dated `from` minus a day, for the debt.
   */
  async collection(prefixes: readonly string[], from: string, to: string): Promise<CollectionRow[]> {
    const rows = await this.byGrain<{ prefix: string; month: string; billed: string; paid: string }>(
      prefixes,
      // The months before the series folded per district first, so the ranges meet a few rows per district.
      (coarse) => sql`
        with per_district as (
          select m.district, greatest(m.month, ${from}::date - 1) as month, sum(m.billed_tiyn) as billed, sum(m.paid_tiyn) as paid
            from utilities.money_counts m
           where m.month <= ${to}::date
           group by 1, 2)
        select p.prefix, c.month::text as month, sum(c.billed)::text as billed, sum(c.paid)::text as paid
          from ${territoryRanges(coarse)} join per_district c on ${districtInRange}
         group by 1, 2`,
      (fine) => sql`
        with per_code as (
          select code, greatest(month, ${from}::date - 1) as month, sum(billed) as billed, sum(paid) as paid
            from (
              -- Charges carry their month and building's code (partitioned by month): no join.
              select left(c.kato_code, 9) as code, c.month, c.amount_tiyn as billed, 0::bigint as paid
                from utilities.charges c where c.month <= ${to}::date
              union all
              select left(b.kato_code, 9), bp.month, 0, y.amount_tiyn
                from utilities.payments y
                join utilities.billing_periods bp on bp.id = y.billing_period_id
                join utilities.personal_accounts a on a.id = y.account_id
                join buildings.published_buildings b on b.id = a.building_id
               where bp.month <= ${to}::date) money
           group by 1, 2)
        select p.prefix, c.month::text as month, sum(c.billed)::text as billed, sum(c.paid)::text as paid
          from ${territoryRanges(fine)} join per_code c on ${inTerritoryRange(sql`c.code`)}
         group by p.prefix, c.month`,
    );
    return rows.map((row) => ({ prefix: row.prefix, month: row.month, billedTiyn: BigInt(row.billed), paidTiyn: BigInt(row.paid) }));
  }

  /** Engineering networks per wear band (a quarter of 0–100 % each; 100 % falls in the last), with their length. */
  async networkWear(prefixes: readonly string[]): Promise<WearBandRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; band: number; networks: number; length_km: string }>(sql`
      with per_code as (
        select n.territory_kato::text as code, least(floor(n.wear_percent / 25), 3)::int as band,
               count(*) as networks, coalesce(sum(n.length_km), 0)::numeric(14, 3) as length_km
          from utilities.engineering_networks n
         group by 1, 2)
      select p.prefix, c.band, sum(c.networks)::int as networks, sum(c.length_km)::numeric(14, 3)::text as length_km
        from ${territoryRanges(prefixes)} join per_code c on ${inTerritoryRange(sql`c.code`)}
       group by p.prefix, c.band`);
    return rows.map((row) => ({ prefix: row.prefix, band: Number(row.band), networks: Number(row.networks), lengthKm: row.length_km }));
  }

  /**
   * Outages affecting a building in each territory: those going on at `now`, and the planned
   * and emergency ones whose time overlaps the month (an emergency without an end still goes on).
   */
  async outageCounts(prefixes: readonly string[], month: string, now: Date): Promise<OutageCountRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; current: number; planned: number; emergency: number }>(sql`
      with asked as (select ${now.toISOString()}::timestamptz as now, ${month}::date as month),
      counted as (
        select o.id, o.kind,
               o.starts_at <= asked.now and (o.ends_at is null or o.ends_at > asked.now) as current,
               o.starts_at < asked.month + interval '1 month' and (o.ends_at is null or o.ends_at > asked.month) as in_month
          from utilities.outages o, asked
         where o.ends_at is null or o.ends_at > least(asked.now, asked.month)),
      per_code as (
        select distinct c.id, c.kind, c.current, c.in_month, left(ob.kato_code, 9) as code
          from counted c join utilities.outage_buildings ob on ob.outage_id = c.id
         where c.current or c.in_month)
      select p.prefix,
             count(distinct c.id) filter (where c.current)::int as current,
             count(distinct c.id) filter (where c.in_month and c.kind = 'PLANNED')::int as planned,
             count(distinct c.id) filter (where c.in_month and c.kind = 'EMERGENCY')::int as emergency
        from ${territoryRanges(prefixes)} join per_code c on ${inTerritoryRange(sql`c.code`)}
       group by p.prefix`);
    return rows.map((row) => ({
      prefix: row.prefix,
      current: Number(row.current),
      planned: Number(row.planned),
      emergency: Number(row.emergency),
    }));
  }

  /** Published household tariffs in force on `day`, with the territories their suppliers serve (few rows nationally). */
  async householdTariffsInForce(day: string): Promise<TariffInForceRow[]> {
    const rows = await this.db.execute<{
      service: UtilityService;
      unit: string;
      price_per_unit: string;
      territory_kato: string | null;
      supplier_territories: string[];
    }>(sql`
      select t.service, t.unit, t.price_per_unit::text as price_per_unit, t.territory_kato, s.territory_katos::text[] as supplier_territories
        from utilities.tariffs t join utilities.suppliers s on s.id = t.supplier_id
       where t.published_at is not null and t.consumer_category = 'HOUSEHOLD'
         and t.valid_from <= ${day}::date and (t.valid_to is null or t.valid_to >= ${day}::date)`);
    return rows.map((row) => ({
      service: row.service,
      unit: row.unit,
      pricePerUnit: row.price_per_unit,
      territoryKato: row.territory_kato,
      supplierTerritories: row.supplier_territories ?? [],
    }));
  }
}
