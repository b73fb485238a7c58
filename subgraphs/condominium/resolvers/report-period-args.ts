import { badUserInput } from '../../../lib/errors.js';
import type { ReportKind } from '../../../schema/condominium.js';
import { type ReportPeriod, reportPeriod } from '../report-deadlines.js';
import type { ComplianceRow } from '../report-repository.js';
import type { ComplianceAnswer } from './Report.js';

/** A period from `kind`, `year`, `month` arguments; BAD_USER_INPUT naming the argument. */
export function parsePeriod(kind: ReportKind, year: number, month: number | null | undefined): ReportPeriod {
  if (!Number.isInteger(year) || year < 2000 || year > 2200)
    throw badUserInput({ field: 'year', message: 'year must be a year from 2000 to 2200.' });
  if (kind === 'MONTHLY' && (month === null || month === undefined || month < 1 || month > 12))
    throw badUserInput({ field: 'month', message: 'month must be 1 to 12 for a monthly report.' });
  if (kind === 'ANNUAL' && month !== null && month !== undefined)
    throw badUserInput({ field: 'month', message: 'month must be absent for an annual report.' });
  return reportPeriod(kind, year, kind === 'MONTHLY' ? (month as number) : null);
}

export function complianceAnswer(row: ComplianceRow, period: ReportPeriod): ComplianceAnswer {
  return {
    buildingId: row.buildingId,
    kind: period.kind,
    year: period.year,
    month: period.month,
    dueDate: period.dueDate,
    status: row.status,
    managerSubjectId: row.managerSubjectId,
    firstPublishedAt: row.firstPublishedAt,
    reportId: row.reportId,
  };
}
