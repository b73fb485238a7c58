import { parsePage } from '../../../lib/pagination.js';
import type { Context } from '../context.js';

/** Most accounts of one building in one answer. */
const MAX_ACCOUNTS_PER_BUILDING = 500;

/** The buildings subgraph owns buildings; this one only adds their accounts. */
export const Building = {
  __resolveReference(reference: { id: string }) {
    return { id: reference.id };
  },
  personalAccounts(parent: { id: string }, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'buildingAccounts', 'accounts of a building', MAX_ACCOUNTS_PER_BUILDING);
    return context.loaders.accountsByBuilding.load(`${first}:${parent.id}`);
  },
};
