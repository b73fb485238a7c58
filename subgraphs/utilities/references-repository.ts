import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { uuidArray } from '../../lib/uuid.js';
import { publishedSubjects } from '../../schema/access.js';
import { publishedBuildings, publishedPremises } from '../../schema/buildings.js';

/** A premise as an account names it: the building's id and the premise's number. */
export interface PremiseReference {
  buildingId: string;
  number: string;
}

/** Key of a premise reference in the sets this repository returns. */
export function premiseKey(reference: PremiseReference): string {
  return `${reference.buildingId}\u0000${reference.number}`;
}

/**
 * What this subgraph reads of other subgraphs: only their published views (subjects of the
 * access subgraph, buildings and premises of the register), each question one statement.
 */
export class ReferencesRepository {
  constructor(private readonly executor: Executor) {}

  /** The kind of the subject with this id; null when there is none. */
  async subjectKind(subjectId: string): Promise<string | null> {
    const [row] = await this.executor
      .select({ kind: publishedSubjects.kind })
      .from(publishedSubjects)
      .where(eq(publishedSubjects.id, subjectId));
    return row?.kind ?? null;
  }

  /** Which of these ids (checked UUIDs, lower case) are buildings of the register: one statement for any number. */
  async existingBuildings(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.executor
      .select({ id: publishedBuildings.id })
      .from(publishedBuildings)
      .where(sql`${publishedBuildings.id} = any(${uuidArray([...new Set(ids)])}::uuid[])`);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Which of these premises exist in the building named with them (any kind of premise
   * with that number), as `premiseKey`s: one statement for any number, the pairs travelling
   * as one JSON parameter.
   */
  async existingPremises(references: readonly PremiseReference[]): Promise<Set<string>> {
    if (references.length === 0) return new Set();
    const pairs = [
      ...new Map(
        references.map((reference) => [premiseKey(reference), { building_id: reference.buildingId, number: reference.number }]),
      ).values(),
    ];
    const rows = await this.executor
      .selectDistinct({ buildingId: publishedPremises.buildingId, number: publishedPremises.number })
      .from(publishedPremises)
      .where(
        sql`(${publishedPremises.buildingId}, ${publishedPremises.number}) in (
              select wanted.building_id, wanted.number
                from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as wanted(building_id uuid, number text))`,
      );
    return new Set(rows.map(premiseKey));
  }
}
