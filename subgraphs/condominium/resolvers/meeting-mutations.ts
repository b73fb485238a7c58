import type { GraphQLResolveInfo } from 'graphql';
import { AccessFunction } from '../../../lib/auth/functions.js';
import { actorOf, grantsInTerritory } from '../../../lib/auth/scope.js';
import type { Executor } from '../../../lib/db.js';
import { badUserInput, type FieldProblem, notFound } from '../../../lib/errors.js';
import { parseId } from '../../../lib/ids.js';
import { parseTenge } from '../../../lib/money.js';
import { configuredTrustStore } from '../../../lib/signatures/trust-store-config.js';
import { placeWrite } from '../../../lib/write.js';
import type { BallotAnswer, BallotChannel } from '../../../schema/condominium.js';
import { assertStillManages, managingSubjectsOf, ownedPremisesOf } from '../building-rights.js';
import { CapitalRepairManager, capitalRepairConflicts } from '../capital-repair-manager.js';
import type { Context } from '../context.js';
import { MeetingManager, meetingConflicts } from '../meeting-manager.js';

interface AnswerInput {
  questionId: string;
  answer: BallotAnswer;
}

/** Tenge at `field` as tiyn, or its problem collected in `problems` (then 0n, never written: the call is refused). */
function tiynAt(value: string, field: string, problems: FieldProblem[]): bigint {
  const parsed = parseTenge(value, field);
  if (typeof parsed === 'bigint') return parsed;
  problems.push(parsed);
  return 0n;
}

function refuseIf(problems: FieldProblem[]): void {
  if (problems.length > 0) throw badUserInput(problems);
}

function parseAnswers(answers: readonly AnswerInput[]) {
  return answers.map((answer, index) => ({
    questionId: parseId(answer.questionId, `input.answers[${index}].questionId`, 'a question'),
    answer: answer.answer,
  }));
}

/** The building of a meeting named in the input; NOT_FOUND (nothing written) when there is none. */
async function meetingBuildingOf(context: Context, meetingId: string, field: string): Promise<string> {
  const meeting = await context.loaders.meetings.meetingById.load(meetingId);
  if (!meeting) throw notFound(`The meeting given in ${field}`, field);
  return meeting.buildingId;
}

async function protocolBuildingOf(context: Context, protocolId: string, field: string): Promise<string> {
  const protocol = await context.loaders.meetings.protocolById.load(protocolId);
  if (!protocol) throw notFound(`The protocol given in ${field}`, field);
  return protocol.buildingId;
}

/** Inside the write: the caller's organisation still manages the building (locked until commit). */
function stillManages(tx: Executor, context: Context, buildingId: string): Promise<string> {
  return assertStillManages(tx, managingSubjectsOf(context.caller), buildingId);
}

export const meetingMutations = {
  announceMeeting(
    _parent: unknown,
    {
      input,
    }: {
      input: {
        buildingId: string;
        title: string;
        noticeGivenOn: string;
        opensAt: Date;
        closesAt: Date;
        questions: Array<{ text: string; kind: string; fundSpending?: string | null }>;
      };
    },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const buildingId = parseId(input.buildingId, 'input.buildingId', 'a building');
    const problems: FieldProblem[] = [];
    const questions = input.questions.map((question, index) => ({
      text: question.text,
      kind: question.kind,
      fundSpendingTiyn:
        question.fundSpending === null || question.fundSpending === undefined
          ? null
          : tiynAt(question.fundSpending, `input.questions[${index}].fundSpending`, problems),
    }));
    refuseIf(problems);
    return placeWrite(context, info, {
      operation: 'condominium.announceMeeting',
      async run(tx) {
        const managingSubjectId = await stillManages(tx, context, buildingId);
        const { meeting, changes } = await new MeetingManager(tx).announce({
          buildingId,
          title: input.title,
          noticeGivenOn: input.noticeGivenOn,
          opensAt: input.opensAt,
          closesAt: input.closesAt,
          questions,
          announcedBy: actorOf(context.caller),
          managingSubjectId,
          at: context.receivedAt,
        });
        return { payload: { meeting }, objectIds: [meeting.id], changes };
      },
    });
  },

  async recordBallot(
    _parent: unknown,
    {
      input,
    }: { input: { meetingId: string; premiseId: string; channel: BallotChannel; voterName?: string | null; answers: AnswerInput[] } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const meetingId = parseId(input.meetingId, 'input.meetingId', 'a meeting');
    const premiseId = parseId(input.premiseId, 'input.premiseId', 'a premises');
    if (input.channel === 'ELECTRONIC') {
      throw badUserInput({
        field: 'input.channel',
        message: 'input.channel must be IN_PERSON or WRITTEN_POLL: electronic ballots are cast by the owners themselves (castBallot).',
      });
    }
    const answers = parseAnswers(input.answers);
    const buildingId = await meetingBuildingOf(context, meetingId, 'input.meetingId');
    return placeWrite(context, info, {
      operation: 'condominium.recordBallot',
      conflicts: meetingConflicts,
      async run(tx) {
        await stillManages(tx, context, buildingId);
        const { ballot, changes } = await new MeetingManager(tx).recordBallot({
          meetingId,
          premiseId,
          channel: input.channel,
          voterPersonId: null,
          voterName: input.voterName ?? null,
          answers,
          recordedBy: actorOf(context.caller),
          at: context.receivedAt,
        });
        return { payload: { ballot }, objectIds: [ballot.id], changes };
      },
    });
  },

  async castBallot(
    _parent: unknown,
    { input }: { input: { meetingId: string; premiseId: string; answers: AnswerInput[] } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const meetingId = parseId(input.meetingId, 'input.meetingId', 'a meeting');
    const premiseId = parseId(input.premiseId, 'input.premiseId', 'a premises');
    const answers = parseAnswers(input.answers);
    const buildingId = await meetingBuildingOf(context, meetingId, 'input.meetingId');
    const ownedPremiseIds = await ownedPremisesOf(context, buildingId);
    const voterPersonId = context.caller.kind === 'person' ? context.caller.personId : null;
    return placeWrite(context, info, {
      operation: 'condominium.castBallot',
      conflicts: meetingConflicts,
      async run(tx) {
        const { ballot, changes } = await new MeetingManager(tx).recordBallot({
          meetingId,
          premiseId,
          channel: 'ELECTRONIC',
          voterPersonId,
          voterName: null,
          answers,
          recordedBy: actorOf(context.caller),
          at: context.receivedAt,
          ownedPremiseIds,
        });
        return { payload: { ballot }, objectIds: [ballot.id], changes };
      },
    });
  },

  async closeMeeting(_parent: unknown, args: { meetingId: string }, context: Context, info: GraphQLResolveInfo) {
    const meetingId = parseId(args.meetingId, 'meetingId', 'a meeting');
    const buildingId = await meetingBuildingOf(context, meetingId, 'meetingId');
    return placeWrite(context, info, {
      operation: 'condominium.closeMeeting',
      conflicts: meetingConflicts,
      async run(tx) {
        const managingSubjectId = await stillManages(tx, context, buildingId);
        const { protocol, changes } = await new MeetingManager(tx).close(meetingId, managingSubjectId, context.receivedAt);
        return { payload: { protocol }, objectIds: [protocol.id], changes };
      },
    });
  },

  async publishProtocol(
    _parent: unknown,
    { input }: { input: { protocolId: string; signature: string } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const protocolId = parseId(input.protocolId, 'input.protocolId', 'a protocol');
    const buildingId = await protocolBuildingOf(context, protocolId, 'input.protocolId');
    const trust = configuredTrustStore();
    return placeWrite(context, info, {
      operation: 'condominium.publishProtocol',
      async run(tx) {
        const managerSubjectId = await stillManages(tx, context, buildingId);
        const { protocol, changes } = await new MeetingManager(tx).publish({
          protocolId,
          signature: input.signature,
          trust,
          managerSubjectId,
          at: context.receivedAt,
        });
        return { payload: { protocol }, objectIds: [protocol.id], changes };
      },
    });
  },

  async annulProtocol(
    _parent: unknown,
    { input }: { input: { protocolId: string; basis: string } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const protocolId = parseId(input.protocolId, 'input.protocolId', 'a protocol');
    const buildingId = await protocolBuildingOf(context, protocolId, 'input.protocolId');
    const building = await context.loaders.buildingById.load(buildingId);
    // A local executive body annuls on its territorial grants (re-checked by the write path); a manager while it manages.
    const watching = building !== null && grantsInTerritory(context.caller, AccessFunction.CondominiumManage, building.katoCode).length > 0;
    return placeWrite(context, info, {
      operation: 'condominium.annulProtocol',
      async run(tx) {
        const managingSubjectId = watching ? null : await stillManages(tx, context, buildingId);
        const { protocol, changes } = await new MeetingManager(tx).annul({
          protocolId,
          basis: input.basis,
          annulledBy: actorOf(context.caller),
          managingSubjectId,
          at: context.receivedAt,
        });
        return { payload: { protocol }, objectIds: [protocol.id], changes };
      },
    });
  },

  accrueCapitalRepairContributions(
    _parent: unknown,
    { input }: { input: { buildingId: string; period: string; contributions: Array<{ premiseId: string; amount: string }> } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const buildingId = parseId(input.buildingId, 'input.buildingId', 'a building');
    const problems: FieldProblem[] = [];
    const contributions = input.contributions.map((item, index) => ({
      premiseId: parseId(item.premiseId, `input.contributions[${index}].premiseId`, 'a premises'),
      amountTiyn: tiynAt(item.amount, `input.contributions[${index}].amount`, problems),
    }));
    refuseIf(problems);
    return placeWrite(context, info, {
      operation: 'condominium.accrueCapitalRepairContributions',
      conflicts: capitalRepairConflicts,
      async run(tx) {
        const managingSubjectId = await stillManages(tx, context, buildingId);
        const { accruals, changes } = await new CapitalRepairManager(tx).accrue({
          managingSubjectId,
          buildingId,
          period: input.period,
          contributions,
          recordedBy: actorOf(context.caller),
        });
        return { payload: { recorded: accruals.length, fund: { buildingId } }, objectIds: accruals.map((row) => row.id), changes };
      },
    });
  },

  recordCapitalRepairPayments(
    _parent: unknown,
    { input }: { input: { buildingId: string; payments: Array<{ premiseId: string; amount: string; paidOn: string }> } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const buildingId = parseId(input.buildingId, 'input.buildingId', 'a building');
    const problems: FieldProblem[] = [];
    const payments = input.payments.map((item, index) => ({
      premiseId: parseId(item.premiseId, `input.payments[${index}].premiseId`, 'a premises'),
      amountTiyn: tiynAt(item.amount, `input.payments[${index}].amount`, problems),
      paidOn: item.paidOn,
    }));
    refuseIf(problems);
    return placeWrite(context, info, {
      operation: 'condominium.recordCapitalRepairPayments',
      async run(tx) {
        const managingSubjectId = await stillManages(tx, context, buildingId);
        const outcome = await new CapitalRepairManager(tx).pay({
          managingSubjectId,
          buildingId,
          payments,
          recordedBy: actorOf(context.caller),
          at: context.receivedAt,
        });
        return {
          payload: { recorded: outcome.payments.length, fund: { buildingId } },
          objectIds: outcome.payments.map((row) => row.id),
          changes: outcome.changes,
        };
      },
    });
  },

  spendCapitalRepairFund(
    _parent: unknown,
    { input }: { input: { buildingId: string; decisionId: string; amount: string; spentOn: string; purpose: string } },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const buildingId = parseId(input.buildingId, 'input.buildingId', 'a building');
    const decisionId = parseId(input.decisionId, 'input.decisionId', 'a question of a meeting');
    const problems: FieldProblem[] = [];
    const amountTiyn = tiynAt(input.amount, 'input.amount', problems);
    refuseIf(problems);
    return placeWrite(context, info, {
      operation: 'condominium.spendCapitalRepairFund',
      async run(tx) {
        const managingSubjectId = await stillManages(tx, context, buildingId);
        const { spending, changes } = await new CapitalRepairManager(tx).spend({
          managingSubjectId,
          buildingId,
          decisionId,
          amountTiyn,
          spentOn: input.spentOn,
          purpose: input.purpose,
          recordedBy: actorOf(context.caller),
          at: context.receivedAt,
        });
        return { payload: { recorded: 1, fund: { buildingId } }, objectIds: [spending.id], changes };
      },
    });
  },
};
