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

  /** KATO codes of these buildings of the register (checked UUIDs, lower case) by id: one statement for any number. */
  async buildingKatoCodes(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.executor
      .select({ id: publishedBuildings.id, katoCode: publishedBuildings.katoCode })
      .from(publishedBuildings)
      .where(sql`${publishedBuildings.id} = any(${uuidArray([...new Set(ids)])}::uuid[])`);
    return new Map(rows.map((row) => [row.id, row.katoCode]));
  }

  /**
   * Whether the person is a consumer of an account (p.29): its holder (by IIN), or an owner
   * of its premise (of any premise of the building for a whole-building account), matched
   * by the IIN the access subgraph knows for the person. One statement.
   */
  async isConsumerOf(personId: string, account: { buildingId: string; premiseNumber: string | null; holderIin: string }): Promise<boolean> {
    const [row] = await this.executor.execute<{ consumer: boolean }>(sql`
      select exists (
        select 1 from access.published_persons person
         where person.id = ${personId}::uuid
           and (person.iin = ${account.holderIin}
                or exists (
                  select 1 from buildings.published_premise_owners owner
                    join buildings.published_premises premise on premise.id = owner.premise_id
                   where owner.building_id = ${account.buildingId}::uuid
                     and owner.identification_number = person.iin
                     and (${account.premiseNumber}::text is null or premise.number = ${account.premiseNumber})))) as consumer`);
    return row?.consumer === true;
  }

  /** The building of each of these premises (checked UUIDs, lower case) by premise id: one statement for any number. */
  async buildingsOfPremises(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.executor
      .select({ id: publishedPremises.id, buildingId: publishedPremises.buildingId })
      .from(publishedPremises)
      .where(sql`${publishedPremises.id} = any(${uuidArray([...new Set(ids)])}::uuid[])`);
    return new Map(rows.map((row) => [row.id, row.buildingId]));
  }
}
