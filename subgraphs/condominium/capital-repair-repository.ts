import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { uuidArray } from '../../lib/uuid.js';
import {
  capitalRepairAccruals,
  capitalRepairPayments,
  capitalRepairSpendings,
  meetingQuestions,
  meetings,
  protocols,
  questionKinds,
} from '../../schema/condominium.js';

export type AccrualRow = typeof capitalRepairAccruals.$inferSelect;
export type PaymentRow = typeof capitalRepairPayments.$inferSelect;
export type SpendingRow = typeof capitalRepairSpendings.$inferSelect;

/** A building's fund in tiyn: accrued and paid by its premises, spent under decisions; the balance is paid − spent. */
export interface FundTotals {
  buildingId: string;
  accruedTiyn: bigint;
  paidTiyn: bigint;
  spentTiyn: bigint;
}

/** One premises' contributions in tiyn. */
export interface PremiseContributions {
  buildingId: string;
  premiseId: string;
  accruedTiyn: bigint;
  paidTiyn: bigint;
}

/** A meeting's question as a decision to spend the fund: what the spending check needs. */
export interface SpendingDecision {
  questionId: string;
  buildingId: string;
  authorizesFundSpending: boolean;
  approved: boolean | null;
  fundSpendingTiyn: bigint | null;
  protocolPublishedAt: Date | null;
  protocolAnnulledAt: Date | null;
  spentTiyn: bigint;
}

/** The SQL of capital repair: contributions accrued and paid per premises, spending under decisions. */
export class CapitalRepairRepository {
  constructor(private readonly executor: Executor) {}

  /** Holds the fund of one building until the transaction ends, so two spendings never overdraw it together. */
  async lockFund(buildingId: string): Promise<void> {
    await this.executor.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`condominium.capital-repair:${buildingId}`}, 0))`);
  }

  async insertAccruals(rows: ReadonlyArray<typeof capitalRepairAccruals.$inferInsert>): Promise<AccrualRow[]> {
    return this.executor
      .insert(capitalRepairAccruals)
      .values([...rows])
      .returning();
  }

  async insertPayments(rows: ReadonlyArray<typeof capitalRepairPayments.$inferInsert>): Promise<PaymentRow[]> {
    return this.executor
      .insert(capitalRepairPayments)
      .values([...rows])
      .returning();
  }

  async insertSpending(row: typeof capitalRepairSpendings.$inferInsert): Promise<SpendingRow> {
    const [inserted] = await this.executor.insert(capitalRepairSpendings).values(row).returning();
    if (!inserted) throw new Error('The spending was not recorded.');
    return inserted;
  }

  /** The premises of `premiseIds` that already have an accrual for `period`. */
  async accruedAlready(premiseIds: readonly string[], period: string): Promise<string[]> {
    if (premiseIds.length === 0) return [];
    const rows = await this.executor
      .select({ premiseId: capitalRepairAccruals.premiseId })
      .from(capitalRepairAccruals)
      .where(and(inArray(capitalRepairAccruals.premiseId, [...premiseIds]), eq(capitalRepairAccruals.period, period)));
    return rows.map((row) => row.premiseId);
  }

  /** The fund totals of these buildings, in one statement (a building with no movement has zeros). */
  async totalsOf(buildingIds: readonly string[]): Promise<FundTotals[]> {
    if (buildingIds.length === 0) return [];
    const rows = await this.executor.execute<{ building_id: string; accrued: string; paid: string; spent: string }>(sql`
      select b.id::text as building_id,
             coalesce((select sum(a.amount_tiyn) from condominium.capital_repair_accruals a where a.building_id = b.id), 0)::text as accrued,
             coalesce((select sum(p.amount_tiyn) from condominium.capital_repair_payments p where p.building_id = b.id), 0)::text as paid,
             coalesce((select sum(s.amount_tiyn) from condominium.capital_repair_spendings s where s.building_id = b.id), 0)::text as spent
        from unnest(${uuidArray([...new Set(buildingIds)])}::uuid[]) as b(id)`);
    return rows.map((row) => ({
      buildingId: row.building_id,
      accruedTiyn: BigInt(row.accrued),
      paidTiyn: BigInt(row.paid),
      spentTiyn: BigInt(row.spent),
    }));
  }

  /** Each premises' accrued and paid contributions in these buildings (premises with any), in one statement. */
  async premisesOf(buildingIds: readonly string[]): Promise<PremiseContributions[]> {
    if (buildingIds.length === 0) return [];
    const rows = await this.executor.execute<{ building_id: string; premise_id: string; accrued: string; paid: string }>(sql`
      select building_id::text, premise_id::text, sum(accrued)::text as accrued, sum(paid)::text as paid
        from (select building_id, premise_id, amount_tiyn as accrued, 0::bigint as paid
                from condominium.capital_repair_accruals where building_id = any(${uuidArray([...new Set(buildingIds)])}::uuid[])
              union all
              select building_id, premise_id, 0::bigint, amount_tiyn
                from condominium.capital_repair_payments where building_id = any(${uuidArray([...new Set(buildingIds)])}::uuid[])) movements
       group by building_id, premise_id
       order by building_id, premise_id`);
    return rows.map((row) => ({
      buildingId: row.building_id,
      premiseId: row.premise_id,
      accruedTiyn: BigInt(row.accrued),
      paidTiyn: BigInt(row.paid),
    }));
  }

  /** Spendings of these buildings, latest first. */
  spendingsOf(buildingIds: readonly string[]): Promise<SpendingRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(capitalRepairSpendings)
      .where(inArray(capitalRepairSpendings.buildingId, [...buildingIds]))
      .orderBy(sql`${capitalRepairSpendings.spentOn} desc, ${capitalRepairSpendings.createdAt} desc`);
  }

  /** The question as a spending decision: its kind's authority, its result, its protocol's state, what was spent under it. */
  async decision(questionId: string): Promise<SpendingDecision | null> {
    const [row] = await this.executor
      .select({
        questionId: meetingQuestions.id,
        buildingId: meetings.buildingId,
        authorizesFundSpending: questionKinds.authorizesFundSpending,
        approved: meetingQuestions.approved,
        fundSpendingTiyn: meetingQuestions.fundSpendingTiyn,
        protocolPublishedAt: protocols.publishedAt,
        protocolAnnulledAt: protocols.annulledAt,
        spentTiyn: sql<string>`(select coalesce(sum(s.amount_tiyn), 0)::text from condominium.capital_repair_spendings s where s.decision_id = ${meetingQuestions.id})`,
      })
      .from(meetingQuestions)
      .innerJoin(meetings, eq(meetings.id, meetingQuestions.meetingId))
      .innerJoin(questionKinds, eq(questionKinds.code, meetingQuestions.kind))
      .leftJoin(protocols, eq(protocols.meetingId, meetings.id))
      .where(eq(meetingQuestions.id, questionId));
    return row ? { ...row, spentTiyn: BigInt(row.spentTiyn) } : null;
  }
}
