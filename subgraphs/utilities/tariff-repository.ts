import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { textArray } from '../../lib/pg-array.js';
import {
  billingPeriods,
  type ConsumerCategory,
  type TariffTier,
  type TariffUnit,
  tariffs,
  type UtilityService,
} from '../../schema/utilities.js';

export type TariffRow = typeof tariffs.$inferSelect;

export interface NewTariff {
  supplierId: string;
  service: UtilityService;
  pricePerUnit: string;
  unit: TariffUnit;
  territoryKato: string | null;
  consumerCategory: ConsumerCategory;
  tiers: TariffTier[];
  validFrom: string;
  validTo: string | null;
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

  /**
   * Serializes the tariff and billing-period changes of one supplier until commit (a row
   * lock on its register entry): the period and overlap checks that follow see every
   * concurrent publication or closing that committed first.
   */
  async lockSupplier(supplierId: string): Promise<void> {
    await this.executor.execute(sql`select 1 from utilities.suppliers where id = ${supplierId} for update`);
  }

  /** The first day of the supplier's latest closed billing period, or null. */
  async lastClosedMonth(supplierId: string): Promise<string | null> {
    const [row] = await this.executor
      .select({ month: sql<string | null>`max(${billingPeriods.month})::text` })
      .from(billingPeriods)
      .where(and(eq(billingPeriods.supplierId, supplierId), eq(billingPeriods.status, 'CLOSED')));
    return row?.month ?? null;
  }

  /** Published tariffs of the same supplier, service, territory and category whose period meets `[from, to]` (`to` null: open-ended). */
  overlapping(tariff: NewTariff): Promise<TariffRow[]> {
    const conditions: SQL[] = [
      isNotNull(tariffs.publishedAt),
      eq(tariffs.supplierId, tariff.supplierId),
      eq(tariffs.service, tariff.service),
      eq(tariffs.consumerCategory, tariff.consumerCategory),
      tariff.territoryKato == null ? isNull(tariffs.territoryKato) : eq(tariffs.territoryKato, tariff.territoryKato),
      or(isNull(tariffs.validTo), gte(tariffs.validTo, tariff.validFrom)) as SQL,
    ];
    if (tariff.validTo != null) conditions.push(lte(tariffs.validFrom, tariff.validTo));
    return this.executor
      .select()
      .from(tariffs)
      .where(and(...conditions))
      .orderBy(asc(tariffs.validFrom));
  }

  /** Ends an open-ended tariff on `validTo` (superseded by a newer one); returns it as changed. */
  async endOn(id: string, validTo: string): Promise<TariffRow> {
    const [row] = await this.executor.update(tariffs).set({ validTo }).where(eq(tariffs.id, id)).returning();
    if (!row) throw new Error('The superseded tariff was not found.');
    return row;
  }

  /** Every published tariff of a supplier (a supplier keeps tens to hundreds), oldest first. */
  publishedOf(supplierId: string): Promise<TariffRow[]> {
    return this.executor
      .select()
      .from(tariffs)
      .where(and(eq(tariffs.supplierId, supplierId), isNotNull(tariffs.publishedAt)))
      .orderBy(asc(tariffs.validFrom), asc(tariffs.id));
  }

  /** Ends open-ended tariffs, each on its day, in one statement; returns them as changed. */
  async endMany(ends: ReadonlyArray<{ id: string; validTo: string }>): Promise<TariffRow[]> {
    if (ends.length === 0) return [];
    const ended = await this.executor.execute<{ id: string }>(sql`
      update utilities.tariffs t set valid_to = u.valid_to
        from unnest(${textArray(ends.map((end) => end.id))}::uuid[], ${textArray(ends.map((end) => end.validTo))}::date[]) as u(id, valid_to)
       where t.id = u.id
      returning t.id`);
    return this.executor
      .select()
      .from(tariffs)
      .where(
        inArray(
          tariffs.id,
          ended.map((row) => row.id),
        ),
      );
  }

  /**
   * Inserts published tariffs in ONE statement whose columns travel as typed arrays (a
   * multi-row VALUES insert of 10,000 tariffs would pass the protocol's 65,535 parameters);
   * returns them in the order given.
   */
  async insertPublishedMany(values: readonly NewTariff[]): Promise<TariffRow[]> {
    if (values.length === 0) return [];
    const column = (pick: (value: NewTariff) => string | null) => textArray(values.map(pick));
    const inserted = await this.executor.execute<{ id: string }>(sql`
      insert into utilities.tariffs
             (supplier_id, service, price_per_unit, unit, territory_kato, consumer_category, tiers, valid_from, valid_to, created_by, published_at)
      select u.supplier_id, u.service, u.price_per_unit, u.unit, u.territory_kato, u.consumer_category, u.tiers, u.valid_from,
             u.valid_to, u.created_by, now()
        from unnest(${column((v) => v.supplierId)}::uuid[], ${column((v) => v.service)}::utilities.utility_service[],
                    ${column((v) => v.pricePerUnit)}::numeric[], ${column((v) => v.unit)}::utilities.tariff_unit[],
                    ${column((v) => v.territoryKato)}::text[], ${column((v) => v.consumerCategory)}::utilities.consumer_category[],
                    ${column((v) => JSON.stringify(v.tiers))}::jsonb[], ${column((v) => v.validFrom)}::date[],
                    ${column((v) => v.validTo)}::date[], ${column((v) => v.createdBy)}::text[])
             with ordinality as u(supplier_id, service, price_per_unit, unit, territory_kato, consumer_category, tiers, valid_from,
                                  valid_to, created_by, n)
       order by u.n
      returning id`);
    const rows = await this.executor
      .select()
      .from(tariffs)
      .where(
        inArray(
          tariffs.id,
          inserted.map((row) => row.id),
        ),
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return inserted.map((row) => byId.get(row.id) as TariffRow);
  }

  async insertPublished(tariff: NewTariff): Promise<TariffRow> {
    const [row] = await this.executor
      .insert(tariffs)
      .values({ ...tariff, publishedAt: sql`now()` })
      .returning();
    if (!row) throw new Error('The tariff was not recorded.');
    return row;
  }

  /**
   * Published tariffs of `supplierId` for `service` and `category` in force on some day of
   * `[from, to]`, of any territory: the caller picks the most specific one covering an
   * account's KATO code (`TariffManager.pick`).
   */
  inForceBetween(options: {
    supplierId: string;
    service: UtilityService;
    category: ConsumerCategory;
    from: string;
    to: string;
  }): Promise<TariffRow[]> {
    return this.executor
      .select()
      .from(tariffs)
      .where(
        and(
          isNotNull(tariffs.publishedAt),
          eq(tariffs.supplierId, options.supplierId),
          eq(tariffs.service, options.service),
          eq(tariffs.consumerCategory, options.category),
          lte(tariffs.validFrom, options.to),
          or(isNull(tariffs.validTo), gte(tariffs.validTo, options.from)),
        ),
      )
      .orderBy(asc(tariffs.validFrom));
  }
}
