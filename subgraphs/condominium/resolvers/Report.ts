import { tengeOf } from '../../../lib/money.js';
import type { Context } from '../context.js';
import { attachmentKey } from '../loaders.js';
import { reportCanonicalBytes } from '../report-content.js';
import { periodOfRow } from '../report-deadlines.js';
import type { ReportRow } from '../report-repository.js';
import { sha256Hex } from '../signed-publication.js';

const line = (row: { category: string; description: string | null; amount: bigint }) => ({
  category: row.category,
  description: row.description,
  amount: tengeOf(row.amount),
});

/**
 * The bytes to sign: for a draft, built from the request's loaders by the same function the
 * signature is checked against; once signed, exactly the bytes that were signed, as kept.
 */
async function canonicalOf(report: ReportRow, context: Context): Promise<Uint8Array> {
  if (report.status !== 'DRAFT') {
    const signed = await context.loaders.publicationByRecord.load(report.id);
    if (signed) return new Uint8Array(signed.content);
  }
  const [lines, works, documents] = await Promise.all([
    context.loaders.reportLines.load(report.id),
    context.loaders.reportWorks.load(report.id),
    context.loaders.attachedDocuments.load(attachmentKey('REPORT', report.id)),
  ]);
  return reportCanonicalBytes(report, lines, works, documents);
}

/** A report is served from its row; money as tenge strings; relations through the request's loaders. */
export const Report = {
  building: (row: ReportRow) => ({ id: row.buildingId }),
  year: (row: ReportRow) => periodOfRow(row).year,
  month: (row: ReportRow) => periodOfRow(row).month,
  dueDate: (row: ReportRow) => periodOfRow(row).dueDate,
  replaces: (row: ReportRow, _args: unknown, context: Context) => (row.replacesId ? context.loaders.reportById.load(row.replacesId) : null),
  replacedBy: (row: ReportRow, _args: unknown, context: Context) => context.loaders.reportReplacedBy.load(row.id),
  openingBalance: (row: ReportRow) => tengeOf(row.openingBalance),
  incomeTotal: (row: ReportRow) => tengeOf(row.incomeTotal),
  expenseTotal: (row: ReportRow) => tengeOf(row.expenseTotal),
  closingBalance: (row: ReportRow) => tengeOf(row.closingBalance),
  income: async (row: ReportRow, _args: unknown, context: Context) =>
    (await context.loaders.reportLines.load(row.id)).filter((entry) => entry.direction === 'INCOME').map(line),
  expenses: async (row: ReportRow, _args: unknown, context: Context) =>
    (await context.loaders.reportLines.load(row.id)).filter((entry) => entry.direction === 'EXPENSE').map(line),
  capitalRepair: (row: ReportRow) => ({
    openingBalance: tengeOf(row.fundOpeningBalance),
    contributions: tengeOf(row.fundContributions),
    spending: tengeOf(row.fundSpending),
    closingBalance: tengeOf(row.fundClosingBalance),
  }),
  works: async (row: ReportRow, _args: unknown, context: Context) =>
    (await context.loaders.reportWorks.load(row.id)).map((work) => ({
      description: work.description,
      cost: tengeOf(work.cost),
      completedOn: work.completedOn,
    })),
  documents: (row: ReportRow, _args: unknown, context: Context) => context.loaders.attachedDocuments.load(attachmentKey('REPORT', row.id)),
  canonicalContent: async (row: ReportRow, _args: unknown, context: Context) =>
    Buffer.from(await canonicalOf(row, context)).toString('base64'),
  contentSha256: async (row: ReportRow, _args: unknown, context: Context) => sha256Hex(await canonicalOf(row, context)),
  signature: (row: ReportRow, _args: unknown, context: Context) =>
    row.status === 'DRAFT' ? null : context.loaders.publicationByRecord.load(row.id),
};

/** A compliance row of `ReportRepository.compliance`, with the period it was asked for. */
export interface ComplianceAnswer {
  buildingId: string;
  kind: 'MONTHLY' | 'ANNUAL';
  year: number;
  month: number | null;
  dueDate: string;
  status: string;
  managerSubjectId: string;
  firstPublishedAt: Date | null;
  reportId: string | null;
}

export const ReportCompliance = {
  building: (row: ComplianceAnswer) => ({ id: row.buildingId }),
  report: (row: ComplianceAnswer, _args: unknown, context: Context) =>
    row.reportId ? context.loaders.reportById.load(row.reportId) : null,
};
