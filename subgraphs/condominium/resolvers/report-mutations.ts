import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import type { Executor } from '../../../lib/db.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { configuredTrustStore } from '../../../lib/signatures/trust-store-config.js';
import { placeWrite } from '../../../lib/write.js';
import type { ReportChannel, ReportKind } from '../../../schema/condominium.js';
import { assertStillManages, managingSubjectsOf } from '../building-rights.js';
import type { Context } from '../context.js';
import type { DraftReportInput, ReportLineInput, ReportWorkInput } from '../report-input.js';
import { type Acting, ReportManager, reportConflicts } from '../report-manager.js';
import { parseDocumentIds } from './document-ids.js';

interface DraftReportArgs {
  buildingId: string;
  kind: ReportKind;
  year: number;
  month?: number | null;
  replacesReportId?: string | null;
  correctionReason?: string | null;
  openingBalance: string;
  income: ReportLineInput[];
  expenses: ReportLineInput[];
  incomeTotal: string;
  expenseTotal: string;
  closingBalance: string;
  capitalRepair: DraftReportInput['capitalRepair'];
  works: ReportWorkInput[];
  documentIds?: string[] | null;
}

/**
 * Who acts for the building inside the write: the caller's subject that manages it now,
 * its assignment locked until commit (FORBIDDEN, nothing written, once it no longer does).
 */
async function acting(tx: Executor, context: Context, buildingId: string): Promise<Acting> {
  const managerSubjectId = await assertStillManages(tx, managingSubjectsOf(context.caller), buildingId);
  return { managerSubjectId, actor: actorOf(context.caller), at: context.receivedAt };
}

/** The building of a report named by `reportId`, for the write (the rule already read it through the loader). */
async function buildingOfReport(context: Context, reportId: string): Promise<string> {
  const report = await context.loaders.reportById.load(reportId);
  return report?.buildingId ?? '';
}

/** Reports (p.5): each a placement with its receipt; the rule decided that the caller manages the building. */
export const reportMutations = {
  draftReport(_parent: unknown, { input }: { input: DraftReportArgs }, context: Context, info: GraphQLResolveInfo) {
    const request: DraftReportInput = {
      ...input,
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      replacesReportId: parseOptionalId(input.replacesReportId, 'input.replacesReportId', 'a report'),
      documentIds: parseDocumentIds(input.documentIds),
    };
    return placeWrite(context, info, {
      operation: 'condominium.draftReport',
      conflicts: reportConflicts,
      async run(tx) {
        const { report, changes } = await new ReportManager(tx).draft(request, await acting(tx, context, request.buildingId));
        return { payload: { report }, objectIds: [report.id], changes };
      },
    });
  },

  async signReport(_parent: unknown, args: { reportId: string; signature: string }, context: Context, info: GraphQLResolveInfo) {
    const reportId = parseId(args.reportId, 'reportId', 'a report');
    const buildingId = await buildingOfReport(context, reportId);
    const trust = configuredTrustStore();
    return placeWrite(context, info, {
      operation: 'condominium.signReport',
      conflicts: reportConflicts,
      async run(tx) {
        const { report, changes } = await new ReportManager(tx).sign(
          reportId,
          args.signature,
          trust,
          await acting(tx, context, buildingId),
        );
        return { payload: { report }, objectIds: [report.id], changes };
      },
    });
  },

  async publishReport(
    _parent: unknown,
    args: { reportId: string; channels?: ReportChannel[] | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const reportId = parseId(args.reportId, 'reportId', 'a report');
    const buildingId = await buildingOfReport(context, reportId);
    return placeWrite(context, info, {
      operation: 'condominium.publishReport',
      async run(tx) {
        const { report, changes } = await new ReportManager(tx).publish(
          reportId,
          await acting(tx, context, buildingId),
          args.channels ?? ['DIGITAL_OBJECT'],
        );
        return { payload: { report }, objectIds: [report.id], changes };
      },
    });
  },

  async discardReport(_parent: unknown, args: { reportId: string }, context: Context, info: GraphQLResolveInfo) {
    const reportId = parseId(args.reportId, 'reportId', 'a report');
    const buildingId = await buildingOfReport(context, reportId);
    return placeWrite(context, info, {
      operation: 'condominium.discardReport',
      async run(tx) {
        const { report, changes } = await new ReportManager(tx).discard(reportId, await acting(tx, context, buildingId));
        return { payload: { reportId: report.id }, objectIds: [report.id], changes };
      },
    });
  },
};
