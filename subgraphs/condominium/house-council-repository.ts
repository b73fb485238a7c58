import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { publishedPremiseOwners, publishedPremises } from '../../schema/buildings.js';
import { houseCouncilMembers } from '../../schema/condominium.js';

export type HouseCouncilMemberRow = typeof houseCouncilMembers.$inferSelect;
export type NewHouseCouncilMember = Omit<typeof houseCouncilMembers.$inferInsert, 'id' | 'validTo' | 'createdAt'>;

/** The SQL of house councils; premises and their owners only through the buildings subgraph's published views. */
export class HouseCouncilRepository {
  constructor(private readonly executor: Executor) {}

  /** The current members (no end day) of each building, the chair first, then by first day. */
  currentOf(buildingIds: readonly string[]): Promise<HouseCouncilMemberRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(houseCouncilMembers)
      .where(and(inArray(houseCouncilMembers.buildingId, [...buildingIds]), isNull(houseCouncilMembers.validTo)))
      .orderBy(desc(houseCouncilMembers.chair), asc(houseCouncilMembers.validFrom), asc(houseCouncilMembers.id));
  }

  /** Every membership of each building, current and ended, newest first. */
  historyOf(buildingIds: readonly string[]): Promise<HouseCouncilMemberRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(houseCouncilMembers)
      .where(inArray(houseCouncilMembers.buildingId, [...buildingIds]))
      .orderBy(desc(houseCouncilMembers.validFrom), desc(houseCouncilMembers.createdAt), asc(houseCouncilMembers.id));
  }

  byIds(ids: readonly string[]): Promise<HouseCouncilMemberRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(houseCouncilMembers)
      .where(inArray(houseCouncilMembers.id, [...ids]));
  }

  /** The building of the premises (buildings subgraph); null when there is no such premises. */
  async buildingOfPremise(premiseId: string): Promise<string | null> {
    const [row] = await this.executor
      .select({ buildingId: publishedPremises.buildingId })
      .from(publishedPremises)
      .where(eq(publishedPremises.id, premiseId));
    return row?.buildingId ?? null;
  }

  /** Whether `iin` is among the owners of the premises in the register. */
  async ownsPremise(premiseId: string, iin: string): Promise<boolean> {
    const [row] = await this.executor
      .select({ premiseId: publishedPremiseOwners.premiseId })
      .from(publishedPremiseOwners)
      .where(and(eq(publishedPremiseOwners.premiseId, premiseId), eq(publishedPremiseOwners.identificationNumber, iin)))
      .limit(1);
    return row !== undefined;
  }

  /** The member, locked until the transaction ends. */
  async forUpdate(id: string): Promise<HouseCouncilMemberRow | null> {
    const [row] = await this.executor.select().from(houseCouncilMembers).where(eq(houseCouncilMembers.id, id)).for('update');
    return row ?? null;
  }

  async insert(member: NewHouseCouncilMember): Promise<HouseCouncilMemberRow> {
    const [row] = await this.executor.insert(houseCouncilMembers).values(member).returning();
    if (!row) throw new Error('The house council member was not recorded.');
    return row;
  }

  async end(id: string, validTo: string): Promise<HouseCouncilMemberRow> {
    const [row] = await this.executor.update(houseCouncilMembers).set({ validTo }).where(eq(houseCouncilMembers.id, id)).returning();
    if (!row) throw new Error('The house council member was not updated.');
    return row;
  }
}
