import type { BillingPeriodRow } from '../billing-period-manager.js';
import type { Context } from '../context.js';

export const BillingPeriod = {
  supplier(period: BillingPeriodRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(period.supplierId);
  },
};
