import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, notFound } from '../../lib/errors.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { personalAccounts } from '../../schema/utilities.js';
import { AccountHistoryRepository } from './account-history-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** Closing a personal account (p.4.11): from its closing day on it takes no new charges. */
export class AccountCloseManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Closes the supplier's account `accountNumber` on `closedOn`: not before it was opened nor
   * in the future (Kazakhstan's calendar); an account already closed is CONFLICT. Recorded in
   * the account's history. Returns the account's id and its supplier's subject.
   */
  async close(
    supplierId: string,
    accountNumber: string,
    closedOn: string,
    by: { actor: string; now: Date },
  ): Promise<{ id: string; subjectId: string }> {
    const { subjectId } = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    // The account found and locked in one statement.
    const [row] = await this.executor
      .select({ id: personalAccounts.id, openedAt: personalAccounts.openedAt, closedAt: personalAccounts.closedAt })
      .from(personalAccounts)
      .where(and(eq(personalAccounts.supplierId, supplierId), eq(personalAccounts.accountNumber, accountNumber.trim())))
      .for('update');
    if (!row) throw notFound('The personal account', 'accountNumber');
    if (row.closedAt !== null) throw conflict(`The account is already closed (on ${row.closedAt}).`, 'accountNumber');
    if (closedOn < row.openedAt)
      throw badUserInput({ field: 'closedOn', message: `closedOn must not be before the day the account was opened (${row.openedAt}).` });
    if (closedOn > almatyDate(by.now)) throw badUserInput({ field: 'closedOn', message: 'closedOn must not be in the future.' });
    await this.executor
      .update(personalAccounts)
      .set({ closedAt: closedOn, updatedAt: by.now, version: sql`${personalAccounts.version} + 1` })
      .where(and(eq(personalAccounts.id, row.id), eq(personalAccounts.supplierId, supplierId)));
    await new AccountHistoryRepository(this.executor).record(
      [{ accountId: row.id, change: 'CLOSED', changes: { closedAt: { old: null, new: closedOn } }, personalDataChanged: [] }],
      by.actor,
    );
    return { id: row.id, subjectId };
  }
}
