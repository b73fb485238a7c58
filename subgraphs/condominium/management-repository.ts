import { and, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { managementAssignments, type ManagementSubjectKind } from '../../schema/condominium.js';
import type { Executor } from '../../lib/db.js';

export type AssignmentRow = typeof managementAssignments.$inferSelect;

/** Management assignments of buildings over time. */
export class ManagementRepository {
  constructor(private readonly executor: Executor) {}

  /** The assignment in force on `day` for each building that has one. */
  currentOf(buildingIds: readonly string[], day: string): Promise<AssignmentRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .selectDistinctOn([managementAssignments.buildingId])
      .from(managementAssignments)
      .where(
        and(
          inArray(managementAssignments.buildingId, [...buildingIds]),
          lte(managementAssignments.validFrom, day),
          or(isNull(managementAssignments.validTo), gt(managementAssignments.validTo, day)),
        ),
      )
      .orderBy(managementAssignments.buildingId, desc(managementAssignments.validFrom));
  }

  historyOf(buildingIds: readonly string[]): Promise<AssignmentRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(managementAssignments)
      .where(inArray(managementAssignments.buildingId, [...buildingIds]))
      .orderBy(desc(managementAssignments.validFrom), desc(managementAssignments.createdAt));
  }

  /** The open assignment of a building, locked so two assignments cannot interleave. */
  async openForUpdate(buildingId: string): Promise<AssignmentRow | null> {
    const [row] = await this.executor
      .select()
      .from(managementAssignments)
      .where(and(eq(managementAssignments.buildingId, buildingId), isNull(managementAssignments.validTo)))
      .for('update');
    return row ?? null;
  }

  async close(id: string, validTo: string): Promise<void> {
    await this.executor.update(managementAssignments).set({ validTo }).where(eq(managementAssignments.id, id));
  }

  async insert(assignment: { buildingId: string; managementSubjectId: string; managementSubjectKind: ManagementSubjectKind; validFrom: string; assignedBy: string }): Promise<AssignmentRow> {
    const [row] = await this.executor.insert(managementAssignments).values(assignment).returning();
    if (!row) throw new Error('The assignment was not recorded.');
    return row;
  }
}

/** Serializes assignments of one building even when it has no open assignment yet to lock. */
export async function lockBuilding(executor: Executor, buildingId: string): Promise<void> {
  await executor.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`condominium.management:${buildingId}`}, 0))`);
}
