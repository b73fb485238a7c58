import { parseId } from '../../../lib/ids.js';
import { tengeOf } from '../../../lib/money.js';
import { ownedPremisesOf } from '../building-rights.js';
import type { FundTotals, PremiseContributions, SpendingRow } from '../capital-repair-repository.js';
import type { Context } from '../context.js';
import type { BallotRow, MeetingRow, ProtocolRow, QuestionKindRow, QuestionRow } from '../meeting-repository.js';
import { protocolContent } from '../protocol-content.js';

/** The fields of meetings, ballots, protocols and the capital repair fund; thin, over the request's loaders. */

const tengeOrNull = (tiyn: bigint | null) => (tiyn === null ? null : tengeOf(tiyn));

async function meetingOf(context: Context, meetingId: string): Promise<MeetingRow> {
  const meeting = await context.loaders.meetings.meetingById.load(meetingId);
  if (!meeting) throw new Error(`The meeting ${meetingId} of a stored row is missing.`);
  return meeting;
}

export const meetingQueries = {
  async votingRules(_parent: unknown, _args: unknown, context: Context) {
    const rules = await context.loaders.meetings.rules.load('rules');
    return { rules };
  },
  meeting(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.meetings.meetingById.load(parseId(args.id, 'id', 'a meeting'));
  },
  protocol(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.meetings.protocolById.load(parseId(args.id, 'id', 'a protocol'));
  },
};

/** The fields the condominium subgraph adds to Building for meetings and capital repair. */
export const buildingMeetingFields = {
  meetings(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.meetings.meetingsOfBuilding.load(building.id);
  },
  protocols(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.meetings.publishedProtocolsOfBuilding.load(building.id);
  },
  capitalRepairFund(building: { id: string }) {
    return { buildingId: building.id };
  },
};

export const meetingTypes = {
  VotingRules: {
    noticeDays: (parent: { rules: { noticeDays: number } }) => parent.rules.noticeDays,
    noticeLegalBasis: (parent: { rules: { legalBasis: string } }) => parent.rules.legalBasis,
    questionKinds: (_parent: unknown, _args: unknown, context: Context) => context.loaders.meetings.questionKinds.load('all'),
  },
  QuestionKind: {
    quorum: (kind: QuestionKindRow) => ({
      numerator: kind.quorumNumerator,
      denominator: kind.quorumDenominator,
      strict: kind.quorumStrict,
    }),
    majority: (kind: QuestionKindRow) => ({
      numerator: kind.majorityNumerator,
      denominator: kind.majorityDenominator,
      strict: kind.majorityStrict,
    }),
  },
  Meeting: {
    building: (meeting: MeetingRow) => ({ id: meeting.buildingId }),
    status(meeting: MeetingRow, _args: unknown, context: Context) {
      if (meeting.closedAt) return 'CLOSED';
      return context.receivedAt >= meeting.opensAt ? 'OPEN' : 'ANNOUNCED';
    },
    questions: (meeting: MeetingRow, _args: unknown, context: Context) => context.loaders.meetings.questionsOfMeeting.load(meeting.id),
    async ballotCount(meeting: MeetingRow, _args: unknown, context: Context) {
      return (await context.loaders.meetings.ballotsOfMeeting.load(meeting.id)).length;
    },
    ballots: (meeting: MeetingRow, _args: unknown, context: Context) => context.loaders.meetings.ballotsOfMeeting.load(meeting.id),
    async myBallots(meeting: MeetingRow, _args: unknown, context: Context) {
      const [ballots, owned] = await Promise.all([
        context.loaders.meetings.ballotsOfMeeting.load(meeting.id),
        ownedPremisesOf(context, meeting.buildingId),
      ]);
      return ballots.filter((ballot) => owned.includes(ballot.premiseId));
    },
    protocol: (meeting: MeetingRow, _args: unknown, context: Context) => context.loaders.meetings.protocolOfMeeting.load(meeting.id),
  },
  Question: {
    kind: (question: QuestionRow, _args: unknown, context: Context) => context.loaders.meetings.questionKind.load(question.kind),
    fundSpending: (question: QuestionRow) => tengeOrNull(question.fundSpendingTiyn),
    result: (question: QuestionRow) => (question.approved === null ? null : question),
  },
  Ballot: {
    answers: (ballot: BallotRow, _args: unknown, context: Context) => context.loaders.meetings.answersOfBallot.load(ballot.id),
  },
  Protocol: {
    building: (protocol: ProtocolRow) => ({ id: protocol.buildingId }),
    meetingTitle: async (protocol: ProtocolRow, _args: unknown, context: Context) => (await meetingOf(context, protocol.meetingId)).title,
    meetingOpenedAt: async (protocol: ProtocolRow, _args: unknown, context: Context) =>
      (await meetingOf(context, protocol.meetingId)).opensAt,
    closedAt: async (protocol: ProtocolRow, _args: unknown, context: Context) =>
      (await meetingOf(context, protocol.meetingId)).closedAt ?? protocol.createdAt,
    premisesVoted: (protocol: ProtocolRow) => protocol.ballotsInPerson + protocol.ballotsWrittenPoll + protocol.ballotsElectronic,
    questions: (protocol: ProtocolRow, _args: unknown, context: Context) =>
      context.loaders.meetings.questionsOfMeeting.load(protocol.meetingId),
    status: (protocol: ProtocolRow) => (protocol.annulledAt ? 'ANNULLED' : protocol.publishedAt ? 'PUBLISHED' : 'DRAFT'),
    async canonicalContent(protocol: ProtocolRow, _args: unknown, context: Context) {
      return Buffer.from((await contentOf(context, protocol)).bytes).toString('base64');
    },
    contentSha256: async (protocol: ProtocolRow, _args: unknown, context: Context) => (await contentOf(context, protocol)).sha256,
    signature: (protocol: ProtocolRow, _args: unknown, context: Context) =>
      protocol.publishedAt === null ? null : context.loaders.publicationByRecord.load(protocol.id),
  },
  ProtocolQuestion: {
    questionId: (question: QuestionRow) => question.id,
    fundSpending: (question: QuestionRow) => tengeOrNull(question.fundSpendingTiyn),
  },
  CapitalRepairFund: {
    accrued: async (fund: { buildingId: string }, _args: unknown, context: Context) => tengeOf((await totals(context, fund)).accruedTiyn),
    paid: async (fund: { buildingId: string }, _args: unknown, context: Context) => tengeOf((await totals(context, fund)).paidTiyn),
    spent: async (fund: { buildingId: string }, _args: unknown, context: Context) => tengeOf((await totals(context, fund)).spentTiyn),
    async balance(fund: { buildingId: string }, _args: unknown, context: Context) {
      const { paidTiyn, spentTiyn } = await totals(context, fund);
      return tengeOf(paidTiyn - spentTiyn);
    },
    premises: (fund: { buildingId: string }, _args: unknown, context: Context) =>
      context.loaders.meetings.contributionsOfBuilding.load(fund.buildingId),
    async myPremises(fund: { buildingId: string }, _args: unknown, context: Context) {
      const [contributions, owned] = await Promise.all([
        context.loaders.meetings.contributionsOfBuilding.load(fund.buildingId),
        ownedPremisesOf(context, fund.buildingId),
      ]);
      return contributions.filter((row) => owned.includes(row.premiseId));
    },
    spendings: (fund: { buildingId: string }, _args: unknown, context: Context) =>
      context.loaders.meetings.spendingsOfBuilding.load(fund.buildingId),
  },
  PremiseContributions: {
    accrued: (row: PremiseContributions) => tengeOf(row.accruedTiyn),
    paid: (row: PremiseContributions) => tengeOf(row.paidTiyn),
    debt: (row: PremiseContributions) => tengeOf(row.accruedTiyn - row.paidTiyn),
  },
  CapitalRepairSpending: {
    amount: (row: SpendingRow) => tengeOf(row.amountTiyn),
  },
};

async function contentOf(context: Context, protocol: ProtocolRow) {
  const [meeting, questions] = await Promise.all([
    meetingOf(context, protocol.meetingId),
    context.loaders.meetings.questionsOfMeeting.load(protocol.meetingId),
  ]);
  return protocolContent(protocol, meeting, questions);
}

function totals(context: Context, fund: { buildingId: string }): Promise<FundTotals> {
  return context.loaders.meetings.fundTotals.load(fund.buildingId);
}
