import { and, asc, eq, gte, inArray, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { contracts } from '../../schema/condominium.js';

export type ContractRow = typeof contracts.$inferSelect;

/** The SQL of contracts concluded for buildings (p.4.8). */
export class ContractRepository {
  constructor(private readonly executor: Executor) {}

  byIds(ids: readonly string[]): Promise<ContractRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(contracts)
      .where(inArray(contracts.id, [...ids]));
  }

  /** The contracts of these buildings by first day; only those in force on `activeOn` when given. */
  ofBuildings(buildingIds: readonly string[], activeOn: string | null): Promise<ContractRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    const conditions: SQL[] = [inArray(contracts.buildingId, [...buildingIds])];
    if (activeOn)
      conditions.push(lte(contracts.validFrom, activeOn), or(isNull(contracts.validTo), gte(contracts.validTo, activeOn)) as SQL);
    return this.executor
      .select()
      .from(contracts)
      .where(and(...conditions))
      .orderBy(asc(contracts.validFrom), asc(contracts.id));
  }

  async numberTaken(buildingId: string, number: string): Promise<boolean> {
    const [row] = await this.executor
      .select({ id: contracts.id })
      .from(contracts)
      .where(and(eq(contracts.buildingId, buildingId), eq(contracts.number, number)));
    return row !== undefined;
  }

  async insert(contract: typeof contracts.$inferInsert): Promise<ContractRow> {
    const [row] = await this.executor.insert(contracts).values(contract).returning();
    if (!row) throw new Error('The contract was not recorded.');
    return row;
  }
}
