import type { IRules } from 'graphql-shield';
import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { grantsForSubject, hasFunction } from '../../lib/auth/scope.js';
import { deny, isAdministrator, isOpenPart, rule } from '../../lib/auth/shield.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import type { SubgraphContext } from '../../lib/subgraph-server.js';
import { readsAnyAccount, readsHolderDataOf } from './account-scope.js';
import type { UtilitiesLoaders } from './loaders.js';
import type { AccountRow } from './personal-account-repository.js';

type Context = SubgraphContext<UtilitiesLoaders>;

/** Fields carrying personal data: each has a declared resolver and a rule (test/permissions-coverage.test.ts). */
export const personalDataFields = ['PersonalAccount.holderName', 'PersonalAccount.holderIin'];

/** Listing or looking up personal accounts: only callers whose grants reach some accounts. */
const mayReadAccounts = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return readsAnyAccount(context.loaders.accountScope)
    ? true
    : forbidden('Reading personal accounts needs PERSONAL_ACCOUNTS_MAINTAIN for a supplier, or ANALYTICS_READ of a national body.');
});

/** Per account: the supplier keeping it, or PERSONAL_DATA_READ. */
const mayReadHolderData = rule({ cache: 'no_cache' })((parent: AccountRow, _args, context: Context) =>
  readsHolderDataOf(context.loaders.accountScope, parent.supplierSubjectId)
    ? true
    : forbidden("Reading an account holder's personal data needs PERSONAL_DATA_READ."),
);

/** The caller acts for the supplier named in the arguments with `fn` (a supplier only on its own data). */
function actsForSupplier(fn: AccessFunction, field: string, supplierIdOf: (args: Record<string, any>) => unknown) {
  return rule({ cache: 'no_cache' })(async (_parent, args: Record<string, any>, context: Context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    if (!hasFunction(caller, fn)) return forbidden(`This operation needs ${fn}.`);
    const supplierId = supplierIdOf(args);
    const supplier = typeof supplierId === 'string' ? await context.loaders.supplierById.load(supplierId) : null;
    if (!supplier) return notFound('The supplier', field);
    return grantsForSubject(caller, fn, supplier.subjectId).length > 0 ? true : forbidden(`You may use ${fn} only for the suppliers you act for.`);
  });
}

export const permissions: IRules = {
  Query: {
    suppliers: isOpenPart,
    supplier: isOpenPart,
    tariffs: isOpenPart,
    personalAccounts: mayReadAccounts,
    personalAccount: mayReadAccounts,
    _entities: entitiesRule<Context>({
      Supplier: openEntity,
      Building: openEntity,
      // Which accounts: `PersonalAccount.__resolveReference` returns null outside the scope.
      // An anonymous caller reaches none, and `entitiesRule` answers it UNAUTHENTICATED.
      PersonalAccount: (_caller, _representation, context) => readsAnyAccount(context.loaders.accountScope),
    }),
    _service: deny,
  },
  Mutation: {
    registerSupplier: isAdministrator,
    upsertPersonalAccounts: actsForSupplier(AccessFunction.PersonalAccountsMaintain, 'supplierId', (args) => args.supplierId),
    publishTariff: actsForSupplier(AccessFunction.TariffsMaintain, 'input.supplierId', (args) => args.input?.supplierId),
  },
  Supplier: { tariffs: isOpenPart },
  Tariff: { supplier: isOpenPart },
  PersonalAccount: {
    supplier: isOpenPart,
    building: isOpenPart,
    holderName: mayReadHolderData,
    holderIin: mayReadHolderData,
  },
  Building: { personalAccounts: mayReadAccounts },
};
