import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { placeBulk } from '../../../lib/bulk.js';
import { parseId } from '../../../lib/ids.js';
import { placeWrite } from '../../../lib/write.js';
import { AccountCloseManager } from '../account-close-manager.js';
import {
  BillingManager,
  type ChargeAccountInput,
  type ChargeRow,
  type ConsumptionNormInput,
  chargeAccountsCall,
} from '../billing-manager.js';
import { BillingPeriodManager, billingPeriodConflicts } from '../billing-period-manager.js';
import type { Context } from '../context.js';
import { type PaymentItem, postPaymentsCall } from '../payment-manager.js';
import { type PersonalAccountItem, upsertPersonalAccountsCall } from '../personal-account-manager.js';
import { PersonalAccountRepository } from '../personal-account-repository.js';
import { type RegisterSupplierInput, SupplierManager, supplierChange, supplierConflicts } from '../supplier-manager.js';
import { passportChange, type SupplierPassportInput, SupplierPassportManager } from '../supplier-passport.js';
import { type PublishTariffInput, publishTariffsCall, type TariffItem, TariffManager } from '../tariff-manager.js';
import { parseSupplierBulkArgs, type SupplierBulkArgs } from './bulk-args.js';

interface UpsertPersonalAccountsArgs extends SupplierBulkArgs {
  accounts: PersonalAccountItem[];
}

export const Mutation = {
  registerSupplier(_parent: unknown, args: { input: RegisterSupplierInput }, context: Context, info: GraphQLResolveInfo) {
    return placeWrite(context, info, {
      operation: 'utilities.registerSupplier',
      conflicts: supplierConflicts,
      run: async (tx) => {
        const supplier = await new SupplierManager(tx).register(args.input);
        return { payload: { supplier }, objectIds: [supplier.id], changes: [supplierChange(supplier)] };
      },
    });
  },

  updateSupplierPassport(
    _parent: unknown,
    args: { supplierId: string; input: SupplierPassportInput; expectedVersion?: number | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.updateSupplierPassport',
      run: async (tx) => {
        const supplier = await new SupplierPassportManager(tx).update(supplierId, args.input, args.expectedVersion, {
          actor: actorOf(context.caller),
          now: context.receivedAt,
        });
        return { payload: { supplier }, objectIds: [supplier.id], changes: [passportChange(supplier)] };
      },
    });
  },

  closePersonalAccount(
    _parent: unknown,
    args: { supplierId: string; accountNumber: string; closedOn: string },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.closePersonalAccount',
      run: async (tx) => {
        const { id, subjectId } = await new AccountCloseManager(tx).close(supplierId, args.accountNumber, args.closedOn, {
          actor: actorOf(context.caller),
          now: context.receivedAt,
        });
        // Read inside the transaction (a testing-stand answer before its rollback); holder data keeps its own rule.
        const [account] = await new PersonalAccountRepository(tx).byIds([id], { readSubjects: null, holderDataSubjects: null });
        return { payload: { account }, objectIds: [id], changes: [{ type: 'PERSONAL_ACCOUNT', id, operation: 'UPDATED', subjectId }] };
      },
    });
  },

  upsertPersonalAccounts(_parent: unknown, args: UpsertPersonalAccountsArgs, context: Context, info: GraphQLResolveInfo) {
    return placeBulk(
      context,
      info,
      upsertPersonalAccountsCall({
        ...parseSupplierBulkArgs(args),
        accounts: args.accounts,
        now: context.receivedAt,
        actor: actorOf(context.caller),
      }),
    );
  },

  publishTariff(_parent: unknown, args: { input: PublishTariffInput }, context: Context, info: GraphQLResolveInfo) {
    return placeWrite(context, info, {
      operation: 'utilities.publishTariff',
      run: async (tx) => {
        const tariffs = new TariffManager(tx);
        const published = await tariffs.publish(args.input, actorOf(context.caller));
        return {
          payload: published,
          objectIds: [published.tariff.id, ...(published.superseded ? [published.superseded.id] : [])],
          changes: await tariffs.changesOf(published),
        };
      },
    });
  },

  publishTariffs(_parent: unknown, args: SupplierBulkArgs & { tariffs: TariffItem[] }, context: Context, info: GraphQLResolveInfo) {
    return placeBulk(
      context,
      info,
      publishTariffsCall({ ...parseSupplierBulkArgs(args), tariffs: args.tariffs, createdBy: actorOf(context.caller) }),
    );
  },

  // Billing periods are not a type of the change feed: they declare no changes.
  openBillingPeriod(_parent: unknown, args: { supplierId: string; month: string }, context: Context, info: GraphQLResolveInfo) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.openBillingPeriod',
      conflicts: billingPeriodConflicts,
      run: async (tx) => {
        const billingPeriod = await new BillingPeriodManager(tx).open(supplierId, args.month);
        return { payload: { billingPeriod }, objectIds: [billingPeriod.id] };
      },
    });
  },

  setConsumptionNorm(_parent: unknown, args: { input: ConsumptionNormInput }, context: Context, info: GraphQLResolveInfo) {
    const input = { ...args.input, supplierId: parseId(args.input.supplierId, 'input.supplierId', 'a supplier') };
    return placeWrite(context, info, {
      operation: 'utilities.setConsumptionNorm',
      run: async (tx) => {
        const norm = await new BillingManager(tx).setNorm(input);
        return { payload: { norm }, objectIds: [norm.id] };
      },
    });
  },

  async chargeAccounts(
    _parent: unknown,
    args: SupplierBulkArgs & { month: string; accounts: ChargeAccountInput[] },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const parsed = parseSupplierBulkArgs(args);
    const written: ChargeRow[] = [];
    const result = await placeBulk(context, info, chargeAccountsCall({ ...parsed, month: args.month, accounts: args.accounts, written }));
    // A replayed call wrote nothing now: its lines are read back by the ids it answered first.
    const charges = result.replayed
      ? await new BillingManager(context.db).linesByIds(
          parsed.supplierId,
          args.month,
          result.items.flatMap((item) => (item.id ? [item.id] : [])),
        )
      : written;
    return { ...result, charges };
  },

  postPayments(_parent: unknown, args: SupplierBulkArgs & { payments: PaymentItem[] }, context: Context, info: GraphQLResolveInfo) {
    return placeBulk(
      context,
      info,
      postPaymentsCall({
        ...parseSupplierBulkArgs(args),
        payments: args.payments,
        today: context.receivedAt.toISOString().slice(0, 10),
      }),
    );
  },

  closeBillingPeriod(_parent: unknown, args: { supplierId: string; month: string }, context: Context, info: GraphQLResolveInfo) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.closeBillingPeriod',
      run: async (tx) => {
        const billingPeriod = await new BillingPeriodManager(tx).close(supplierId, args.month);
        return { payload: { billingPeriod }, objectIds: [billingPeriod.id] };
      },
    });
  },
};
