import type { AccountHistoryRow } from '../account-history-repository.js';
import type { Context } from '../context.js';
import type { AccountRow } from '../personal-account-repository.js';

export const PersonalAccount = {
  /** Scope-filtering: the gateway gets null for an account outside the caller's scope. */
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.accountById.load(reference.id);
  },
  supplier(account: AccountRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(account.supplierId);
  },
  building(account: AccountRow) {
    return { id: account.buildingId };
  },
  history(account: AccountRow, _args: unknown, context: Context) {
    return context.loaders.accountHistory.load(account.id);
  },
};

const asText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export const PersonalAccountChange = {
  fields(entry: AccountHistoryRow) {
    return Object.entries(entry.changes).map(([field, values]) => ({ field, old: asText(values.old), new: asText(values.new) }));
  },
};
