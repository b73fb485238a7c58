import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict } from '../../lib/errors.js';
import type { ConflictMessages } from '../../lib/write.js';
import { billingPeriods } from '../../schema/utilities.js';
import { SupplierManager } from './supplier-manager.js';
import { TariffRepository } from './tariff-repository.js';

export type BillingPeriodRow = typeof billingPeriods.$inferSelect;

export const billingPeriodConflicts: ConflictMessages = {
  billing_periods_supplier_month_key: { message: 'This billing period is already open for the supplier.', field: 'month' },
};

/** A supplier's billing periods (p.4.14): months opened, then closed in order, freezing their charges. */
export class BillingPeriodManager {
  constructor(private readonly executor: Executor) {}

  async open(supplierId: string, month: string): Promise<BillingPeriodRow> {
    await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    if (!month.endsWith('-01')) throw badUserInput({ field: 'month', message: 'month must be the first day of a month, e.g. 2026-03-01.' });
    const [existing] = await this.executor
      .select({ id: billingPeriods.id })
      .from(billingPeriods)
      .where(and(eq(billingPeriods.supplierId, supplierId), eq(billingPeriods.month, month)));
    if (existing) throw conflict(billingPeriodConflicts.billing_periods_supplier_month_key?.message ?? '', 'month');
    const [row] = await this.executor.insert(billingPeriods).values({ supplierId, month }).returning();
    if (!row) throw new Error('The billing period was not recorded.');
    return row;
  }

  /** Closes an open period when every earlier one is closed; under the supplier's lock, so a tariff published concurrently sees it. */
  async close(supplierId: string, month: string): Promise<BillingPeriodRow> {
    await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    await new TariffRepository(this.executor).lockSupplier(supplierId);
    const period = await this.of(supplierId, month);
    if (period?.status !== 'OPEN') throw conflict(`The billing period of ${month.slice(0, 7)} is not open for this supplier.`, 'month');
    const [earlier] = await this.executor
      .select({ month: billingPeriods.month })
      .from(billingPeriods)
      .where(and(eq(billingPeriods.supplierId, supplierId), eq(billingPeriods.status, 'OPEN'), lt(billingPeriods.month, month)))
      .limit(1);
    if (earlier) throw conflict(`The billing period of ${earlier.month.slice(0, 7)} is still open: close periods in order.`, 'month');
    const [row] = await this.executor
      .update(billingPeriods)
      .set({ status: 'CLOSED', closedAt: sql`now()` })
      .where(eq(billingPeriods.id, period.id))
      .returning();
    if (!row) throw new Error('The billing period was not closed.');
    return row;
  }

  async of(supplierId: string, month: string): Promise<BillingPeriodRow | null> {
    const [row] = await this.executor
      .select()
      .from(billingPeriods)
      .where(and(eq(billingPeriods.supplierId, supplierId), eq(billingPeriods.month, month)));
    return row ?? null;
  }

  ofSupplier(supplierId: string): Promise<BillingPeriodRow[]> {
    return this.executor.select().from(billingPeriods).where(eq(billingPeriods.supplierId, supplierId)).orderBy(desc(billingPeriods.month));
  }
}
