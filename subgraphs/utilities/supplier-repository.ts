import { and, arrayContains, asc, gt, inArray, type SQL } from 'drizzle-orm';
import { suppliers, type UtilityService } from '../../schema/utilities.js';
import type { Executor } from '../../lib/db.js';

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
    return this.executor.select().from(suppliers).where(inArray(suppliers.id, [...ids]));
  }

  /** `limit` rows after `after` in id order. */
  page(options: { limit: number; after: string | null; service?: UtilityService | null }): Promise<SupplierRow[]> {
    const conditions: SQL[] = [];
    if (options.after) conditions.push(gt(suppliers.id, options.after));
    if (options.service) conditions.push(arrayContains(suppliers.services, [options.service]));
    return this.executor.select().from(suppliers).where(and(...conditions)).orderBy(asc(suppliers.id)).limit(options.limit);
  }

  async insert(supplier: NewSupplier): Promise<SupplierRow> {
    const [row] = await this.executor.insert(suppliers).values(supplier).returning();
    if (!row) throw new Error('The supplier was not recorded.');
    return row;
  }
}
