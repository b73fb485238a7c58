import { tengeOf } from '../../lib/money.js';
import type { DocumentRow } from './document-repository.js';
import { periodLabel, periodOfRow } from './report-deadlines.js';
import type { ReportLineRow, ReportRow, ReportWorkRow } from './report-repository.js';
import { canonicalBytes } from './signed-publication.js';

/**
 * The machine-readable form of a report (p.5), as it is signed: its period, version and what
 * it corrects, the manager, every line, the balances, the capital-repair fund, the works,
 * and the attached documents by id, size and SHA-256 (so the signature covers them too). Amounts in
 * tenge as decimal strings. Built from the stored rows only, the same way when the draft
 * shows it to the signer and when the signature is checked.
 */
export function reportContent(
  report: ReportRow,
  lines: readonly ReportLineRow[],
  works: readonly ReportWorkRow[],
  documents: readonly DocumentRow[],
) {
  const line = (row: ReportLineRow) => ({ category: row.category, description: row.description, amount: tengeOf(row.amount) });
  return {
    type: 'condominium.report',
    reportId: report.id,
    buildingId: report.buildingId,
    kind: report.kind,
    period: periodLabel(periodOfRow(report)),
    version: report.version,
    replacesReportId: report.replacesId,
    correctionReason: report.correctionReason,
    managerSubjectId: report.managerSubjectId,
    openingBalance: tengeOf(report.openingBalance),
    income: lines.filter((row) => row.direction === 'INCOME').map(line),
    incomeTotal: tengeOf(report.incomeTotal),
    expenses: lines.filter((row) => row.direction === 'EXPENSE').map(line),
    expenseTotal: tengeOf(report.expenseTotal),
    closingBalance: tengeOf(report.closingBalance),
    capitalRepair: {
      openingBalance: tengeOf(report.fundOpeningBalance),
      contributions: tengeOf(report.fundContributions),
      spending: tengeOf(report.fundSpending),
      closingBalance: tengeOf(report.fundClosingBalance),
    },
    works: works.map((work) => ({ description: work.description, cost: tengeOf(work.cost), completedOn: work.completedOn })),
    // By id, size and SHA-256 only: a file's name may name a person, and published reports are open part.
    documents: documents.map((document) => ({ id: document.id, size: document.size, sha256: document.sha256 })),
  };
}

export function reportCanonicalBytes(...parts: Parameters<typeof reportContent>): Uint8Array {
  return canonicalBytes(reportContent(...parts));
}

/** How the verification page names a report, e.g. "Monthly report for 2026-10" or "Annual report for 2026, correction 2". */
export function reportTitle(report: ReportRow): string {
  const label = periodLabel(periodOfRow(report));
  const base = `${report.kind === 'MONTHLY' ? 'Monthly' : 'Annual'} report for ${label}`;
  return report.version > 1 ? `${base}, correction ${report.version - 1}` : base;
}
