import { readsTerritoryAnalytics } from '../../lib/auth/analytics.js';
import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { grantsForSubject, hasFunction } from '../../lib/auth/scope.js';
import {
  deny,
  type IRules,
  isAdministrator,
  isOpenPart,
  relyOnAdministrator,
  relyOnGrants,
  rule,
  visibleWithParent,
} from '../../lib/auth/shield.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import { consumerEntityPolicy, consumerPermissions } from './consumer-permissions.js';
import type { Context } from './context.js';
import { meterEntityPolicy, meterPermissions } from './meter-permissions.js';
import { networkEntityPolicy, networkPermissions } from './network-permissions.js';
import { readsAnyAccount, readsHolderDataOf } from './personal-account-manager.js';
import type { AccountRow } from './personal-account-repository.js';
import { actsForSupplier } from './supplier-rules.js';

/**
 * Who may do what with suppliers, personal accounts and tariffs. The supplier register and
 * published tariffs are the open part (p.21); personal accounts are read within the
 * caller's account scope (personal-account-manager.ts), their holders' name and IIN only
 * by the supplier keeping the account or with PERSONAL_DATA_READ; changes to a supplier's
 * accounts or tariffs need the function for that supplier's subject, and rely on exactly
 * those grants, which the write path re-checks.
 */

/** The holder's name and IIN are personal data (p.9, p.24): each has a restricting rule of its own below. */
export const personalData = {
  PersonalAccount: ['holderName', 'holderIin'],
} as const satisfies PersonalDataOf<{ PersonalAccount: AccountRow }>;

/** Listing or looking up personal accounts: only callers whose grants reach some accounts. A read: relies on nothing. */
const mayReadAccounts = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return readsAnyAccount(context.loaders.accountScope)
    ? true
    : forbidden('Reading personal accounts needs PERSONAL_ACCOUNTS_MAINTAIN for a supplier, or ANALYTICS_READ of a national body.');
});

/** Per account: the supplier keeping it, or PERSONAL_DATA_READ. */
const mayReadHolderData = rule({ cache: 'no_cache' })((account: AccountRow, _args, context: Context) =>
  readsHolderDataOf(context.loaders.accountScope, account.supplierSubjectId)
    ? true
    : forbidden("Reading an account holder's personal data needs PERSONAL_DATA_READ."),
);

/**
 * Keeping a supplier's passport: the Administrator for any supplier, relying on its status;
 * otherwise SUPPLIER_REGISTER_MAINTAIN for that supplier's own subject (its own passport only).
 */
const keepsPassport = rule({ cache: 'no_cache' })(async (_parent, args, context: Context) => {
  const { caller } = context;
  if (caller.kind === 'anonymous') return unauthenticated();
  if (caller.isAdministrator) return relyOnAdministrator();
  const fn = AccessFunction.SupplierRegisterMaintain;
  if (!hasFunction(caller, fn)) return forbidden(`Keeping a supplier passport needs ${fn} or the Administrator.`);
  const supplier = await context.loaders.supplierById.load(parseId(args.supplierId, 'supplierId', 'a supplier'));
  if (!supplier) return notFound('The supplier', 'supplierId');
  return relyOnGrants(grantsForSubject(caller, fn, supplier.subjectId), () =>
    forbidden(`You may use ${fn} only for the passport of the supplier you act for.`),
  );
});

export const permissions: IRules = {
  Query: {
    suppliers: isOpenPart,
    supplier: isOpenPart,
    tariffs: isOpenPart,
    personalAccounts: mayReadAccounts,
    personalAccount: mayReadAccounts,
    billingPeriods: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    charges: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    paymentDocuments: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    accountBalances: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    tariffChangePreview: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    _entities: entitiesRule<Context>({
      Supplier: openEntity,
      Region: openEntity,
      Building: openEntity,
      // Which accounts: `PersonalAccount.__resolveReference` returns null outside the scope.
      // An anonymous caller reaches none, and `entitiesRule` answers it UNAUTHENTICATED.
      PersonalAccount: (_caller, _representation, context) => readsAnyAccount(context.loaders.accountScope),
      ...meterEntityPolicy,
      ...networkEntityPolicy,
      ...consumerEntityPolicy,
    }),
    // The gateway composes from the committed SDL files; nobody needs the schema from here.
    _service: deny,
    ...meterPermissions.Query,
    ...networkPermissions.Query,
    ...consumerPermissions.Query,
  },
  Mutation: {
    ...meterPermissions.Mutation,
    ...networkPermissions.Mutation,
    ...consumerPermissions.Mutation,
    registerSupplier: isAdministrator,
    updateSupplierPassport: keepsPassport,
    closePersonalAccount: actsForSupplier(AccessFunction.PersonalAccountsMaintain),
    upsertPersonalAccounts: actsForSupplier(AccessFunction.PersonalAccountsMaintain),
    publishTariff: actsForSupplier(
      AccessFunction.TariffsMaintain,
      'input.supplierId',
      (args) => (args.input as { supplierId?: unknown } | undefined)?.supplierId,
    ),
    publishTariffs: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    openBillingPeriod: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    closeBillingPeriod: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    setConsumptionNorm: actsForSupplier(
      AccessFunction.TariffsMaintain,
      'input.supplierId',
      (args) => (args.input as { supplierId?: unknown } | undefined)?.supplierId,
    ),
    chargeAccounts: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
    postPayments: actsForSupplier(AccessFunction.TariffsMaintain, 'supplierId', (args) => args.supplierId),
  },
  // The register and published tariffs (only published ones are ever read) are the open part.
  // The register and passports are organisations' public data (p.25): they name no person.
  Supplier: { '*': isOpenPart },
  SupplierLicence: { '*': isOpenPart },
  SupplierContacts: { '*': isOpenPart },
  SupplierBankDetails: { '*': isOpenPart },
  Region: {
    katoCode: isOpenPart,
    utilityStatistics: readsTerritoryAnalytics,
    networkWear: readsTerritoryAnalytics,
    outageStatistics: readsTerritoryAnalytics,
    ...networkPermissions.Region,
    ...consumerPermissions.Region,
  },
  // Reached only through Region.utilityStatistics, whose rule decided.
  UtilityStatistics: { '*': visibleWithParent },
  MeterCoverage: { '*': visibleWithParent },
  TariffSummary: { '*': visibleWithParent },
  MonthlyCollection: { '*': visibleWithParent },
  MonthlyReadings: { '*': visibleWithParent },
  // Reached only through Region.networkWear and Region.outageStatistics, whose rules decided.
  NetworkWearBand: { '*': visibleWithParent },
  OutageStatistics: { '*': visibleWithParent },
  Tariff: { '*': isOpenPart },
  TariffTier: { '*': isOpenPart },
  // A supplier's own periods: reached only through its guarded root field and mutations.
  BillingPeriod: { '*': visibleWithParent },
  BillingPeriodPayload: { '*': visibleWithParent },
  Charge: { '*': visibleWithParent },
  ChargeAccountsPayload: { '*': visibleWithParent },
  ConsumptionNorm: { '*': visibleWithParent },
  ConsumptionNormPayload: { '*': visibleWithParent },
  PostPaymentsPayload: { '*': visibleWithParent },
  PaymentDocument: { '*': visibleWithParent },
  PaymentDocumentLine: { '*': visibleWithParent },
  AccountBalance: { '*': visibleWithParent },
  TariffChangePreviewLine: { '*': visibleWithParent },
  SupplierConnection: { '*': isOpenPart },
  SupplierEdge: { '*': isOpenPart },
  TariffConnection: { '*': isOpenPart },
  TariffEdge: { '*': isOpenPart },
  PageInfo: { '*': isOpenPart },
  // Accounts are reached only through the guarded root fields, `Building.personalAccounts`
  // and the `_entities` policy, all of which apply the caller's scope.
  PersonalAccount: {
    '*': visibleWithParent,
    holderName: mayReadHolderData,
    holderIin: mayReadHolderData,
  },
  PersonalAccountConnection: { '*': visibleWithParent },
  PersonalAccountChange: { '*': visibleWithParent },
  AccountFieldChange: { '*': visibleWithParent },
  PersonalAccountPayload: { '*': visibleWithParent },
  PersonalAccountEdge: { '*': visibleWithParent },
  Building: {
    id: isOpenPart,
    personalAccounts: mayReadAccounts,
    ...meterPermissions.Building,
    ...networkPermissions.Building,
    ...consumerPermissions.Building,
  },
  ...meterPermissions.types,
  ...networkPermissions.types,
  ...consumerPermissions.types,
  Premise: { ...meterPermissions.types.Premise, ...consumerPermissions.Premise, personalAccounts: mayReadAccounts },
  // Payloads are reached only through the mutations, whose rules decided.
  SupplierPayload: { '*': visibleWithParent },
  TariffPayload: { '*': visibleWithParent },
  UpsertPersonalAccountsPayload: { '*': visibleWithParent },
  BulkItemResult: { '*': visibleWithParent },
  FieldError: { '*': visibleWithParent },
  Receipt: { '*': visibleWithParent },
};
