import { and, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { publishedPersons } from '../../schema/access.js';
import { publishedBuildings, publishedPremiseOwners } from '../../schema/buildings.js';
import { managementAssignments } from '../../schema/condominium.js';

export type PublishedBuilding = typeof publishedBuildings.$inferSelect;

/**
 * The SQL behind the rights that follow a building (`building-rights.ts`): the register's
 * buildings and owners are read through the buildings subgraph's published views, the
 * signed-in person's IIN through the access subgraph's; never their tables.
 */
export class RightsRepository {
  constructor(private readonly executor: Executor) {}

  /** The register's buildings with these ids (where they lie, whether registered). */
  buildings(ids: readonly string[]): Promise<PublishedBuilding[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(publishedBuildings)
      .where(inArray(publishedBuildings.id, [...ids]));
  }

  /** The premises in these buildings whose owners' identification number is the person's IIN. */
  premisesOwnedBy(personId: string, buildingIds: readonly string[]): Promise<Array<{ buildingId: string; premiseId: string }>> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .selectDistinct({ buildingId: publishedPremiseOwners.buildingId, premiseId: publishedPremiseOwners.premiseId })
      .from(publishedPremiseOwners)
      .innerJoin(publishedPersons, eq(publishedPersons.iin, publishedPremiseOwners.identificationNumber))
      .where(and(eq(publishedPersons.id, personId), inArray(publishedPremiseOwners.buildingId, [...buildingIds])))
      .orderBy(publishedPremiseOwners.buildingId, publishedPremiseOwners.premiseId);
  }

  /** Every premises the person owns, by their IIN, in any building. */
  allPremisesOwnedBy(personId: string): Promise<Array<{ buildingId: string; premiseId: string }>> {
    return this.executor
      .selectDistinct({ buildingId: publishedPremiseOwners.buildingId, premiseId: publishedPremiseOwners.premiseId })
      .from(publishedPremiseOwners)
      .innerJoin(publishedPersons, eq(publishedPersons.iin, publishedPremiseOwners.identificationNumber))
      .where(eq(publishedPersons.id, personId))
      .orderBy(publishedPremiseOwners.buildingId, publishedPremiseOwners.premiseId);
  }

  /**
   * The assignment in force on `day` by which one of `subjectIds` manages the building,
   * locked FOR SHARE until the transaction ends: ending it (an UPDATE of the row) waits for
   * the write, or commits first and this finds nothing.
   */
  async lockCurrentAssignment(
    buildingId: string,
    subjectIds: readonly string[],
    day: string,
  ): Promise<{ id: string; subjectId: string } | null> {
    if (subjectIds.length === 0) return null;
    const [row] = await this.executor
      .select({ id: managementAssignments.id, subjectId: managementAssignments.managementSubjectId })
      .from(managementAssignments)
      .where(
        and(
          eq(managementAssignments.buildingId, buildingId),
          inArray(managementAssignments.managementSubjectId, [...subjectIds]),
          lte(managementAssignments.validFrom, day),
          or(isNull(managementAssignments.validTo), gt(managementAssignments.validTo, day)),
        ),
      )
      .for('share');
    return row ?? null;
  }
}
