import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { tengeOf } from '../../lib/money.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { ConflictMessages } from '../../lib/write.js';
import { type AccrualRow, CapitalRepairRepository, type PaymentRow, type SpendingRow } from './capital-repair-repository.js';
import { ManagementRepository } from './management-repository.js';
import { textFieldProblem } from './meeting-manager.js';
import { MeetingRepository } from './meeting-repository.js';

/** The most contributions or payments one call records. */
export const MAX_CONTRIBUTION_ITEMS = 10_000;

export interface ContributionItem {
  premiseId: string;
  amountTiyn: bigint;
}

export interface PaymentItem extends ContributionItem {
  paidOn: string;
}

export interface SpendingRequest {
  buildingId: string;
  decisionId: string;
  amountTiyn: bigint;
  spentOn: string;
  purpose: string;
  recordedBy: string;
  /** The subject that manages the building now (`assertStillManages`): it owns the spending's change in the feed. */
  managingSubjectId: string;
  at: Date;
}

export const capitalRepairConflicts: ConflictMessages = {
  capital_repair_accruals_premise_period_key: {
    message: 'A contribution for this period was accrued to one of these premises at the same time; read the fund and retry.',
    field: 'input.contributions',
  },
};

/**
 * Capital repair (p.4.3): contributions accrued and paid per premises, and the building's
 * fund, spent only under an approved decision of a meeting whose protocol is published and
 * not annulled, never beyond the amount the decision names nor beyond the balance. Money is
 * integer tiyn throughout. Give it the write's transaction. Each write is given the subject that
 * manages the building now (`assertStillManages`): the fund's changes are located at the building
 * and owned by that subject, who keeps the fund, so that its own system follows them in the feed.
 */
export class CapitalRepairManager {
  private readonly fund: CapitalRepairRepository;
  private readonly meetings: MeetingRepository;
  private readonly buildings: ManagementRepository;

  constructor(executor: Executor) {
    this.fund = new CapitalRepairRepository(executor);
    this.meetings = new MeetingRepository(executor);
    this.buildings = new ManagementRepository(executor);
  }

  private async buildingKato(buildingId: string): Promise<string> {
    const katoCode = await this.buildings.buildingKato(buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    return katoCode;
  }

  /** Problems of items naming premises of the building, each once, with an amount above 0. */
  private async itemProblems(buildingId: string, items: readonly ContributionItem[], list: string): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    if (items.length === 0 || items.length > MAX_CONTRIBUTION_ITEMS) {
      problems.push({ field: `input.${list}`, message: `input.${list} must hold 1 to ${MAX_CONTRIBUTION_ITEMS} items.` });
    }
    const premises = new Set(await this.meetings.premisesOf(buildingId));
    items.forEach((item, index) => {
      const at = `input.${list}[${index}]`;
      if (!premises.has(item.premiseId)) {
        problems.push({ field: `${at}.premiseId`, message: `${at}.premiseId is not a premises of this building.` });
      }
      if (item.amountTiyn <= 0n) problems.push({ field: `${at}.amount`, message: `${at}.amount must be above 0.` });
    });
    return problems;
  }

  /** Accrues each premises' contribution for a month (the first day of `period`); one accrual per premises and month. */
  async accrue(request: {
    buildingId: string;
    period: string;
    contributions: readonly ContributionItem[];
    recordedBy: string;
    managingSubjectId: string;
  }): Promise<{ accruals: AccrualRow[]; changes: ChangeDeclaration[] }> {
    const katoCode = await this.buildingKato(request.buildingId);
    const problems = await this.itemProblems(request.buildingId, request.contributions, 'contributions');
    if (!request.period.endsWith('-01')) {
      problems.push({ field: 'input.period', message: 'input.period must be the first day of the month accrued, e.g. 2026-10-01.' });
    }
    const seen = new Set<string>();
    request.contributions.forEach((item, index) => {
      if (seen.has(item.premiseId)) {
        problems.push({
          field: `input.contributions[${index}].premiseId`,
          message: `input.contributions[${index}] names a premises already listed.`,
        });
      }
      seen.add(item.premiseId);
    });
    if (problems.length > 0) throw badUserInput(problems);
    const already = await this.fund.accruedAlready([...seen], request.period);
    if (already.length > 0) {
      throw conflict(
        `${already.length} of these premises already have a contribution accrued for ${request.period}; nothing was written.`,
        'input.contributions',
      );
    }
    const accruals = await this.fund.insertAccruals(
      request.contributions.map((item) => ({
        buildingId: request.buildingId,
        premiseId: item.premiseId,
        period: request.period,
        amountTiyn: item.amountTiyn,
        recordedBy: request.recordedBy,
      })),
    );
    return {
      accruals,
      changes: accruals.map(
        (row): ChangeDeclaration => ({
          type: 'CAPITAL_REPAIR_ACCRUAL',
          id: row.id,
          operation: 'CREATED',
          katoCode,
          subjectId: request.managingSubjectId,
        }),
      ),
    };
  }

  /** Records contributions paid into the fund, each for a premises of the building, none dated after today. */
  async pay(request: {
    buildingId: string;
    payments: readonly PaymentItem[];
    recordedBy: string;
    managingSubjectId: string;
    at: Date;
  }): Promise<{ payments: PaymentRow[]; changes: ChangeDeclaration[] }> {
    const katoCode = await this.buildingKato(request.buildingId);
    const problems = await this.itemProblems(request.buildingId, request.payments, 'payments');
    const today = almatyDate(request.at);
    request.payments.forEach((item, index) => {
      if (item.paidOn > today) {
        problems.push({
          field: `input.payments[${index}].paidOn`,
          message: `input.payments[${index}].paidOn must not be after today (${today}).`,
        });
      }
    });
    if (problems.length > 0) throw badUserInput(problems);
    const payments = await this.fund.insertPayments(
      request.payments.map((item) => ({
        buildingId: request.buildingId,
        premiseId: item.premiseId,
        paidOn: item.paidOn,
        amountTiyn: item.amountTiyn,
        recordedBy: request.recordedBy,
      })),
    );
    return {
      payments,
      changes: payments.map(
        (row): ChangeDeclaration => ({
          type: 'CAPITAL_REPAIR_PAYMENT',
          id: row.id,
          operation: 'CREATED',
          katoCode,
          subjectId: request.managingSubjectId,
        }),
      ),
    };
  }

  /**
   * Spends from the fund under a decision: an approved question of a kind that authorizes
   * spending, of a meeting of this building whose protocol is published and not annulled.
   * Refused (BAD_USER_INPUT on the field at fault, nothing written) otherwise, and beyond the
   * decision's remaining amount or the fund's balance.
   */
  async spend(request: SpendingRequest): Promise<{ spending: SpendingRow; changes: ChangeDeclaration[] }> {
    const katoCode = await this.buildingKato(request.buildingId);
    const problems: FieldProblem[] = [];
    const purposeProblem = textFieldProblem(request.purpose, 'input.purpose', 2000);
    if (purposeProblem) problems.push(purposeProblem);
    if (request.amountTiyn <= 0n) problems.push({ field: 'input.amount', message: 'input.amount must be above 0.' });
    if (request.spentOn > almatyDate(request.at)) {
      problems.push({ field: 'input.spentOn', message: 'input.spentOn must not be after today.' });
    }
    if (problems.length > 0) throw badUserInput(problems);

    await this.fund.lockFund(request.buildingId);
    const decision = await this.fund.decision(request.decisionId);
    if (!decision || decision.buildingId !== request.buildingId) {
      throw notFound('The decision (a question of a meeting of this building) given in input.decisionId', 'input.decisionId');
    }
    const refuse = (message: string) =>
      badUserInput({
        field: 'input.decisionId',
        message: `${message} The fund is spent only under an approved decision of the owners' meeting; nothing was written.`,
      });
    if (!decision.authorizesFundSpending) throw refuse('This question is not of a kind that decides to spend the capital repair fund.');
    if (decision.approved !== true) throw refuse('The meeting did not approve this question (or has not been tallied).');
    if (decision.protocolAnnulledAt) throw refuse('The protocol of this decision was annulled.');
    if (!decision.protocolPublishedAt) throw refuse('The protocol of this decision is not signed and published yet.');
    const remaining = (decision.fundSpendingTiyn ?? 0n) - decision.spentTiyn;
    if (request.amountTiyn > remaining) {
      throw badUserInput({
        field: 'input.amount',
        message: `input.amount exceeds what the decision still allows (${tengeOf(remaining)} of ${tengeOf(decision.fundSpendingTiyn ?? 0n)} tenge); nothing was written.`,
      });
    }
    const [totals] = await this.fund.totalsOf([request.buildingId]);
    const balance = (totals?.paidTiyn ?? 0n) - (totals?.spentTiyn ?? 0n);
    if (request.amountTiyn > balance) {
      throw badUserInput({
        field: 'input.amount',
        message: `input.amount exceeds the fund's balance (${tengeOf(balance)} tenge); nothing was written.`,
      });
    }
    const spending = await this.fund.insertSpending({
      buildingId: request.buildingId,
      decisionId: request.decisionId,
      spentOn: request.spentOn,
      amountTiyn: request.amountTiyn,
      purpose: request.purpose,
      recordedBy: request.recordedBy,
    });
    return {
      spending,
      changes: [{ type: 'CAPITAL_REPAIR_SPENDING', id: spending.id, operation: 'CREATED', katoCode, subjectId: request.managingSubjectId }],
    };
  }
}
