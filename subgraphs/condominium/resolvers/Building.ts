import { isUuid } from '../../../lib/uuid.js';
import type { ReportKind } from '../../../schema/condominium.js';
import type { Context } from '../context.js';
import { complianceKey } from '../loaders.js';
import { complianceAnswer, parsePeriod } from './report-period-args.js';

/** The buildings subgraph owns buildings; this one adds who manages them and their house council. */
export const Building = {
  /**
   * The key is all this subgraph needs of a building (it keeps no row of its own), so the
   * reference is not read. An id that is not one refers to nothing: null.
   */
  __resolveReference(reference: { id: unknown }) {
    return isUuid(reference.id) ? { id: reference.id.toLowerCase() } : null;
  },
  management(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.currentManagement.load(building.id);
  },
  async reportCompliance(building: { id: string }, args: { kind: ReportKind; year: number; month?: number | null }, context: Context) {
    const period = parsePeriod(args.kind, args.year, args.month);
    const row = await context.loaders.compliance.load(complianceKey(building.id, args.kind, period.year, period.month));
    return row ? complianceAnswer(row, period) : null;
  },
  async houseCouncilSize(building: { id: string }, _args: unknown, context: Context) {
    return (await context.loaders.houseCouncil.load(building.id)).length;
  },
  houseCouncil(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.houseCouncil.load(building.id);
  },
  houseCouncilHistory(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.houseCouncilHistory.load(building.id);
  },
};
