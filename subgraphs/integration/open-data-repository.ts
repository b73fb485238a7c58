import { sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, katoRange } from '../../lib/kato.js';
import { textArray } from '../../lib/pg-array.js';
import { addCalendarDays, addMonths } from '../../lib/working-calendar.js';

/**
 * Open data (p.21, issue 10 item 7): aggregates of the open part by territory and month,
 * read from the owners' published views, with no personal data. The register's figures are
 * the buildings registered at the end of the month; tariffs those published and in force
 * at some day of it (household category) for the territory or a territory containing it;
 * `managed` counts the buildings under a manager now (assignments have no history view).
 */
export interface OpenDataStatistics {
  katoCode: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  buildings: number;
  premises: number;
  barrierFree: number;
  managed: number;
  byCondition: Array<{ condition: string; count: number }>;
  tariffs: Array<{ service: string; unit: string; count: number; minPrice: string; averagePrice: string; maxPrice: string }>;
}

/** `YYYY-MM` → first and last day, and the instant the month ends in Almaty. */
function monthOf(period: string): { start: string; end: string; endsAt: string } {
  const start = `${period}-01`;
  const next = addMonths(start, 1);
  return { start, end: addCalendarDays(next, -1), endsAt: `${next}T00:00:00+05:00` };
}

/** The codes of the territories containing `katoCode` (region, district or city), itself included. */
function enclosingCodes(katoCode: string): string[] {
  const codes = new Set([katoCode, `${katoCode.slice(0, 2)}0000000`, `${katoCode.slice(0, 4)}00000`, `${katoCode.slice(0, 4)}10000`]);
  return [...codes].filter((code) => katoCode.startsWith(katoPrefix(code)));
}

export class OpenDataRepository {
  constructor(private readonly executor: Executor) {}

  async statistics(katoCode: string, period: string): Promise<OpenDataStatistics> {
    const { start, end, endsAt } = monthOf(period);
    const { from, to } = katoRange(katoPrefix(katoCode));
    const [row] = await this.executor.execute<{
      buildings: number;
      premises: string;
      barrier_free: number;
      managed: number;
      by_condition: Array<{ condition: string; count: number }>;
      tariffs: Array<{ service: string; unit: string; count: number; min: string; avg: string; max: string }>;
    }>(sql`
      with facts as (
        select f.building_id, f.condition, f.total_premises_count, f.barrier_free
          from buildings.published_register_facts f
         where f.kato_code ~>=~ ${from} and f.kato_code ~<~ ${to}
           and f.registered_at < ${endsAt}::timestamptz and (f.retired_at is null or f.retired_at >= ${endsAt}::timestamptz)
      ), tariffs as (
        select t.service, t.unit, count(*)::int as count, min(t.price_per_unit)::text as min,
               round(avg(t.price_per_unit), 4)::text as avg, max(t.price_per_unit)::text as max
          from utilities.published_tariffs t
         where t.consumer_category = 'HOUSEHOLD' and t.valid_from <= ${end}::date and (t.valid_to is null or t.valid_to >= ${start}::date)
           and (t.territory_kato = any(${textArray(enclosingCodes(katoCode))}::text[])
                or (t.territory_kato ~>=~ ${from} and t.territory_kato ~<~ ${to}))
         group by 1, 2
      )
      select (select count(*)::int from facts) as buildings,
             (select coalesce(sum(total_premises_count), 0)::text from facts) as premises,
             (select count(*)::int from facts where barrier_free) as barrier_free,
             (select count(*)::int from facts f join condominium.published_building_management m on m.building_id = f.building_id) as managed,
             (select coalesce(json_agg(json_build_object('condition', condition, 'count', n) order by condition), '[]'::json)
                from (select condition, count(*)::int as n from facts group by 1) c) as by_condition,
             (select coalesce(json_agg(t order by t.service, t.unit), '[]'::json) from tariffs t) as tariffs`);
    if (!row) throw new Error('The open-data statistics returned no row.');
    return {
      katoCode,
      period,
      periodStart: start,
      periodEnd: end,
      buildings: row.buildings,
      premises: Number(row.premises),
      barrierFree: row.barrier_free,
      managed: row.managed,
      byCondition: row.by_condition,
      tariffs: row.tariffs.map((t) => ({
        service: t.service,
        unit: t.unit,
        count: t.count,
        minPrice: t.min,
        averagePrice: t.avg,
        maxPrice: t.max,
      })),
    };
  }
}

/** The statistics as CSV, one measure a line (long format: stable columns whatever the services). */
export function openDataCsv(stats: OpenDataStatistics): string {
  const lines = [['kato_code', 'period', 'measure', 'service', 'unit', 'value']];
  const add = (measure: string, value: string | number, service = '', unit = '') =>
    lines.push([stats.katoCode, stats.period, measure, service, unit, String(value)]);
  add('buildings', stats.buildings);
  add('premises', stats.premises);
  add('barrier_free_buildings', stats.barrierFree);
  add('managed_buildings', stats.managed);
  for (const { condition, count } of stats.byCondition) add(`buildings_${condition.toLowerCase()}`, count);
  for (const t of stats.tariffs) {
    add('tariffs', t.count, t.service, t.unit);
    add('tariff_min_price', t.minPrice, t.service, t.unit);
    add('tariff_average_price', t.averagePrice, t.service, t.unit);
    add('tariff_max_price', t.maxPrice, t.service, t.unit);
  }
  // Every value is a code, a number or a date: nothing needs quoting.
  return `${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}
