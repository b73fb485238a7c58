import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { textProblem } from '../../lib/input-values.js';
import { parseSignedTenge, parseTenge, tengeOf } from '../../lib/money.js';
import { parseDate } from '../../lib/scalars.js';
import type { ReportKind } from '../../schema/condominium.js';
import { type ReportPeriod, reportPeriod } from './report-deadlines.js';
import type { NewReportContent } from './report-repository.js';

/** Income categories of a report (the API's `IncomeCategory`). */
export const incomeCategories = [
  'OWNERS_CONTRIBUTIONS',
  'RENT_OF_COMMON_PROPERTY',
  'ADVERTISING',
  'INTEREST',
  'SUBSIDIES',
  'OTHER_INCOME',
] as const;

/** Expense categories of a report (the API's `ExpenseCategory`). */
export const expenseCategories = [
  'MANAGEMENT',
  'SALARIES',
  'CLEANING',
  'COMMON_UTILITIES',
  'MAINTENANCE_AND_REPAIR',
  'LIFT_MAINTENANCE',
  'WASTE_REMOVAL',
  'SECURITY',
  'BANK_FEES',
  'TAXES',
  'OTHER_EXPENSE',
] as const;

export interface ReportLineInput {
  category: string;
  description?: string | null;
  amount: string;
}

export interface ReportWorkInput {
  description: string;
  cost: string;
  completedOn?: string | null;
}

/** `draftReport`'s input, ids already parsed. */
export interface DraftReportInput {
  buildingId: string;
  kind: ReportKind;
  year: number;
  month?: number | null;
  replacesReportId: string | null;
  correctionReason?: string | null;
  openingBalance: string;
  income: ReportLineInput[];
  expenses: ReportLineInput[];
  incomeTotal: string;
  expenseTotal: string;
  closingBalance: string;
  capitalRepair: { openingBalance: string; contributions: string; spending: string; closingBalance: string };
  works: ReportWorkInput[];
  documentIds: string[];
}

/** What a valid input becomes: the rows to write (without the manager, version and author) and its period. */
export interface CheckedReport {
  period: ReportPeriod;
  content: NewReportContent;
}

const MAX_LINES = 200;
const MAX_TEXT = 1000;

/**
 * Checks a report's input, every problem at once: the period (a month or a year that has
 * ended by `today`), amounts (tenge with up to 2 places; lines and works not negative), texts,
 * and that the totals add up: the lines to their totals, the opening balance plus income
 * minus expenses to the closing balance, and the same for the capital-repair fund. A report
 * that does not add up is refused whole (BAD_USER_INPUT, each wrong total named with what
 * it should be), so nothing is written.
 */
export function checkReportInput(input: DraftReportInput, today: string): CheckedReport {
  const problems: FieldProblem[] = [];
  let amountRefused = false;
  const money = (field: string, text: string, options: { negative?: boolean } = {}): bigint => {
    const tiyn = options.negative ? parseSignedTenge(text, field) : parseTenge(text, field);
    if (typeof tiyn === 'bigint') return tiyn;
    amountRefused = true;
    problems.push(tiyn);
    return 0n;
  };
  const text = (field: string, value: string | null | undefined, required: boolean): string | null => {
    if (value === null || value === undefined || value.trim() === '') {
      if (required) problems.push({ field, message: `${field} must not be empty.` });
      return null;
    }
    if (value.length > MAX_TEXT) problems.push({ field, message: `${field} must be at most ${MAX_TEXT} characters.` });
    else if (textProblem(value)) problems.push({ field, message: `${field} must be well-formed text.` });
    return value;
  };

  // The period.
  let period: ReportPeriod | null = null;
  const year = input.year;
  const month = input.month ?? null;
  if (!Number.isInteger(year) || year < 2000 || year > 2200)
    problems.push({ field: 'input.year', message: 'input.year must be a year from 2000.' });
  else if (input.kind === 'MONTHLY' && (month === null || !Number.isInteger(month) || month < 1 || month > 12))
    problems.push({ field: 'input.month', message: 'input.month must be 1 to 12 for a monthly report.' });
  else if (input.kind === 'ANNUAL' && month !== null)
    problems.push({ field: 'input.month', message: 'input.month must be absent for an annual report.' });
  else {
    period = reportPeriod(input.kind, year, month);
    if (period.end >= today)
      problems.push({ field: 'input.year', message: `The period ends on ${period.end}; its report can be drafted from the day after.` });
  }

  // Correction.
  const reason = text('input.correctionReason', input.correctionReason, input.replacesReportId !== null);
  if (input.replacesReportId === null && reason !== null)
    problems.push({
      field: 'input.correctionReason',
      message: 'input.correctionReason is only for a correction (with input.replacesReportId).',
    });

  // Lines and their totals.
  const lines = (list: ReportLineInput[], field: string, categories: readonly string[], direction: 'INCOME' | 'EXPENSE') => {
    if (list.length > MAX_LINES) problems.push({ field, message: `${field} may have at most ${MAX_LINES} lines.` });
    return list.map((line, position) => {
      if (!categories.includes(line.category))
        problems.push({
          field: `${field}[${position}].category`,
          message: `${field}[${position}].category is not a category of this list.`,
        });
      return {
        direction,
        position,
        category: line.category,
        description: text(`${field}[${position}].description`, line.description, false),
        amount: money(`${field}[${position}].amount`, line.amount),
      };
    });
  };
  const income = lines(input.income, 'input.income', incomeCategories, 'INCOME');
  const expenses = lines(input.expenses, 'input.expenses', expenseCategories, 'EXPENSE');
  const sum = (list: { amount: bigint }[]) => list.reduce((total, line) => total + line.amount, 0n);
  const opening = money('input.openingBalance', input.openingBalance, { negative: true });
  const incomeTotal = money('input.incomeTotal', input.incomeTotal);
  const expenseTotal = money('input.expenseTotal', input.expenseTotal);
  const closing = money('input.closingBalance', input.closingBalance, { negative: true });
  const fund = input.capitalRepair;
  const fundOpening = money('input.capitalRepair.openingBalance', fund.openingBalance, { negative: true });
  const contributions = money('input.capitalRepair.contributions', fund.contributions);
  const spending = money('input.capitalRepair.spending', fund.spending);
  const fundClosing = money('input.capitalRepair.closingBalance', fund.closingBalance, { negative: true });

  const works = input.works.map((work, position) => {
    const field = `input.works[${position}]`;
    let completedOn: string | null = null;
    if (work.completedOn) {
      try {
        completedOn = parseDate(work.completedOn);
        if (period && (completedOn < period.start || completedOn > period.end))
          problems.push({
            field: `${field}.completedOn`,
            message: `${field}.completedOn must be within the period (${period.start} to ${period.end}).`,
          });
      } catch {
        problems.push({ field: `${field}.completedOn`, message: `${field}.completedOn must be a date, YYYY-MM-DD.` });
      }
    }
    return {
      position,
      description: text(`${field}.description`, work.description, true) ?? '',
      cost: money(`${field}.cost`, work.cost),
      completedOn,
    };
  });
  if (works.length > MAX_LINES) problems.push({ field: 'input.works', message: `input.works may have at most ${MAX_LINES} items.` });

  // The totals add up, each checked only when its parts are amounts at all.
  if (!amountRefused) {
    const adds = (field: string, stated: bigint, computed: bigint, how: string) => {
      if (stated !== computed)
        problems.push({
          field,
          message: `${field} is ${tengeOf(stated)}, but ${how} gives ${tengeOf(computed)}; the report does not add up.`,
        });
    };
    adds('input.incomeTotal', incomeTotal, sum(income), 'the sum of the income lines');
    adds('input.expenseTotal', expenseTotal, sum(expenses), 'the sum of the expense lines');
    adds('input.closingBalance', closing, opening + incomeTotal - expenseTotal, 'the opening balance plus income minus expenses');
    adds(
      'input.capitalRepair.closingBalance',
      fundClosing,
      fundOpening + contributions - spending,
      'the fund’s opening balance plus contributions minus spending',
    );
  }
  if (problems.length > 0 || !period) throw badUserInput(problems);

  return {
    period,
    content: {
      report: {
        buildingId: input.buildingId,
        kind: input.kind,
        periodStart: period.start,
        version: 1,
        replacesId: input.replacesReportId,
        correctionReason: reason,
        managerSubjectId: '',
        openingBalance: opening,
        incomeTotal,
        expenseTotal,
        closingBalance: closing,
        fundOpeningBalance: fundOpening,
        fundContributions: contributions,
        fundSpending: spending,
        fundClosingBalance: fundClosing,
        draftedBy: '',
      },
      lines: [...income, ...expenses],
      works,
    },
  };
}
