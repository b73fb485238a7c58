import { badUserInput } from '../../../lib/errors.js';
import { parseId } from '../../../lib/ids.js';
import { katoCodeProblem, katoPrefix } from '../../../lib/kato.js';
import { parsePage, toConnection } from '../../../lib/pagination.js';
import type { ReportKind } from '../../../schema/condominium.js';
import type { Context } from '../context.js';
import type { ComplianceStatus } from '../report-deadlines.js';
import { normalizeVerificationCode } from '../signed-publication.js';
import { complianceAnswer, parsePeriod } from './report-period-args.js';

export const Query = {
  /** Empty for a building with no assignment, also for an id no building has (a look-up of nothing is not an error). */
  managementHistory(_parent: unknown, args: { buildingId: string }, context: Context) {
    return context.loaders.managementHistory.load(parseId(args.buildingId, 'buildingId', 'a building'));
  },

  document(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.documentById.load(parseId(args.id, 'id', 'a document'));
  },

  /** Only published records verify; a signed draft is nobody's business but its manager's. */
  async verifyPublication(_parent: unknown, args: { id?: string | null; code?: string | null }, context: Context) {
    const hasId = args.id !== undefined && args.id !== null;
    const hasCode = args.code !== undefined && args.code !== null;
    if (hasId === hasCode) throw badUserInput({ field: 'id', message: 'Give exactly one of id and code.' });
    if (hasCode) {
      const code = normalizeVerificationCode(args.code as string);
      if (!code)
        throw badUserInput({ field: 'code', message: 'code must be the 12 letters and digits printed on paper, e.g. 7KQ2-M9XD-4TRA.' });
      return context.loaders.publishedByCode.load(code);
    }
    const row = await context.loaders.publicationByRecord.load(parseId(args.id, 'id', 'a report or protocol'));
    return row?.publishedAt ? row : null;
  },

  /** Published only: a draft is its manager's (`reportDrafts`). */
  async report(_parent: unknown, args: { id: string }, context: Context) {
    const row = await context.loaders.reportById.load(parseId(args.id, 'id', 'a report'));
    return row?.status === 'PUBLISHED' ? row : null;
  },

  reports(_parent: unknown, args: { buildingId: string; kind?: ReportKind | null; year?: number | null }, context: Context) {
    return context.loaders.publishedReports.load({
      buildingId: parseId(args.buildingId, 'buildingId', 'a building'),
      kind: args.kind ?? null,
      year: args.year ?? null,
    });
  },

  reportDrafts(_parent: unknown, args: { buildingId: string }, context: Context) {
    return context.loaders.reportDrafts.load(parseId(args.buildingId, 'buildingId', 'a building'));
  },

  /** The rule checked the territory; the KATO code is parsed again here for the prefix. */
  async reportCompliance(
    _parent: unknown,
    args: {
      katoCode: string;
      kind: ReportKind;
      year: number;
      month?: number | null;
      statuses?: ComplianceStatus[] | null;
      first?: number | null;
      after?: string | null;
    },
    context: Context,
  ) {
    const katoProblem = katoCodeProblem('katoCode', args.katoCode ?? '');
    if (katoProblem) throw badUserInput(katoProblem);
    const period = parsePeriod(args.kind, args.year, args.month);
    const page = parsePage(args, 'reportCompliance', 'buildings');
    const rows = await context.loaders.compliancePage.load({
      kind: args.kind,
      periodStart: period.start,
      periodEnd: period.end,
      lateFrom: period.lateFrom,
      now: context.receivedAt,
      katoPrefix: katoPrefix(args.katoCode),
      ...(args.statuses ? { statuses: args.statuses } : {}),
      afterBuildingId: page.after?.id ?? null,
      limit: page.first + 1,
    });
    return toConnection(
      'reportCompliance',
      rows.map((row) => complianceAnswer(row, period)),
      page,
      (row) => ({ id: row.buildingId }),
    );
  },

  /** The rule let only a person through: their own premises, by their IIN. */
  async myPremises(_parent: unknown, _args: unknown, context: Context) {
    if (context.caller.kind !== 'person') return [];
    return (await context.loaders.premisesOwnedByPerson.load(context.caller.personId)).map((id) => ({ id }));
  },
};
