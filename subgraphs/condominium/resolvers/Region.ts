import { isKatoCode } from '../../../lib/kato.js';
import { tengeOf } from '../../../lib/money.js';
import { managementForm, type ReportKind } from '../../../schema/condominium.js';
import type { Context } from '../context.js';
import type { TerritoryCompliance } from '../report-deadlines.js';
import { parsePeriod } from './report-period-args.js';

/** A part of `of`, or null when there is nothing to take a part of. */
const share = (part: number, of: number) => (of === 0 ? null : part / of);

/** The buildings subgraph owns territories; this one counts the management of their buildings. Each figure loads for all territories of the request at once. */
export const Region = {
  /** A code that is not a KATO code refers to nothing: null. */
  __resolveReference(reference: { katoCode: unknown }) {
    return isKatoCode(reference.katoCode) ? { katoCode: reference.katoCode } : null;
  },
  async managementForms(region: { katoCode: string }, _args: unknown, context: Context) {
    const counts = await context.loaders.analytics.managementCounts.load(region.katoCode);
    // The register's buildings there: those managed in any form and those with no manager.
    const registered = [...counts.values()].reduce((sum, n) => sum + n, 0);
    return managementForm.enumValues.map((form) => ({
      form,
      buildingCount: counts.get(form) ?? 0,
      share: share(counts.get(form) ?? 0, registered),
    }));
  },
  async unmanagedBuildingCount(region: { katoCode: string }, _args: unknown, context: Context) {
    return (await context.loaders.analytics.managementCounts.load(region.katoCode)).get(null) ?? 0;
  },
  async reportCompliance(
    region: { katoCode: string },
    args: { kind: ReportKind; year: number; month?: number | null },
    context: Context,
  ): Promise<TerritoryCompliance & { onTimeShare: number | null; lateShare: number | null; missingShare: number | null }> {
    const period = parsePeriod(args.kind, args.year, args.month);
    const counts = await context.loaders.analytics.compliance.load({
      katoCode: region.katoCode,
      kind: period.kind,
      year: period.year,
      month: period.month ?? 0,
    });
    return {
      ...counts,
      onTimeShare: share(counts.onTime, counts.owing),
      lateShare: share(counts.late, counts.owing),
      missingShare: share(counts.missing, counts.owing),
    };
  },
  async capitalRepairFund(region: { katoCode: string }, _args: unknown, context: Context) {
    const totals = await context.loaders.analytics.fundTotals.load(region.katoCode);
    return {
      accrued: tengeOf(totals.accruedTiyn),
      paid: tengeOf(totals.paidTiyn),
      spent: tengeOf(totals.spentTiyn),
      balance: tengeOf(totals.paidTiyn - totals.spentTiyn),
    };
  },
  overdueOwnerRequestCount(region: { katoCode: string }, _args: unknown, context: Context) {
    return context.loaders.analytics.overdueRequests.load(region.katoCode);
  },
};
