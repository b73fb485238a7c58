import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { readingWindows } from '../../schema/utilities.js';

export type ReadingWindowRow = typeof readingWindows.$inferSelect;

/** A reminder a supplier's reading windows drive on a day: a meter to read, and its window that day. */
export interface ReadingReminderRow {
  meterId: string;
  /** The window's days in this month: a day past the month's end stands for its last day. */
  firstDay: number;
  lastDay: number;
}

/** Reading windows (p.4.13) of suppliers, and the meters they remind of. */
export class ReadingWindowRepository {
  constructor(private readonly executor: Executor) {}

  async ofSupplier(supplierId: string): Promise<ReadingWindowRow[]> {
    return this.executor
      .select()
      .from(readingWindows)
      .where(eq(readingWindows.supplierId, supplierId))
      .orderBy(sql`${readingWindows.buildingId} nulls first`, asc(readingWindows.buildingId));
  }

  /** Sets the supplier's window for a building (its default when `buildingId` is null), replacing the one it had. */
  async set(supplierId: string, buildingId: string | null, firstDay: number, lastDay: number, setBy: string): Promise<ReadingWindowRow> {
    const which = and(
      eq(readingWindows.supplierId, supplierId),
      buildingId === null ? isNull(readingWindows.buildingId) : eq(readingWindows.buildingId, buildingId),
    );
    const [updated] = await this.executor
      .update(readingWindows)
      .set({ firstDay, lastDay, setBy, updatedAt: sql`now()` })
      .where(which)
      .returning();
    if (updated) return updated;
    const [inserted] = await this.executor.insert(readingWindows).values({ supplierId, buildingId, firstDay, lastDay, setBy }).returning();
    if (!inserted) throw new Error('The reading window was not recorded.');
    return inserted;
  }

  /**
   * The supplier's meters in service (installed by `day`, not removed) whose window (their
   * building's, else the supplier's default) is open on `day` and that have no reading taken
   * yet in `day`'s month, by meter id, at most `limit`. One statement; the month's readings
   * are judged by the heads of the meters' zones (their last reading), never by a scan.
   */
  async reminders(supplierId: string, day: string, limit: number): Promise<ReadingReminderRow[]> {
    const rows = await this.executor.execute<{ meter_id: string; first_day: number; last_day: number }>(sql`
      with month as (
        select date_trunc('month', ${day}::date)::date as first,
               extract(day from (date_trunc('month', ${day}::date) + interval '1 month - 1 day'))::int as days,
               extract(day from ${day}::date)::int as today
      ), windows as (
        select m.id as meter_id,
               least(coalesce(b.first_day, d.first_day), month.days) as first_day,
               least(coalesce(b.last_day, d.last_day), month.days) as last_day,
               month.first, month.today
          from utilities.meters m
          cross join month
          left join utilities.reading_windows b on b.supplier_id = m.supplier_id and b.building_id = m.building_id
          left join utilities.reading_windows d on d.supplier_id = m.supplier_id and d.building_id is null
         where m.supplier_id = ${supplierId}::uuid and m.status <> 'REMOVED' and m.installed_at <= ${day}::date
      )
      select w.meter_id, w.first_day, w.last_day
        from windows w
       where w.today between w.first_day and w.last_day
         and not exists (select 1 from utilities.meter_reading_heads h where h.meter_id = w.meter_id and h.last_taken_on >= w.first)
       order by w.meter_id
       limit ${limit}`);
    return rows.map((row) => ({ meterId: row.meter_id, firstDay: Number(row.first_day), lastDay: Number(row.last_day) }));
  }
}
