import { eq, inArray } from 'drizzle-orm';
import type { Executor, Transaction } from '../../lib/db.js';
import { issueReceipt } from '../../lib/receipts.js';
import { loadTrustStore } from '../../lib/signatures/signatures.js';
import { managementAssignments, reports, signedPublications } from '../../schema/condominium.js';
import { type ReportPeriod, reportPeriod } from '../../subgraphs/condominium/report-deadlines.js';
import type { DraftReportInput } from '../../subgraphs/condominium/report-input.js';
import { ReportManager } from '../../subgraphs/condominium/report-manager.js';
import { deleteReceiptsOf } from './access-seeder.js';
import { demoSigner } from './demo-signing-authority.js';

/*
 * The demo OSI's reports on its buildings (p.5), placed through the report manager as the
 * chair would: drafted, signed (by a throw-away demo CA, see demo-signing-authority.ts) and
 * published, each with its receipt. For the three months before the reference date and the
 * year before it:
 *
 *   building 1: every month on time (the 15th), the first month corrected once; the year on time;
 *   building 2: on time, then late (the 25th), then a draft not yet published; the year late;
 *   building 3: late, then missing, then missing; no annual report.
 *
 * A publication that would fall after the reference date is left a signed draft.
 */

const almaty = (date: string, time: string) => new Date(`${date}T${time}+05:00`);
const pad = (n: number) => String(n).padStart(2, '0');

/** A day of the month after a monthly period (1-based), as YYYY-MM-DD. */
function dayAfterPeriod(period: ReportPeriod, day: number): string {
  const [year, month] = period.end.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-${pad(day)}` : `${year}-${pad(month + 1)}-${pad(day)}`;
}

/** A report whose totals add up, its amounts (whole tenge) varying with the building and the period. */
function demoInput(buildingId: string, period: ReportPeriod, index: number, rent = 15_000): DraftReportInput {
  const scale = period.kind === 'ANNUAL' ? 12 : 1;
  const tenge = (n: number) => `${n}.00`;
  const contributions = (180_000 + 20_000 * index + (period.month ?? 0) * 1_000) * scale;
  const cleaning = (60_000 + 5_000 * index) * scale;
  const repair = (40_000 + (period.month ?? 6) * 2_000) * scale;
  const opening = 250_000 + 10_000 * index;
  const fundOpening = 3_000_000 + 500_000 * index;
  const fundIn = (120_000 + 10_000 * index) * scale;
  return {
    buildingId,
    kind: period.kind,
    year: period.year,
    month: period.month,
    replacesReportId: null,
    openingBalance: tenge(opening),
    income: [
      { category: 'OWNERS_CONTRIBUTIONS', description: 'Взносы на содержание общего имущества', amount: tenge(contributions) },
      { category: 'RENT_OF_COMMON_PROPERTY', description: 'Аренда подвального помещения', amount: tenge(rent) },
    ],
    expenses: [
      { category: 'CLEANING', description: 'Уборка подъездов и двора', amount: tenge(cleaning) },
      { category: 'MAINTENANCE_AND_REPAIR', description: 'Текущий ремонт', amount: tenge(repair) },
    ],
    incomeTotal: tenge(contributions + rent),
    expenseTotal: tenge(cleaning + repair),
    closingBalance: tenge(opening + contributions + rent - cleaning - repair),
    capitalRepair: {
      openingBalance: tenge(fundOpening),
      contributions: tenge(fundIn),
      spending: '0',
      closingBalance: tenge(fundOpening + fundIn),
    },
    works: [{ description: 'Замена доводчика двери, подъезд 2', cost: tenge(repair) }],
    documentIds: [],
  };
}

interface Plan {
  buildingId: string;
  period: ReportPeriod;
  /** The day it is published (YYYY-MM-DD); `draft`: drafted and signed only. A period with no plan is missing. */
  publishOn: string | 'draft';
  /** The day a correction of it is published. */
  correctedOn?: string;
}

function plans(buildingIds: readonly string[], referenceDate: Date): Plan[] {
  const [year, month] = referenceDate.toISOString().slice(0, 7).split('-').map(Number) as [number, number];
  const [m1, m2, m3] = [3, 2, 1].map((back) =>
    month - back >= 1 ? reportPeriod('MONTHLY', year, month - back) : reportPeriod('MONTHLY', year - 1, month - back + 12),
  ) as [ReportPeriod, ReportPeriod, ReportPeriod];
  const lastYear = reportPeriod('ANNUAL', year - 1, null);
  const [first, second, third] = buildingIds;
  const list: Plan[] = [];
  if (first)
    list.push(
      { buildingId: first, period: m1, publishOn: dayAfterPeriod(m1, 15), correctedOn: dayAfterPeriod(m1, 17) },
      { buildingId: first, period: m2, publishOn: dayAfterPeriod(m2, 15) },
      { buildingId: first, period: m3, publishOn: dayAfterPeriod(m3, 15) },
      { buildingId: first, period: lastYear, publishOn: `${year}-03-20` },
    );
  if (second)
    list.push(
      { buildingId: second, period: m1, publishOn: dayAfterPeriod(m1, 12) },
      { buildingId: second, period: m2, publishOn: dayAfterPeriod(m2, 25) },
      { buildingId: second, period: m3, publishOn: 'draft' },
      { buildingId: second, period: lastYear, publishOn: `${year}-04-10` },
    );
  if (third) list.push({ buildingId: third, period: m1, publishOn: dayAfterPeriod(m1, 24) });
  return list;
}

/** Seeds the demo reports of the OSI's buildings; returns how many report versions it wrote. */
export async function seedDemoReports(
  tx: Transaction,
  osi: { id: string; bin: string; name: string },
  chair: { iin: string; fullName: string },
  referenceDate: Date,
): Promise<number> {
  const assignments = await tx
    .select({ buildingId: managementAssignments.buildingId })
    .from(managementAssignments)
    .where(eq(managementAssignments.managementSubjectId, osi.id))
    .orderBy(managementAssignments.validFrom);
  const buildingIds = assignments.map((row) => row.buildingId);
  if (buildingIds.length === 0) return 0;
  const signer = await demoSigner(
    { iin: chair.iin, bin: osi.bin, commonName: chair.fullName, organisation: osi.name },
    new Date(referenceDate.getTime() - 3 * 365 * 86_400_000),
  );
  const trust = loadTrustStore({ rootsPem: signer.rootPem });
  const manager = new ReportManager(tx);
  const actor = 'person:demo-osi-chair';
  const reference = referenceDate.toISOString().slice(0, 10);
  let written = 0;

  /** Drafts the day after the period, signs and publishes on `publishOn` (not after the reference date); returns the id. */
  const place = async (input: DraftReportInput, period: ReportPeriod, publishOn: string | 'draft'): Promise<string> => {
    const draftedAt = almaty(period.kind === 'ANNUAL' ? `${period.year + 1}-01-15` : dayAfterPeriod(period, 2), '10:00:00');
    const acting = (at: Date) => ({ managerSubjectId: osi.id, actor, at });
    const { report } = await manager.draft(input, acting(draftedAt));
    written += 1;
    await issueReceipt(tx, { operation: 'condominium.draftReport', placedBy: actor, receivedAt: draftedAt, objectIds: [report.id] });
    const signedAt =
      publishOn === 'draft' || publishOn >= reference ? new Date(draftedAt.getTime() + 3_600_000) : almaty(publishOn, '09:00:00');
    await manager.sign(report.id, await signer.sign(await manager.canonicalBytesOf(report), signedAt), trust, acting(signedAt));
    if (publishOn === 'draft' || publishOn >= reference) return report.id;
    const publishedAt = almaty(publishOn, '11:00:00');
    // The OSI posts its reports in the entrances as well.
    await manager.publish(report.id, acting(publishedAt), ['DIGITAL_OBJECT', 'POSTED_PUBLICLY']);
    await issueReceipt(tx, { operation: 'condominium.publishReport', placedBy: actor, receivedAt: publishedAt, objectIds: [report.id] });
    return report.id;
  };

  for (const plan of plans(buildingIds, referenceDate)) {
    if (plan.period.end >= reference) continue;
    const index = buildingIds.indexOf(plan.buildingId);
    const first = await place(demoInput(plan.buildingId, plan.period, index), plan.period, plan.publishOn);
    if (plan.correctedOn && plan.correctedOn < reference && plan.publishOn < reference) {
      const correction = {
        ...demoInput(plan.buildingId, plan.period, index, 16_000),
        replacesReportId: first,
        correctionReason: 'Сумма аренды уточнена по акту сверки',
      };
      await place(correction, plan.period, plan.correctedOn);
    }
  }
  return written;
}

/** Deletes the demo OSI's reports, their signatures and receipts. */
export async function resetDemoReports(executor: Executor, osiId: string): Promise<void> {
  const ids = (await executor.select({ id: reports.id }).from(reports).where(eq(reports.managerSubjectId, osiId))).map((row) => row.id);
  if (ids.length === 0) return;
  await deleteReceiptsOf(executor, ids);
  await executor.delete(signedPublications).where(inArray(signedPublications.recordId, ids));
  await executor.delete(reports).where(inArray(reports.id, ids));
}
