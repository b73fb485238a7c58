import { and, asc, desc, eq, gt, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { type TariffUnit, tariffs, type UtilityService } from '../../schema/utilities.js';

export type TariffRow = typeof tariffs.$inferSelect;

export interface NewTariff {
  supplierId: string;
  service: UtilityService;
  pricePerUnit: string;
  unit: TariffUnit;
  validFrom: string;
  createdBy: string;
}

/** Tariffs; only published ones ever leave this class for reading. */
export class TariffRepository {
  constructor(private readonly executor: Executor) {}

  /** `limit` published tariffs after the id `after`, in id order. */
  publishedPage(options: {
    limit: number;
    after: string | null;
    supplierId?: string | null;
    service?: UtilityService | null;
  }): Promise<TariffRow[]> {
    const conditions: SQL[] = [isNotNull(tariffs.publishedAt)];
    if (options.after) conditions.push(gt(tariffs.id, options.after));
    if (options.supplierId) conditions.push(eq(tariffs.supplierId, options.supplierId));
    if (options.service) conditions.push(eq(tariffs.service, options.service));
    return this.executor
      .select()
      .from(tariffs)
      .where(and(...conditions))
      .orderBy(asc(tariffs.id))
      .limit(options.limit);
  }

  /** The published tariffs of several suppliers, newest first, in one statement. */
  publishedOfSuppliers(supplierIds: readonly string[]): Promise<TariffRow[]> {
    if (supplierIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(tariffs)
      .where(and(inArray(tariffs.supplierId, [...supplierIds]), isNotNull(tariffs.publishedAt)))
      .orderBy(desc(tariffs.validFrom), desc(tariffs.id));
  }

  async insertPublished(tariff: NewTariff): Promise<TariffRow> {
    const [row] = await this.executor
      .insert(tariffs)
      .values({ ...tariff, publishedAt: sql`now()` })
      .returning();
    if (!row) throw new Error('The tariff was not recorded.');
    return row;
  }
}
