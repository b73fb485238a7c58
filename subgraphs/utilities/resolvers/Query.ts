import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { byId, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import type { UtilityService } from '../../../schema/utilities.js';
import { BillingManager } from '../billing-manager.js';
import { BillingPeriodManager } from '../billing-period-manager.js';
import type { Context } from '../context.js';
import { PaymentManager } from '../payment-manager.js';
import { previewTariffChange } from '../tariff-preview.js';

interface TariffFilterArgs {
  supplierId?: string | null;
  service?: UtilityService | null;
}

interface PersonalAccountFilterArgs {
  supplierId?: string | null;
  buildingId?: string | null;
  service?: UtilityService | null;
  accountNumber?: string | null;
}

export const Query = {
  async suppliers(_parent: unknown, args: PageArgs & { service?: UtilityService | null }, context: Context) {
    const page = parsePage(args, 'suppliers', 'suppliers');
    const rows = await context.loaders.supplierPage.load({
      after: page.after?.id ?? null,
      limit: page.first + 1,
      filter: { service: args.service ?? null },
    });
    return toConnection('suppliers', rows, page, byId);
  },

  supplier(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.supplierById.load(parseId(args.id, 'id', 'a supplier'));
  },

  async tariffs(_parent: unknown, args: PageArgs & { filter?: TariffFilterArgs | null }, context: Context) {
    const page = parsePage(args, 'tariffs', 'tariffs');
    const filter = {
      supplierId: parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier'),
      service: args.filter?.service ?? null,
    };
    const rows = await context.loaders.publishedTariffPage.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('tariffs', rows, page, byId);
  },

  async personalAccounts(_parent: unknown, args: PageArgs & { filter?: PersonalAccountFilterArgs | null }, context: Context) {
    const page = parsePage(args, 'personalAccounts', 'accounts');
    const filter = {
      supplierId: parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier'),
      buildingId: parseOptionalId(args.filter?.buildingId, 'filter.buildingId', 'a building'),
      service: args.filter?.service ?? null,
      accountNumber: args.filter?.accountNumber ?? null,
    };
    const rows = await context.loaders.accountPage.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('personalAccounts', rows, page, byId);
  },

  personalAccount(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.accountById.load(parseId(args.id, 'id', 'a personal account'));
  },

  billingPeriods(_parent: unknown, args: { supplierId: string }, context: Context) {
    return new BillingPeriodManager(context.db).ofSupplier(parseId(args.supplierId, 'supplierId', 'a supplier'));
  },

  paymentDocuments(_parent: unknown, args: { supplierId: string; month: string }, context: Context) {
    return new PaymentManager(context.db).documents(parseId(args.supplierId, 'supplierId', 'a supplier'), args.month);
  },

  tariffChangePreview(_parent: unknown, args: { supplierId: string; tariffId: string }, context: Context) {
    return previewTariffChange(
      context.db,
      parseId(args.supplierId, 'supplierId', 'a supplier'),
      parseId(args.tariffId, 'tariffId', 'a tariff'),
    );
  },

  accountBalances(_parent: unknown, args: { supplierId: string }, context: Context) {
    return new PaymentManager(context.db).balances(parseId(args.supplierId, 'supplierId', 'a supplier'));
  },

  async charges(_parent: unknown, args: { supplierId: string; month: string }, context: Context) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    const period = await new BillingPeriodManager(context.db).of(supplierId, args.month);
    return period ? new BillingManager(context.db).linesOfPeriod(supplierId, period.id, period.month) : [];
  },
};
