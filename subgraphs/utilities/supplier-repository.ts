import { and, arrayContains, asc, eq, gt, inArray, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { suppliers, type UtilityService } from '../../schema/utilities.js';

export type SupplierRow = typeof suppliers.$inferSelect;

export interface NewSupplier {
  subjectId: string;
  name: string;
  bin: string;
  services: UtilityService[];
}

/** The supplier register. */
export class SupplierRepository {
  constructor(private readonly executor: Executor) {}

  byIds(ids: readonly string[]): Promise<SupplierRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(suppliers)
      .where(inArray(suppliers.id, [...ids]));
  }

  async byId(id: string): Promise<SupplierRow | null> {
    const [row] = await this.byIds([id]);
    return row ?? null;
  }

  /** `limit` rows after the id `after`, in id order. */
  page(options: { limit: number; after: string | null; service?: UtilityService | null }): Promise<SupplierRow[]> {
    const conditions: SQL[] = [];
    if (options.after) conditions.push(gt(suppliers.id, options.after));
    if (options.service) conditions.push(arrayContains(suppliers.services, [options.service]));
    return this.executor
      .select()
      .from(suppliers)
      .where(and(...conditions))
      .orderBy(asc(suppliers.id))
      .limit(options.limit);
  }

  /** Suppliers already registered with this subject or this BIN (what makes a registration a duplicate). */
  holdersOf(subjectId: string, bin: string): Promise<Array<Pick<SupplierRow, 'subjectId' | 'bin'>>> {
    return this.executor
      .select({ subjectId: suppliers.subjectId, bin: suppliers.bin })
      .from(suppliers)
      .where(or(eq(suppliers.subjectId, subjectId), eq(suppliers.bin, bin)));
  }

  async insert(supplier: NewSupplier): Promise<SupplierRow> {
    const [row] = await this.executor.insert(suppliers).values(supplier).returning();
    if (!row) throw new Error('The supplier was not recorded.');
    return row;
  }
}
