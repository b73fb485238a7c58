import { and, eq, inArray, sql } from 'drizzle-orm';
import type { BulkCall, BulkMode, Checked } from '../../lib/bulk.js';
import type { Executor, Transaction } from '../../lib/db.js';
import type { FieldProblem } from '../../lib/errors.js';
import { parseTenge } from '../../lib/money.js';
import { textArray } from '../../lib/pg-array.js';
import { billingPeriods, type PaymentChannel, payments, personalAccounts, type UtilityService } from '../../schema/utilities.js';
import { tenge } from './tariff-rules.js';

/** One payment as a bank or agent reports it (`PaymentInput`). */
export interface PaymentItem {
  key?: string | null;
  accountNumber: string;
  /** The month of the payment document it pays (its first day). */
  month: string;
  /** Tenge, up to 2 decimal places, above 0. */
  amount: string;
  paidOn: string;
  channel: PaymentChannel;
  agentName: string;
  reference: string;
}

interface PaymentValue {
  accountId: string;
  billingPeriodId: string;
  amountTiyn: bigint;
  paidOn: string;
  channel: PaymentChannel;
  agentName: string;
  reference: string;
}

/**
 * `postPayments` on the bulk path: every payment names an account of the supplier and the
 * month of an opened period (the document it pays); a reference already posted by the same
 * agent is refused (the payment is already in).
 */
export function postPaymentsCall(options: {
  supplierId: string;
  payments: readonly PaymentItem[];
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  today: string;
}): BulkCall<PaymentItem, PaymentValue> {
  const { supplierId } = options;
  return {
    operation: 'utilities.postPayments',
    argument: 'payments',
    items: options.payments,
    keyOf: (item) => item.key,
    mode: options.mode,
    idempotencyKey: options.idempotencyKey,
    scope: { supplierId },
    conflicts: { payments_supplier_agent_reference_key: { message: 'A payment with this agent and reference is already posted.' } },
    async check(tx: Transaction, items: readonly PaymentItem[]): Promise<Array<Checked<PaymentValue>>> {
      const numbers = [...new Set(items.map((item) => item.accountNumber))];
      const months = [...new Set(items.map((item) => item.month))];
      const accountRows = await tx
        .select({ id: personalAccounts.id, accountNumber: personalAccounts.accountNumber })
        .from(personalAccounts)
        .where(and(eq(personalAccounts.supplierId, supplierId), inArray(personalAccounts.accountNumber, numbers)));
      const periodRows = await tx
        .select({ id: billingPeriods.id, month: billingPeriods.month })
        .from(billingPeriods)
        .where(and(eq(billingPeriods.supplierId, supplierId), inArray(billingPeriods.month, months)));
      const posted = await tx
        .select({ agentName: payments.agentName, reference: payments.reference })
        .from(payments)
        .where(and(eq(payments.supplierId, supplierId), inArray(payments.reference, [...new Set(items.map((item) => item.reference))])));
      const accountIds = new Map(accountRows.map((row) => [row.accountNumber, row.id]));
      const periodIds = new Map(periodRows.map((row) => [row.month, row.id]));
      const seen = new Set(posted.map((row) => `${row.agentName}\u0000${row.reference}`));
      return items.map((item) => {
        const problems: FieldProblem[] = [];
        const accountId = accountIds.get(item.accountNumber);
        if (!accountId)
          problems.push({ field: 'accountNumber', message: `accountNumber: the supplier keeps no account ${item.accountNumber}.` });
        const billingPeriodId = periodIds.get(item.month);
        if (!billingPeriodId)
          problems.push({
            field: 'month',
            message: `month: the supplier has no billing period ${item.month}, so no payment document to pay.`,
          });
        const amountTiyn = parseTenge(item.amount, 'amount');
        if (typeof amountTiyn !== 'bigint' || amountTiyn <= 0n)
          problems.push({ field: 'amount', message: 'amount must be above 0 in tenge with up to 2 decimal places, e.g. "1500.50".' });
        if (item.paidOn > options.today) problems.push({ field: 'paidOn', message: 'paidOn must not be in the future.' });
        const agentName = item.agentName.trim();
        if (agentName.length === 0 || agentName.length > 200)
          problems.push({ field: 'agentName', message: 'agentName must be 1 to 200 characters.' });
        const reference = item.reference.trim();
        if (reference.length === 0 || reference.length > 100)
          problems.push({ field: 'reference', message: 'reference must be 1 to 100 characters.' });
        const dedupe = `${agentName}\u0000${reference}`;
        if (seen.has(dedupe))
          problems.push({ field: 'reference', message: 'reference: this agent already posted a payment with this reference.' });
        seen.add(dedupe);
        if (problems.length > 0 || !accountId || !billingPeriodId || typeof amountTiyn !== 'bigint') return { problems };
        return {
          value: {
            accountId,
            billingPeriodId,
            amountTiyn,
            paidOn: item.paidOn,
            channel: item.channel,
            agentName,
            reference,
          },
        };
      });
    },
    // One statement whose columns travel as typed arrays: a multi-row VALUES insert of 10,000
    // payments would pass the protocol's 65,535 parameters.
    async write(tx: Transaction, values: readonly PaymentValue[]) {
      const column = (pick: (value: PaymentValue) => string) => textArray(values.map(pick));
      const rows = await tx.execute<{ id: string }>(sql`
        insert into utilities.payments (supplier_id, account_id, billing_period_id, amount_tiyn, paid_on, channel, agent_name, reference)
        select ${supplierId}::uuid, u.account_id, u.billing_period_id, u.amount_tiyn, u.paid_on, u.channel, u.agent_name, u.reference
          from unnest(${column((v) => v.accountId)}::uuid[], ${column((v) => v.billingPeriodId)}::uuid[],
                      ${column((v) => v.amountTiyn.toString())}::bigint[], ${column((v) => v.paidOn)}::date[],
                      ${column((v) => v.channel)}::utilities.payment_channel[], ${column((v) => v.agentName)}::text[],
                      ${column((v) => v.reference)}::text[])
               with ordinality as u(account_id, billing_period_id, amount_tiyn, paid_on, channel, agent_name, reference, n)
         order by u.n
        returning id`);
      return { written: rows.map((row) => ({ id: row.id, created: true })), changes: [] };
    },
  };
}

/** One service's share of a payment document. */
export interface DocumentLine {
  service: UtilityService;
  charged: string;
  recalculated: string;
  amount: string;
}

/** A payment document (an account's bill for a period) and its reconciliation with the payments matched to it. */
export interface PaymentDocument {
  accountId: string;
  accountNumber: string;
  month: string;
  lines: DocumentLine[];
  total: string;
  paid: string;
  /** What is still due on the document (0 when paid in full or over). */
  outstanding: string;
  /** What was paid above the document: the account's advance. */
  overpaid: string;
  status: 'UNPAID' | 'PARTIALLY_PAID' | 'PAID' | 'OVERPAID';
}

export interface AccountBalance {
  accountId: string;
  accountNumber: string;
  charged: string;
  paid: string;
  /** Charged and not paid. */
  debt: string;
  /** Paid and not yet charged: carried to the next documents. */
  advance: string;
}

/** Reading documents and balances (p.4.14); amounts as tenge with 2 places. */
export class PaymentManager {
  constructor(private readonly executor: Executor) {}

  /** The supplier's payment documents of the period `month`: one per account charged in it, with the payments matched to it. */
  async documents(supplierId: string, month: string): Promise<PaymentDocument[]> {
    const rows = await this.executor.execute<{
      account_id: string;
      account_number: string;
      service: UtilityService;
      charged: string;
      recalculated: string;
      paid: string;
    }>(sql`
      select c.account_id, a.account_number, c.service,
             sum(c.amount_tiyn) filter (where c.kind = 'CHARGE')::text as charged,
             coalesce(sum(c.amount_tiyn) filter (where c.kind = 'RECALCULATION'), 0)::text as recalculated,
             coalesce((select sum(p.amount_tiyn) from utilities.payments p
                        where p.account_id = c.account_id and p.billing_period_id = c.billing_period_id), 0)::text as paid
        from utilities.charges c
        join utilities.billing_periods bp on bp.id = c.billing_period_id
        join utilities.personal_accounts a on a.id = c.account_id
       where c.supplier_id = ${supplierId} and bp.month = ${month} and c.month = ${month}::date
       group by c.account_id, a.account_number, c.service, c.billing_period_id
       order by a.account_number, c.service`);
    const byAccount = new Map<string, { accountNumber: string; lines: DocumentLine[]; total: bigint; paid: bigint }>();
    for (const row of rows) {
      const charged = BigInt(row.charged ?? '0');
      const recalculated = BigInt(row.recalculated);
      const entry = byAccount.get(row.account_id) ?? { accountNumber: row.account_number, lines: [], total: 0n, paid: BigInt(row.paid) };
      entry.lines.push({
        service: row.service,
        charged: tenge(charged),
        recalculated: tenge(recalculated),
        amount: tenge(charged + recalculated),
      });
      entry.total += charged + recalculated;
      byAccount.set(row.account_id, entry);
    }
    return [...byAccount.entries()].map(([accountId, entry]) => {
      const outstanding = entry.total > entry.paid ? entry.total - entry.paid : 0n;
      const overpaid = entry.paid > entry.total ? entry.paid - entry.total : 0n;
      const status = entry.paid === 0n ? 'UNPAID' : outstanding > 0n ? 'PARTIALLY_PAID' : overpaid > 0n ? 'OVERPAID' : 'PAID';
      return {
        accountId,
        accountNumber: entry.accountNumber,
        month,
        lines: entry.lines,
        total: tenge(entry.total),
        paid: tenge(entry.paid),
        outstanding: tenge(outstanding),
        overpaid: tenge(overpaid),
        status,
      };
    });
  }

  /** Balances of the supplier's accounts that have charges or payments: debt, or the advance an over-payment left. */
  async balances(supplierId: string): Promise<AccountBalance[]> {
    const rows = await this.executor.execute<{ account_id: string; account_number: string; charged: string; paid: string }>(sql`
      select a.id as account_id, a.account_number,
             coalesce((select sum(c.amount_tiyn) from utilities.charges c where c.account_id = a.id), 0)::text as charged,
             coalesce((select sum(p.amount_tiyn) from utilities.payments p where p.account_id = a.id), 0)::text as paid
        from utilities.personal_accounts a
       where a.supplier_id = ${supplierId}
         and (exists (select 1 from utilities.charges c where c.account_id = a.id)
              or exists (select 1 from utilities.payments p where p.account_id = a.id))
       order by a.account_number`);
    return rows.map((row) => {
      const charged = BigInt(row.charged);
      const paid = BigInt(row.paid);
      return {
        accountId: row.account_id,
        accountNumber: row.account_number,
        charged: tenge(charged),
        paid: tenge(paid),
        debt: tenge(charged > paid ? charged - paid : 0n),
        advance: tenge(paid > charged ? paid - charged : 0n),
      };
    });
  }
}
