import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { UtilitiesLoaders } from '../loaders.js';
import { pageSize } from '../pagination.js';

type Context = SubgraphContext<UtilitiesLoaders>;

/** The buildings subgraph owns buildings; this one only adds their accounts. */
export const Building = {
  __resolveReference(reference: { id: string }) {
    return { id: reference.id };
  },
  personalAccounts(parent: { id: string }, args: { first?: number | null }, context: Context) {
    return context.loaders.accountsByBuilding.load(`${pageSize(args.first, 'first', 500)}:${parent.id}`);
  },
};
