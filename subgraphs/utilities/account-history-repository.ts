import { asc, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { type AccountChange, personalAccountHistory } from '../../schema/utilities.js';

export type AccountHistoryRow = typeof personalAccountHistory.$inferSelect;

/** One entry to record: what happened to which account, and what changed. */
export interface AccountHistoryEntry {
  accountId: string;
  change: AccountChange;
  /** `{ field: { old, new } }` for each field that changed, personal data left out. */
  changes: Record<string, { old: unknown; new: unknown }>;
  /** Names of the holder's personal-data fields that changed: the values are never kept here. */
  personalDataChanged: string[];
}

/** Fields of an account that are the holder's personal data: their values never enter the history. */
const personalFields = new Set(['holderName', 'holderIin']);
/** Fields compared for the history (the account number identifies the account: never changed by an upsert). */
const trackedFields = ['buildingId', 'premiseNumber', 'holderName', 'holderIin', 'service', 'openedAt', 'closedAt'] as const;

/**
 * The history entry of one account written by an upsert: OPENED with its values when it is
 * new, UPDATED with what changed otherwise, none when nothing changed.
 */
export function upsertEntry(
  accountId: string,
  before: Record<(typeof trackedFields)[number], unknown> | undefined,
  after: Record<(typeof trackedFields)[number], unknown>,
): AccountHistoryEntry | null {
  const changes: AccountHistoryEntry['changes'] = {};
  const personalDataChanged: string[] = [];
  for (const field of trackedFields) {
    const old = before ? before[field] : null;
    if (before && old === after[field]) continue;
    if (personalFields.has(field)) personalDataChanged.push(field);
    else changes[field] = { old, new: after[field] };
  }
  if (before && Object.keys(changes).length === 0 && personalDataChanged.length === 0) return null;
  return { accountId, change: before ? 'UPDATED' : 'OPENED', changes, personalDataChanged };
}

/** The append-only history of personal accounts (p.4.11). */
export class AccountHistoryRepository {
  constructor(private readonly executor: Executor) {}

  /** Records entries of one change, by one actor, in one statement whatever their number. */
  async record(entries: readonly AccountHistoryEntry[], changedBy: string): Promise<void> {
    if (entries.length === 0) return;
    const records = entries.map((entry) => ({
      account_id: entry.accountId,
      change: entry.change,
      changes: entry.changes,
      personal_data_changed: entry.personalDataChanged,
    }));
    await this.executor.execute(sql`
      insert into utilities.personal_account_history (account_id, change, changed_by, changes, personal_data_changed)
      select r.account_id, r.change, ${changedBy}, r.changes, array(select jsonb_array_elements_text(r.personal_data_changed))
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(
             account_id uuid, change utilities.account_change, changes jsonb, personal_data_changed jsonb)`);
  }

  /** The history of each account, oldest first, in one statement. */
  ofAccounts(accountIds: readonly string[]): Promise<AccountHistoryRow[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(personalAccountHistory)
      .where(inArray(personalAccountHistory.accountId, [...accountIds]))
      .orderBy(asc(personalAccountHistory.accountId), asc(personalAccountHistory.id));
  }
}
