import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { byGrain, inTerritoryRange, territoryRanges } from '../../lib/kato.js';
import type { ManagementForm, ReportKind } from '../../schema/condominium.js';

/**
 * A district (the first 4 digits of a KATO code) is the finest grain of condominium's
 * summaries (`management_counts`, `report_publication_counts`, `capital_repair_totals`,
 * kept by the writes' triggers, migration condominium_analytics): a region, a district and
 * the country read them; a rural district or a settlement reads the records themselves
 * (`byGrain` of lib/kato.ts).
 */

/** The buildings managed on `day` per district and form: the summary's changes up to that day, summed. */
function managedPerDistrict(day: string): SQL {
  return sql`select c.district, c.form, sum(c.buildings) as buildings
    from condominium.management_counts c where c.day <= ${day}::date group by c.district, c.form`;
}

/** Buildings managed in one form under a territory (`form` null: the register's buildings there, managed or not). */
export interface ManagementCountRow {
  prefix: string;
  form: ManagementForm | null;
  buildings: number;
}

/** A territory's counts for a report period, before the statuses are decided (report-deadlines.ts). */
export interface PublicationCountRow {
  prefix: string;
  /** Buildings managed on the period's last day: those that owe the report. */
  owing: number;
  /** Of those, first published on or before the due day, and after it. */
  onTime: number;
  late: number;
}

/** A territory's capital-repair funds, in tiyn. */
export interface FundTotalsRow {
  prefix: string;
  accruedTiyn: bigint;
  paidTiyn: bigint;
  spentTiyn: bigint;
}

/**
 * The SQL of the ministry's condominium figures (issue 10) for territories at district grain
 * or coarser: one statement per kind of figure, whatever the number of territories. Finer
 * territories are read from the records by the repositories of each feature.
 */
export class CondominiumAnalyticsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Buildings managed on `day` in each form under each territory (the summary's changes up to
   * that day), and with `form` null the register's buildings there (the buildings subgraph's
   * published counts).
   */
  async managementCounts(prefixes: readonly string[], day: string): Promise<ManagementCountRow[]> {
    if (prefixes.length === 0) return [];
    // Each summary is read once, summed per district, and only then matched to the territories' ranges.
    const rows = await this.db.execute<{ prefix: string; form: ManagementForm | null; buildings: number }>(sql`
      with managed as (${managedPerDistrict(day)}),
           registered as (select district, registered from buildings.published_building_counts)
      select p.prefix, m.form, sum(m.buildings)::int as buildings
        from ${territoryRanges(prefixes)} join managed m on ${inTerritoryRange(sql`m.district`)}
       group by p.prefix, m.form
      union all
      select p.prefix, null, coalesce(sum(r.registered), 0)::int
        from ${territoryRanges(prefixes)} left join registered r on ${inTerritoryRange(sql`r.district`)}
       group by p.prefix`);
    return rows.map((row) => ({ prefix: row.prefix, form: row.form, buildings: Number(row.buildings) }));
  }

  /** For one report period, each territory's buildings owing the report and those that published it on time and late. */
  async publicationCounts(
    prefixes: readonly string[],
    period: { kind: ReportKind; start: string; end: string; dueDate: string },
  ): Promise<PublicationCountRow[]> {
    if (prefixes.length === 0) return [];
    const rows = await this.db.execute<{ prefix: string; owing: number; on_time: number; late: number }>(sql`
      with owing as (select district, sum(buildings) as buildings from (${managedPerDistrict(period.end)}) m group by district),
           published as (
             select r.district,
                    sum(r.buildings) filter (where r.published_on <= ${period.dueDate}::date) as on_time,
                    sum(r.buildings) filter (where r.published_on > ${period.dueDate}::date) as late
               from condominium.report_publication_counts r
              where r.kind = ${period.kind} and r.period_start = ${period.start}::date
              group by r.district),
           districts as (
             select district, coalesce(o.buildings, 0) as owing, coalesce(pub.on_time, 0) as on_time, coalesce(pub.late, 0) as late
               from owing o full join published pub using (district))
      select p.prefix, coalesce(sum(d.owing), 0)::int as owing, coalesce(sum(d.on_time), 0)::int as on_time,
             coalesce(sum(d.late), 0)::int as late
        from ${territoryRanges(prefixes)} left join districts d on ${inTerritoryRange(sql`d.district`)}
       group by p.prefix`);
    return rows.map((row) => ({ prefix: row.prefix, owing: Number(row.owing), onTime: Number(row.on_time), late: Number(row.late) }));
  }

  /** Each territory's capital-repair funds, from the summary (district grain or coarser) or the records (finer). */
  async fundTotals(prefixes: readonly string[]): Promise<FundTotalsRow[]> {
    if (prefixes.length === 0) return [];
    const { coarse, fine } = byGrain(prefixes);
    type Row = { prefix: string; accrued: string; paid: string; spent: string };
    const rows: Row[] = [];
    if (coarse.length > 0) {
      rows.push(
        ...(await this.db.execute<Row>(sql`
          select p.prefix, coalesce(sum(t.accrued_tiyn), 0)::text as accrued, coalesce(sum(t.paid_tiyn), 0)::text as paid,
                 coalesce(sum(t.spent_tiyn), 0)::text as spent
            from ${territoryRanges(coarse)}
            left join condominium.capital_repair_totals t on ${inTerritoryRange(sql`t.district`)}
           group by p.prefix`)),
      );
    }
    if (fine.length > 0) {
      // The same sums from the records, for the register's buildings under each territory.
      const sumOf = (table: SQL) => sql`(select coalesce(sum(x.amount_tiyn), 0) from ${table} x where x.building_id = b.id)`;
      rows.push(
        ...(await this.db.execute<Row>(sql`
          select p.prefix, coalesce(sum(f.accrued), 0)::text as accrued, coalesce(sum(f.paid), 0)::text as paid,
                 coalesce(sum(f.spent), 0)::text as spent
            from ${territoryRanges(fine)}
            left join lateral (
              select ${sumOf(sql`condominium.capital_repair_accruals`)} as accrued,
                     ${sumOf(sql`condominium.capital_repair_payments`)} as paid,
                     ${sumOf(sql`condominium.capital_repair_spendings`)} as spent
                from buildings.published_buildings b
               where ${inTerritoryRange(sql`b.kato_code`)}
            ) f on true
           group by p.prefix`)),
      );
    }
    return rows.map((row) => ({
      prefix: row.prefix,
      accruedTiyn: BigInt(row.accrued),
      paidTiyn: BigInt(row.paid),
      spentTiyn: BigInt(row.spent),
    }));
  }

  /**
   * Owners' requests under each territory still open (not DONE nor REJECTED) after their due
   * day. Today moves, so the summary keeps the open requests by due day (`open_request_counts`,
   * kept by the requests' writes) and the read sums those due before today; a territory finer
   * than a district reads a range of the partial index of open requests by KATO code and due
   * day (`owner_requests_open_kato_idx`).
   */
  async overdueRequests(prefixes: readonly string[], today: string): Promise<Map<string, number>> {
    const { coarse, fine } = byGrain(prefixes);
    const rows: Array<{ prefix: string; n: number }> = [];
    if (coarse.length > 0) {
      rows.push(
        ...(await this.db.execute<{ prefix: string; n: number }>(sql`
          with overdue as (select district, sum(requests) as n from condominium.open_request_counts
                            where due_on < ${today}::date group by district)
          select p.prefix, coalesce(sum(o.n), 0)::int as n
            from ${territoryRanges(coarse)} left join overdue o on ${inTerritoryRange(sql`o.district`)}
           group by p.prefix`)),
      );
    }
    if (fine.length > 0) {
      rows.push(
        ...(await this.db.execute<{ prefix: string; n: number }>(sql`
          select p.prefix, (select count(*) from condominium.owner_requests q
                             where ${inTerritoryRange(sql`q.kato_code`)} and q.due_on < ${today}::date
                               and q.status not in ('DONE', 'REJECTED'))::int as n
            from ${territoryRanges(fine)}`)),
      );
    }
    return new Map(rows.map((row) => [row.prefix, Number(row.n)]));
  }
}
