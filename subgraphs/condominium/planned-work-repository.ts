import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { type PlannedWorkStatus, plannedWorks } from '../../schema/condominium.js';

export type PlannedWorkRow = typeof plannedWorks.$inferSelect;

/** The SQL of planned works on common property (p.4.4). */
export class PlannedWorkRepository {
  constructor(private readonly executor: Executor) {}

  byIds(ids: readonly string[]): Promise<PlannedWorkRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(plannedWorks)
      .where(inArray(plannedWorks.id, [...ids]));
  }

  /** The works of these buildings, by planned start; only those in `status` when given. */
  ofBuildings(buildingIds: readonly string[], status: PlannedWorkStatus | null): Promise<PlannedWorkRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    const conditions: SQL[] = [inArray(plannedWorks.buildingId, [...buildingIds])];
    if (status) conditions.push(eq(plannedWorks.status, status));
    return this.executor
      .select()
      .from(plannedWorks)
      .where(and(...conditions))
      .orderBy(asc(plannedWorks.plannedStart), asc(plannedWorks.id));
  }

  async forUpdate(id: string): Promise<PlannedWorkRow | null> {
    const [row] = await this.executor.select().from(plannedWorks).where(eq(plannedWorks.id, id)).for('update');
    return row ?? null;
  }

  async insert(work: typeof plannedWorks.$inferInsert): Promise<PlannedWorkRow> {
    const [row] = await this.executor.insert(plannedWorks).values(work).returning();
    if (!row) throw new Error('The work was not recorded.');
    return row;
  }

  async update(id: string, change: Partial<typeof plannedWorks.$inferInsert>): Promise<PlannedWorkRow> {
    const [row] = await this.executor
      .update(plannedWorks)
      .set({ ...change, version: sql`${plannedWorks.version} + 1`, updatedAt: sql`now()` })
      .where(eq(plannedWorks.id, id))
      .returning();
    if (!row) throw new Error('The work was not updated.');
    return row;
  }
}
