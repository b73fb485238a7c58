import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../lib/db.js';
import { issueReceipt } from '../../lib/receipts.js';
import { loadTrustStore } from '../../lib/signatures/signatures.js';
import { addCalendarDays, almatyDate } from '../../lib/working-calendar.js';
import {
  type BallotAnswer,
  type BallotChannel,
  ballotAnswers,
  ballots,
  capitalRepairAccruals,
  capitalRepairPayments,
  capitalRepairSpendings,
  meetingQuestions,
  meetings,
  protocols,
  signedPublications,
} from '../../schema/condominium.js';
import { CapitalRepairManager } from '../../subgraphs/condominium/capital-repair-manager.js';
import { MeetingManager } from '../../subgraphs/condominium/meeting-manager.js';
import { MeetingRepository } from '../../subgraphs/condominium/meeting-repository.js';
import { protocolContent } from '../../subgraphs/condominium/protocol-content.js';
import { deleteReceiptsOf } from './access-seeder.js';
import { demoSigner } from './demo-signing-authority.js';

/*
 * Owners' meetings and capital repair on the demo OSI's buildings (p.27, p.4.3), placed
 * through the managers a request uses (validation included) with their receipts, all
 * derived from the reference date so two seedings of one day agree:
 * - its first building: a meeting closed a month ago with its protocol, signed by the chair
 *   (the throw-away demo CA of demo-signing-authority.ts) and published, and a meeting under
 *   way since two days ago;
 * - every one of its buildings: three months of contributions accrued to every premises, most
 *   of them paid.
 * Paper and in-person ballots only: electronic ones are cast by owners who sign in.
 */

const DAY = 24 * 3600 * 1000;
const CONTRIBUTION_TIYN = 450_000n; // 4,500.00 tenge a month a premises
const MONTHS = 3;

const agenda = [
  { text: 'Утвердить смету расходов на содержание общего имущества на следующий год', kind: 'ORDINARY', fundSpendingTiyn: null },
  {
    text: 'Израсходовать до 1 200 000 тенге накоплений на капитальный ремонт кровли',
    kind: 'FUND_SPENDING',
    fundSpendingTiyn: 120_000_000n,
  },
  { text: 'Сдать в аренду помещение подвала под кладовые', kind: 'COMMON_PROPERTY', fundSpendingTiyn: null },
];

/** A deterministic answer for the n-th premises on question q: mostly for, some against, a few abstentions. */
function answerOf(n: number, q: number): BallotAnswer {
  const roll = (n * 7 + q * 3) % 10;
  return roll < 7 ? 'FOR' : roll < 9 ? 'AGAINST' : 'ABSTAIN';
}

async function premisesOf(tx: Executor, buildingId: string, spareOwnerIin = ''): Promise<string[]> {
  const rows = await tx.execute<{ id: string }>(sql`
    select p.id from buildings.published_premises p
     where p.building_id = ${buildingId}
       and not exists (select 1 from buildings.published_premise_owners o where o.premise_id = p.id and o.identification_number = ${spareOwnerIin})
     order by p.kind, p.number, p.id`);
  return rows.map((row) => row.id);
}

/** Announces a meeting and records the ballots of the first `voting` premises, alternately in person and by written poll. */
async function meetingWithBallots(
  tx: Transaction,
  options: {
    buildingId: string;
    title: string;
    opensAt: Date;
    closesAt: Date;
    voting: number;
    by: string;
    managingSubjectId: string;
    spareOwnerIin: string;
  },
) {
  const manager = new MeetingManager(tx);
  const { meeting } = await manager.announce({
    buildingId: options.buildingId,
    title: options.title,
    noticeGivenOn: addCalendarDays(almatyDate(options.opensAt), -14),
    opensAt: options.opensAt,
    closesAt: options.closesAt,
    questions: agenda,
    announcedBy: options.by,
    managingSubjectId: options.managingSubjectId,
    at: options.opensAt,
  });
  const ids = [meeting.id];
  const questions = await new MeetingRepository(tx).questionsOfMeetings([meeting.id]);
  const premises = (await premisesOf(tx, options.buildingId, options.spareOwnerIin)).slice(0, options.voting);
  for (const [n, premiseId] of premises.entries()) {
    const channel: BallotChannel = n % 3 === 0 ? 'IN_PERSON' : 'WRITTEN_POLL';
    const { ballot } = await manager.recordBallot({
      meetingId: meeting.id,
      premiseId,
      channel,
      voterPersonId: null,
      voterName: null,
      answers: questions.map((question, q) => ({ questionId: question.id, answer: answerOf(n, q) })),
      recordedBy: options.by,
      at: new Date(options.opensAt.getTime() + (n + 1) * 60_000),
    });
    ids.push(ballot.id);
  }
  return { meeting, ids };
}

/** Seeds the demo meetings and contributions on `buildingIds`; nothing when one of them already has a meeting. */
export async function seedMeetingsAndCapitalRepair(
  tx: Transaction,
  buildingIds: readonly string[],
  referenceDate: Date,
  placedBy: string,
  signing: {
    osi: { id: string; bin: string; name: string };
    chair: { iin: string; fullName: string };
    /** An owner whose premises get no paper ballot, so that they can vote themselves (the demo owner). */
    spareOwnerIin: string;
  },
): Promise<Record<string, number>> {
  const [first] = buildingIds;
  if (!first) return {};
  if ((await new MeetingRepository(tx).meetingsOfBuildings(buildingIds)).length > 0) return {};
  const placed: Array<{ operation: string; ids: string[]; at: Date }> = [];
  const reference = referenceDate.getTime();

  // Closed a month ago: over half of the premises voted; its protocol is drafted for the chair to sign.
  const premisesCount = (await premisesOf(tx, first)).length;
  const closedOpens = new Date(reference - 40 * DAY + 9 * 3600 * 1000);
  const closed = await meetingWithBallots(tx, {
    buildingId: first,
    title: 'Годовое собрание собственников',
    opensAt: closedOpens,
    closesAt: new Date(reference - 30 * DAY + 18 * 3600 * 1000),
    voting: Math.floor(premisesCount * 0.8),
    by: placedBy,
    managingSubjectId: signing.osi.id,
    spareOwnerIin: signing.spareOwnerIin,
  });
  const closedAt = new Date(reference - 30 * DAY + 19 * 3600 * 1000);
  const { protocol } = await new MeetingManager(tx).close(closed.meeting.id, signing.osi.id, closedAt);
  const signer = await demoSigner(
    { iin: signing.chair.iin, bin: signing.osi.bin, commonName: signing.chair.fullName, organisation: signing.osi.name },
    new Date(reference - 3 * 365 * DAY),
  );
  const publishedAt = new Date(closedAt.getTime() + DAY);
  const questions = await new MeetingRepository(tx).questionsOfMeetings([closed.meeting.id]);
  const { bytes } = protocolContent(protocol, { ...closed.meeting, closedAt }, questions);
  await new MeetingManager(tx).publish({
    protocolId: protocol.id,
    signature: await signer.sign(bytes, publishedAt),
    trust: loadTrustStore({ rootsPem: signer.rootPem }),
    managerSubjectId: signing.osi.id,
    at: publishedAt,
  });
  placed.push(
    { operation: 'condominium.announceMeeting', ids: closed.ids, at: closedOpens },
    { operation: 'condominium.closeMeeting', ids: [protocol.id], at: closedAt },
    { operation: 'condominium.publishProtocol', ids: [protocol.id], at: publishedAt },
  );

  // Under way: opened two days ago, closes in twelve days; a third of the premises have voted.
  const openOpens = new Date(reference - 2 * DAY + 9 * 3600 * 1000);
  const open = await meetingWithBallots(tx, {
    buildingId: first,
    title: 'Внеочередное собрание: ремонт кровли',
    opensAt: openOpens,
    closesAt: new Date(reference + 12 * DAY + 18 * 3600 * 1000),
    voting: Math.floor(premisesCount / 3),
    by: placedBy,
    managingSubjectId: signing.osi.id,
    spareOwnerIin: signing.spareOwnerIin,
  });
  placed.push({ operation: 'condominium.announceMeeting', ids: open.ids, at: openOpens });

  // Contributions: the last three months accrued to every premises; each month paid by four premises in five.
  const funds = new CapitalRepairManager(tx);
  let accruals = 0;
  let payments = 0;
  for (const buildingId of buildingIds) {
    const premises = await premisesOf(tx, buildingId);
    if (premises.length === 0) continue;
    for (let back = MONTHS; back >= 1; back -= 1) {
      const month = new Date(Date.UTC(referenceDate.getUTCFullYear(), referenceDate.getUTCMonth() - back, 1));
      const period = month.toISOString().slice(0, 10);
      const accrued = await funds.accrue({
        buildingId,
        period,
        contributions: premises.map((premiseId) => ({ premiseId, amountTiyn: CONTRIBUTION_TIYN })),
        recordedBy: placedBy,
        managingSubjectId: signing.osi.id,
      });
      const paidOn = addCalendarDays(period, 24);
      const paid = await funds.pay({
        buildingId,
        payments: premises.filter((_, n) => n % 5 !== back % 5).map((premiseId) => ({ premiseId, amountTiyn: CONTRIBUTION_TIYN, paidOn })),
        recordedBy: placedBy,
        managingSubjectId: signing.osi.id,
        at: referenceDate,
      });
      accruals += accrued.accruals.length;
      payments += paid.payments.length;
      const at = new Date(`${paidOn}T12:00:00Z`);
      placed.push(
        { operation: 'condominium.accrueCapitalRepairContributions', ids: accrued.accruals.map((row) => row.id), at },
        { operation: 'condominium.recordCapitalRepairPayments', ids: paid.payments.map((row) => row.id), at },
      );
    }
  }
  for (const placement of placed) {
    await issueReceipt(tx, { operation: placement.operation, placedBy, receivedAt: placement.at, objectIds: placement.ids });
  }
  return {
    meetings: 2,
    ballots: closed.ids.length + open.ids.length - 2,
    protocols: 1,
    capitalRepairAccruals: accruals,
    capitalRepairPayments: payments,
  };
}

/** Deletes the meetings, ballots, protocols and fund movements of `buildingIds`, and their receipts. */
export async function resetMeetingsAndCapitalRepair(tx: Transaction, buildingIds: readonly string[]): Promise<void> {
  if (buildingIds.length === 0) return;
  const ids = [...buildingIds];
  const meetingRows = await tx.select({ id: meetings.id }).from(meetings).where(inArray(meetings.buildingId, ids));
  const meetingIds = meetingRows.map((row) => row.id);
  const ballotRows = meetingIds.length
    ? await tx.select({ id: ballots.id }).from(ballots).where(inArray(ballots.meetingId, meetingIds))
    : [];
  const ballotIds = ballotRows.map((row) => row.id);
  const protocolRows = meetingIds.length
    ? await tx.select({ id: protocols.id }).from(protocols).where(inArray(protocols.meetingId, meetingIds))
    : [];
  const movements = await Promise.all([
    tx.delete(capitalRepairSpendings).where(inArray(capitalRepairSpendings.buildingId, ids)).returning({ id: capitalRepairSpendings.id }),
    tx.delete(capitalRepairPayments).where(inArray(capitalRepairPayments.buildingId, ids)).returning({ id: capitalRepairPayments.id }),
    tx.delete(capitalRepairAccruals).where(inArray(capitalRepairAccruals.buildingId, ids)).returning({ id: capitalRepairAccruals.id }),
  ]);
  const protocolIds = protocolRows.map((row) => row.id);
  if (protocolIds.length) {
    await tx
      .delete(signedPublications)
      .where(and(eq(signedPublications.recordKind, 'PROTOCOL'), inArray(signedPublications.recordId, protocolIds)));
  }
  if (ballotIds.length) await tx.delete(ballotAnswers).where(inArray(ballotAnswers.ballotId, ballotIds));
  if (meetingIds.length) {
    await tx.delete(ballots).where(inArray(ballots.meetingId, meetingIds));
    await tx.delete(protocols).where(inArray(protocols.meetingId, meetingIds));
    await tx.delete(meetingQuestions).where(inArray(meetingQuestions.meetingId, meetingIds));
    await tx.delete(meetings).where(inArray(meetings.id, meetingIds));
  }
  await deleteReceiptsOf(tx, [...meetingIds, ...ballotIds, ...protocolRows.map((row) => row.id), ...movements.flat().map((row) => row.id)]);
}
