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

/** Buildings managed in one form in one district on each of the days asked (in their order). */
export interface ManagedRow {
  district: string;
  form: ManagementForm;
  managed: number[];
}

/** A district's reports of one period first published on or before the due day, and after it. */
export interface PublicationRow {
  district: string;
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
   * Buildings managed per district and form on each of `days`: the summary's changes up to
   * each day, summed in one pass over it (the dashboard asks for today and a report period's
   * last day; two statements would read the summary twice).
   */
  async managedPerDistrict(days: readonly string[]): Promise<ManagedRow[]> {
    if (days.length === 0) return [];
    const latest = [...days].sort().at(-1)!;
    const sums = sql.join(
      days.map((day) => sql`coalesce(sum(c.buildings) filter (where c.day <= ${day}::date), 0)`),
      sql`, `,
    );
    const rows = await this.db.execute<{ district: string; form: ManagementForm; managed: number[] }>(sql`
      select c.district, c.form, array[${sums}]::int[] as managed
        from condominium.management_counts c where c.day <= ${latest}::date
       group by c.district, c.form`);
    return rows.map((row) => ({ district: row.district, form: row.form, managed: row.managed.map(Number) }));
  }

  /** The register's buildings per district (the buildings subgraph's published counts). */
  async registeredPerDistrict(): Promise<Map<string, number>> {
    const rows = await this.db.execute<{ district: string; registered: number }>(
      sql`select district, registered from buildings.published_building_counts`,
    );
    return new Map(rows.map((row) => [row.district, Number(row.registered)]));
  }

  /** For one report period, each district's buildings that first published the report on or before the due day, and after it. */
  async publicationsPerDistrict(period: { kind: ReportKind; start: string; dueDate: string }): Promise<PublicationRow[]> {
    const rows = await this.db.execute<{ district: string; on_time: number; late: number }>(sql`
      select r.district,
             coalesce(sum(r.buildings) filter (where r.published_on <= ${period.dueDate}::date), 0)::int as on_time,
             coalesce(sum(r.buildings) filter (where r.published_on > ${period.dueDate}::date), 0)::int as late
        from condominium.report_publication_counts r
       where r.kind = ${period.kind} and r.period_start = ${period.start}::date
       group by r.district`);
    return rows.map((row) => ({ district: row.district, onTime: Number(row.on_time), late: Number(row.late) }));
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
