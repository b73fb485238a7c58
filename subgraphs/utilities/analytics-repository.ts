import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoRange } from '../../lib/kato.js';
import type { UtilityService } from '../../schema/utilities.js';
import { textArray } from './reading-repository.js';

/**
 * The SQL of the utilities analytics: each figure for any number of territories (KATO
 * prefixes) in one statement. The records are first counted per 9-digit KATO code, in one
 * pass over the month or the table, and only those counts are matched to the territories'
 * ranges, so twenty regions cost what one does. Buildings' codes come from the buildings
 * subgraph's published view.
 */

/** `p(prefix, upto)`: each prefix with the end of its KATO range. */
function prefixRanges(prefixes: readonly string[]): SQL {
  return sql`unnest(${textArray(prefixes)}::text[], ${textArray(prefixes.map((prefix) => katoRange(prefix).to))}::text[]) as p(prefix, upto)`;
}

const inRange = (code: SQL) => sql`${code} ~>=~ p.prefix and ${code} ~<~ p.upto`;

export interface CoverageRow {
  prefix: string;
  service: UtilityService;
  accounts: number;
  metered: number;
}

export interface ReadingCountRow {
  prefix: string;
  readings: number;
  meters: number;
}

/** Tiyn billed and paid for one month's billing periods. */
export interface CollectionRow {
  prefix: string;
  month: string;
  billedTiyn: bigint;
  paidTiyn: bigint;
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

  /** Open accounts of premises per service, and how many of them have a working individual meter of that service. */
  async meterCoverage(prefixes: readonly string[]): Promise<CoverageRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; service: UtilityService; accounts: number; metered: number }>(sql`
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
        from ${prefixRanges(prefixes)} join per_code c on ${inRange(sql`c.code`)}
       group by p.prefix, c.service`);
    return rows.map((row) => ({ ...row, accounts: Number(row.accounts), metered: Number(row.metered) }));
  }

  /** Readings taken in `month` (its first day) and the meters they came from, from that month's partition only. */
  async readingsInMonth(prefixes: readonly string[], month: string): Promise<ReadingCountRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; readings: number; meters: number }>(sql`
      with per_code as (
        select left(r.kato_code, 9) as code, count(*) as readings, count(distinct r.meter_id) as meters
          from utilities.meter_readings r
         where r.taken_on >= ${month}::date and r.taken_on < ${month}::date + interval '1 month'
         group by 1)
      select p.prefix, sum(c.readings)::int as readings, sum(c.meters)::int as meters
        from ${prefixRanges(prefixes)} join per_code c on ${inRange(sql`c.code`)}
       group by p.prefix`);
    return rows.map((row) => ({ prefix: row.prefix, readings: Number(row.readings), meters: Number(row.meters) }));
  }

  /**
   * Tiyn billed (charges and recalculations) and paid per month of the billing periods up to
   * `to`; months before `from` are summed into one row dated `from` minus a day, for the debt.
   */
  async collection(prefixes: readonly string[], from: string, to: string): Promise<CollectionRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; month: string; billed: string; paid: string }>(sql`
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
        from ${prefixRanges(prefixes)} join per_code c on ${inRange(sql`c.code`)}
       group by p.prefix, c.month`);
    return rows.map((row) => ({ prefix: row.prefix, month: row.month, billedTiyn: BigInt(row.billed), paidTiyn: BigInt(row.paid) }));
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
