import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { UtilitiesLoaders } from '../loaders.js';
import type { AccountRow } from '../personal-account-repository.js';

type Context = SubgraphContext<UtilitiesLoaders>;

/**
 * `holderName` and `holderIin` have resolvers only so that the shield guards them:
 * it wraps declared resolvers alone.
 */
export const PersonalAccount = {
  /** Scope-filtering: the gateway gets null for an account outside the caller's scope. */
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.accountById.load(reference.id);
  },
  supplier(parent: AccountRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(parent.supplierId);
  },
  building(parent: AccountRow) {
    return { id: parent.buildingId };
  },
  holderName(parent: AccountRow) {
    return parent.holderName;
  },
  holderIin(parent: AccountRow) {
    return parent.holderIin;
  },
};
