import { sql } from 'drizzle-orm';
import type { BulkCall } from '../../lib/bulk.js';
import type { Transaction } from '../../lib/db.js';
import { issueReceipt } from '../../lib/receipts.js';
import type { UtilityService } from '../../schema/utilities.js';
import { type ChargeRow, chargeAccountsCall } from '../../subgraphs/utilities/billing-manager.js';
import { BillingPeriodManager } from '../../subgraphs/utilities/billing-period-manager.js';
import { upsertMetersCall } from '../../subgraphs/utilities/meter-manager.js';
import { postPaymentsCall } from '../../subgraphs/utilities/payment-manager.js';
import { submitReadingsCall } from '../../subgraphs/utilities/reading-manager.js';
import { tenge } from '../../subgraphs/utilities/tariff-rules.js';
import { deleteReceiptsOf } from './access-seeder.js';
import { Random } from './random.js';

/*
 * A demo supplier's metering and billing year, written through the same bulk calls the API
 * runs (each call's checks, then its write, with a receipt): individual meters on the
 * premises of its first accounts of one service, a reading on the 25th of each of the twelve
 * months before the reference month (one counter rolls over its capacity, one month of
 * another meter is far above its average and flagged), billing periods of the two months
 * before the reference month charged by those readings, the earlier one closed, and the
 * earlier month's payments: one in full, one partly, one over the bill, the rest in full.
 * Deterministic for a seed and reference date.
 */

/** Accounts given a meter, per supplier. */
const METERED_ACCOUNTS = 12;
const MONTHS_OF_READINGS = 12;
const DAY_MS = 24 * 60 * 60 * 1000;

/** An account of the demo, as the utilities seeder placed it. */
export interface DemoAccount {
  buildingId: string;
  premiseNumber?: string | null;
  accountNumber: string;
  service: UtilityService;
  openedAt: string;
}

export interface MeteringPlan {
  supplierId: string;
  /** Who placed it: the supplier's billing system. */
  placedBy: string;
  service: UtilityService;
  /** Serial numbers are `<prefix>-<n>`. */
  serialPrefix: string;
  capacityDigits: number;
  /** A month's consumption, low and high, in the meter's unit. */
  monthly: [number, number];
  accounts: readonly DemoAccount[];
}

export interface MeteringCounts {
  meters: number;
  readings: number;
  billingPeriods: number;
  charges: number;
  payments: number;
}

/** The first day of the month `offset` months from the month of `date`, as YYYY-MM-DD. */
function monthStart(date: Date, offset: number): string {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

function plusDays(isoDate: string, days: number): string {
  return new Date(Date.parse(isoDate) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Runs a bulk call's check and write as placeBulk would, all items valid or the seed fails; returns what was written. */
async function place<TItem, TValue>(tx: Transaction, call: BulkCall<TItem, TValue>, placedBy: string): Promise<string[]> {
  const checked = await call.check(tx, call.items);
  const refused = checked.flatMap((outcome, index) =>
    'problems' in outcome ? outcome.problems.map((problem) => `${call.argument}[${index}].${problem.field}: ${problem.message}`) : [],
  );
  if (refused.length > 0) throw new Error(`The ${call.operation} demo data are invalid:\n${refused.slice(0, 10).join('\n')}`);
  const { written } = await call.write(
    tx,
    checked.flatMap((outcome) => ('value' in outcome ? [outcome.value] : [])),
  );
  const ids = written.map((row) => row.id);
  await issueReceipt(tx, { operation: call.operation, placedBy, receivedAt: new Date(), objectIds: ids });
  return ids;
}

export async function seedMeteringAndBilling(
  tx: Transaction,
  plan: MeteringPlan,
  seed: number,
  referenceDate: Date,
  planIndex: number,
): Promise<MeteringCounts> {
  const first = monthStart(referenceDate, -MONTHS_OF_READINGS);
  const billed = [monthStart(referenceDate, -2), monthStart(referenceDate, -1)] as const;
  // Accounts open before the earlier billed month, so both months can be charged.
  const accounts = plan.accounts
    .filter((account) => account.service === plan.service && account.premiseNumber != null && account.openedAt < billed[0])
    .slice(0, METERED_ACCOUNTS);
  if (accounts.length < 3) return { meters: 0, readings: 0, billingPeriods: 0, charges: 0, payments: 0 };
  const now = new Date();
  const installedAt = plusDays(first, -20);

  const meters = accounts.map((account, i) => ({
    kind: 'INDIVIDUAL' as const,
    buildingId: account.buildingId,
    premiseNumber: account.premiseNumber,
    service: plan.service,
    serialNumber: `${plan.serialPrefix}-${String(i + 1).padStart(4, '0')}`,
    capacityDigits: plan.capacityDigits,
    tariffZones: 1,
    installedAt,
    sealedAt: installedAt,
    verifiedAt: plusDays(installedAt, -10),
    // The last meter's verification is overdue: it is flagged and listed.
    nextVerificationAt:
      i === accounts.length - 1 ? plusDays(referenceDate.toISOString().slice(0, 10), -15) : plusDays(installedAt, 6 * 365),
  }));
  await place(
    tx,
    upsertMetersCall({ supplierId: plan.supplierId, meters, mode: 'ALL_OR_NOTHING', idempotencyKey: null, now }),
    plan.placedBy,
  );

  const capacity = 10 ** plan.capacityDigits;
  const readings = meters.flatMap((meter, i) => {
    const random = new Random(seed, 0x3e7e, planIndex, i);
    const [low, high] = plan.monthly;
    // The first meter starts close to its capacity and rolls over within the year.
    let value = i === 0 ? capacity - Math.round(2.5 * high) : 1000 + random.int(0, 5000);
    return Array.from({ length: MONTHS_OF_READINGS }, (_, month) => {
      if (month > 0) {
        const usual = low + random.int(0, high - low);
        // The second meter's eighth month is far above its average: accepted and flagged.
        value = (value + (i === 1 && month === 7 ? usual * 6 : usual)) % capacity;
      }
      return {
        serialNumber: meter.serialNumber,
        takenOn: plusDays(monthStart(referenceDate, month - MONTHS_OF_READINGS), 24),
        value: String(value),
        source: 'AUTOMATIC' as const,
      };
    });
  });
  await place(
    tx,
    submitReadingsCall({
      supplierId: plan.supplierId,
      readings,
      mode: 'ALL_OR_NOTHING',
      idempotencyKey: null,
      now,
      actor: plan.placedBy,
    }),
    plan.placedBy,
  );

  // Two billing periods charged by the readings of their months; the earlier one closed.
  const periods = new BillingPeriodManager(tx);
  const lines: ChargeRow[] = [];
  for (const month of billed) {
    await periods.open(plan.supplierId, month);
    await place(
      tx,
      chargeAccountsCall({
        supplierId: plan.supplierId,
        month,
        accounts: accounts.map((account) => ({ accountNumber: account.accountNumber })),
        mode: 'ALL_OR_NOTHING',
        idempotencyKey: null,
        written: lines,
      }),
      plan.placedBy,
    );
  }
  await periods.close(plan.supplierId, billed[0]);

  // The earlier month's bills paid in the first days of the next: in full, partly, over, then in full.
  const byAccount = new Map(lines.filter((line) => line.month === billed[0]).map((line) => [line.accountId, line.amountTiyn]));
  const accountIds = await tx.execute<{ id: string; account_number: string }>(sql`
    select id, account_number from utilities.personal_accounts
     where supplier_id = ${plan.supplierId} and account_number = any(${`{${accounts.map((a) => a.accountNumber).join(',')}}`}::text[])`);
  const idOf = new Map(accountIds.map((row) => [row.account_number, row.id]));
  const payments = accounts.map((account, i) => {
    const due = byAccount.get(idOf.get(account.accountNumber) ?? '') ?? 0n;
    const amount = i === 1 ? due / 2n : i === 2 ? due + 50_000n : due;
    return {
      key: String(i + 1),
      accountNumber: account.accountNumber,
      month: billed[0],
      amount: tenge(amount > 0n ? amount : 100n),
      paidOn: plusDays(billed[1], 4 + (i % 5)),
      channel: i % 3 === 0 ? ('AGENT' as const) : ('BANK' as const),
      agentName: i % 3 === 0 ? 'Kazpost' : 'Halyk Bank',
      reference: `${plan.serialPrefix}-${billed[0].slice(0, 7)}-${i + 1}`,
    };
  });
  const today = now.toISOString().slice(0, 10);
  await place(
    tx,
    postPaymentsCall({ supplierId: plan.supplierId, payments, mode: 'ALL_OR_NOTHING', idempotencyKey: null, today }),
    plan.placedBy,
  );
  return { meters: meters.length, readings: readings.length, billingPeriods: 2, charges: lines.length, payments: payments.length };
}

/** Removes the demo suppliers' meters, readings, billing periods, charges and payments (before their accounts), with their receipts. */
export async function resetMeteringAndBilling(tx: Transaction, supplierList: string): Promise<void> {
  const [placed] = await tx.execute<{ ids: string[] }>(sql`
    select array(
      select id::text from utilities.meters where supplier_id = any(${supplierList}::uuid[])
      union all select id::text from utilities.meter_readings where supplier_id = any(${supplierList}::uuid[])
      union all select id::text from utilities.charges where supplier_id = any(${supplierList}::uuid[])
      union all select id::text from utilities.payments where supplier_id = any(${supplierList}::uuid[])) as ids`);
  await deleteReceiptsOf(tx, placed?.ids ?? []);
  await tx.execute(sql`delete from utilities.payments where supplier_id = any(${supplierList}::uuid[])`);
  await tx.execute(sql`delete from utilities.charges where supplier_id = any(${supplierList}::uuid[])`);
  await tx.execute(sql`delete from utilities.billing_periods where supplier_id = any(${supplierList}::uuid[])`);
  await tx.execute(sql`
    delete from utilities.reading_corrections
     where meter_id in (select id from utilities.meters where supplier_id = any(${supplierList}::uuid[]))`);
  await tx.execute(sql`delete from utilities.meter_readings where supplier_id = any(${supplierList}::uuid[])`);
  await tx.execute(sql`delete from utilities.meters where supplier_id = any(${supplierList}::uuid[])`);
}
