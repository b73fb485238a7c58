import { and, desc, eq, gt, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, katoRange } from '../../lib/kato.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { publishedManagingOrganisations, publishedSubjects } from '../../schema/access.js';
import { publishedBuildings } from '../../schema/buildings.js';
import { type ManagementForm, managementAssignments } from '../../schema/condominium.js';

export type AssignmentRow = typeof managementAssignments.$inferSelect;

export type NewAssignment = Omit<typeof managementAssignments.$inferInsert, 'id' | 'validTo' | 'createdAt'>;

/**
 * The SQL of management assignments: which subject manages a building, over time. Takes an
 * `Executor`, so the same code reads for the loaders and writes inside a write's transaction.
 * The buildings and subjects an assignment links to belong to other subgraphs: they are read
 * only through those subgraphs' published views, never their tables.
 */
export class ManagementRepository {
  constructor(private readonly executor: Executor) {}

  /**
   * The subject managing a building at `at` (its Almaty day), or null: the owner of the
   * building's changes in the feed when the write itself did not check a manager.
   */
  async managingSubjectAt(buildingId: string, at: Date): Promise<string | null> {
    const [assignment] = await this.currentOf([buildingId], almatyDate(at));
    return assignment?.managementSubjectId ?? null;
  }

  /** The assignment in force on `day` of each building that has one. */
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

  /** Every assignment of these buildings, newest first. */
  historyOf(buildingIds: readonly string[]): Promise<AssignmentRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(managementAssignments)
      .where(inArray(managementAssignments.buildingId, [...buildingIds]))
      .orderBy(desc(managementAssignments.validFrom), desc(managementAssignments.createdAt));
  }

  /** The names of these managing organisations (OSIs and companies, access subgraph): public facts (p.25). */
  organisationNames(subjectIds: readonly string[]): Promise<Array<{ id: string; name: string }>> {
    if (subjectIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select({ id: publishedManagingOrganisations.id, name: publishedManagingOrganisations.name })
      .from(publishedManagingOrganisations)
      .where(inArray(publishedManagingOrganisations.id, [...subjectIds]));
  }

  /**
   * For each territory, how many registered buildings under it are managed on `day` in each
   * form (`form` null: no manager), in one statement: a range scan of field 2 per territory.
   */
  async countsByTerritory(
    katoCodes: readonly string[],
    day: string,
  ): Promise<Array<{ katoCode: string; form: ManagementForm | null; buildings: number }>> {
    if (katoCodes.length === 0) return [];
    const ranges = katoCodes.map((code) => ({ code, ...katoRange(katoPrefix(code)) }));
    const rows = await this.executor.execute<{ kato_code: string; form: ManagementForm | null; buildings: number }>(sql`
      select t.code as kato_code, m.form, count(b.id)::int as buildings
        from unnest(${textArray(ranges.map((r) => r.code))}, ${textArray(ranges.map((r) => r.from))},
                    ${textArray(ranges.map((r) => r.to))}) as t(code, lower_bound, upper_bound)
        join buildings.published_buildings b
          on b.kato_code ~>=~ t.lower_bound and b.kato_code ~<~ t.upper_bound and b.status = 'REGISTERED'
        left join condominium.management_assignments m
          on m.building_id = b.id and m.valid_from <= ${day}::date and (m.valid_to is null or m.valid_to > ${day}::date)
       group by t.code, m.form`);
    return rows.map((row) => ({ katoCode: row.kato_code, form: row.form, buildings: row.buildings }));
  }

  /** The KATO code of the register's building with this id (buildings subgraph); null when there is none. */
  async buildingKato(buildingId: string): Promise<string | null> {
    const [row] = await this.executor
      .select({ katoCode: publishedBuildings.katoCode })
      .from(publishedBuildings)
      .where(eq(publishedBuildings.id, buildingId));
    return row?.katoCode ?? null;
  }

  /** The kind of the subject with this id (access subgraph), or null when there is none. */
  async subjectKindOf(subjectId: string): Promise<string | null> {
    const [row] = await this.executor
      .select({ kind: publishedSubjects.kind })
      .from(publishedSubjects)
      .where(eq(publishedSubjects.id, subjectId));
    return row?.kind ?? null;
  }

  /** Holds the building's assignments for this transaction, even when it has none yet to lock. */
  lockBuilding(buildingId: string): Promise<void> {
    return lockBuilding(this.executor, buildingId);
  }

  /** The open assignment of a building, locked until the transaction ends. */
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

  async insert(assignment: NewAssignment): Promise<AssignmentRow> {
    const [row] = await this.executor.insert(managementAssignments).values(assignment).returning();
    if (!row) throw new Error('The assignment was not recorded.');
    return row;
  }
}

/** `array[$1, $2, …]::text[]`: drizzle would otherwise expand a JS array into a parenthesised list. */
function textArray(values: readonly string[]): SQL {
  return sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;
}

/**
 * Serializes assignments of one building until the transaction ends (an advisory lock, as
 * a building with no assignment yet has no row to lock). Exported for the demo seeder.
 */
export async function lockBuilding(executor: Executor, buildingId: string): Promise<void> {
  await executor.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`condominium.management:${buildingId}`}, 0))`);
}
