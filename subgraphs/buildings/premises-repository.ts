import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { buildings, premiseOwners, premises } from '../../schema/buildings.js';
import type { PremiseInput } from './building-validation.js';

export type PremiseRow = typeof premises.$inferSelect;
/** An owner with field 2 (the KATO code) of its building, which the personal-data rule needs. */
export type OwnerRow = typeof premiseOwners.$inferSelect & { katoCode: string };
export type PremiseKey = Pick<PremiseRow, 'kind' | 'number'>;

const keyOf = (premise: PremiseKey) => `${premise.kind}\u0000${premise.number}`;

/** SQL of a building's premises and their owners. Works inside a transaction. */
export class PremisesRepository {
  constructor(private readonly db: Executor) {}

  async byBuildingIds(ids: readonly string[]): Promise<PremiseRow[]> {
    if (ids.length === 0) return [];
    return (
      this.db
        .select()
        .from(premises)
        .where(inArray(premises.buildingId, [...ids]))
        // Numbers in their natural order ("2" before "10", "12А" after "12"), lettered ones last.
        .orderBy(
          asc(premises.kind),
          sql`nullif(substring(${premises.number} from '^[0-9]{1,9}'), '')::int nulls last`,
          asc(premises.number),
        )
    );
  }

  async byIds(ids: readonly string[]): Promise<PremiseRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(premises)
      .where(inArray(premises.id, [...ids]));
  }

  /** The kinds and numbers of a building's premises. */
  async keysOfBuilding(buildingId: string): Promise<PremiseKey[]> {
    return this.db.select({ kind: premises.kind, number: premises.number }).from(premises).where(eq(premises.buildingId, buildingId));
  }

  async ownersByPremiseIds(ids: readonly string[]): Promise<OwnerRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ owner: premiseOwners, katoCode: buildings.katoCode })
      .from(premiseOwners)
      .innerJoin(premises, eq(premises.id, premiseOwners.premiseId))
      .innerJoin(buildings, eq(buildings.id, premises.buildingId))
      .where(inArray(premiseOwners.premiseId, [...ids]))
      .orderBy(asc(premiseOwners.premiseId), asc(premiseOwners.kind), asc(premiseOwners.identificationNumber));
    return rows.map((row) => ({ ...row.owner, katoCode: row.katoCode }));
  }

  /** All premises in one multi-row insert, then all their owners in another. Returns premises in input order. */
  async insert(buildingId: string, input: readonly PremiseInput[]): Promise<PremiseRow[]> {
    if (input.length === 0) return [];
    const inserted = await this.db
      .insert(premises)
      .values(
        input.map((premise) => ({ buildingId, kind: premise.kind, number: premise.number, floor: premise.floor, area: premise.area })),
      )
      .returning();
    const byKey = new Map(inserted.map((row) => [keyOf(row), row]));
    const ordered = input.map((premise) => {
      const row = byKey.get(keyOf(premise));
      if (!row) throw new Error('An inserted premise was not returned.');
      return row;
    });
    const owners = input.flatMap((premise, index) =>
      premise.owners.map((owner) => ({
        premiseId: (ordered[index] as PremiseRow).id,
        kind: owner.kind,
        identificationNumber: owner.identificationNumber,
        name: owner.name,
        share: owner.share,
      })),
    );
    if (owners.length > 0) await this.db.insert(premiseOwners).values(owners);
    return ordered;
  }
}
