import DataLoader from 'dataloader';
import { byKey, groupBy } from '../../lib/batch-results.js';
import type { Database } from '../../lib/db.js';
import { CapitalRepairRepository, type FundTotals, type PremiseContributions, type SpendingRow } from './capital-repair-repository.js';
import {
  type BallotAnswerRow,
  type BallotRow,
  MeetingRepository,
  type MeetingRow,
  type MeetingRulesRow,
  type ProtocolRow,
  type QuestionKindRow,
  type QuestionRow,
} from './meeting-repository.js';

/**
 * One request's DataLoaders of meetings and capital repair (part of `Loaders.meetings`):
 * one statement per relation, whatever the number of meetings, ballots or buildings asked for.
 * Keys are ids as `parseId` returns them.
 */
export interface MeetingLoaders {
  rules: DataLoader<'rules', MeetingRulesRow>;
  /** The whole directory of question kinds (a few rows), by code. */
  questionKinds: DataLoader<'all', QuestionKindRow[]>;
  /** A kind of question by code; null for a code that is none. */
  questionKind: DataLoader<string, QuestionKindRow | null>;
  meetingById: DataLoader<string, MeetingRow | null>;
  /** The meetings of each building, latest opening first. */
  meetingsOfBuilding: DataLoader<string, MeetingRow[]>;
  /** The agenda of each meeting, in order. */
  questionsOfMeeting: DataLoader<string, QuestionRow[]>;
  /** The ballots of each meeting, in the order cast. */
  ballotsOfMeeting: DataLoader<string, BallotRow[]>;
  /** The answers of each ballot, in agenda order. */
  answersOfBallot: DataLoader<string, BallotAnswerRow[]>;
  protocolById: DataLoader<string, ProtocolRow | null>;
  protocolOfMeeting: DataLoader<string, ProtocolRow | null>;
  /** The published protocols of each building, newest first. */
  publishedProtocolsOfBuilding: DataLoader<string, ProtocolRow[]>;
  fundTotals: DataLoader<string, FundTotals>;
  /** Each building's premises with contributions. */
  contributionsOfBuilding: DataLoader<string, PremiseContributions[]>;
  spendingsOfBuilding: DataLoader<string, SpendingRow[]>;
}

export function createMeetingLoaders(db: Database): MeetingLoaders {
  const meetings = new MeetingRepository(db);
  const fund = new CapitalRepairRepository(db);
  const questionKinds = new DataLoader<'all', QuestionKindRow[]>(async (keys) => {
    const kinds = await meetings.questionKinds();
    return keys.map(() => kinds);
  });
  return {
    rules: new DataLoader(async (keys) => {
      const rules = await meetings.rules();
      return keys.map(() => rules);
    }),
    questionKinds,
    questionKind: new DataLoader(async (codes) => byKey(await questionKinds.load('all'), (row) => row.code, codes)),
    meetingById: new DataLoader(async (ids) => byKey(await meetings.meetingsByIds(ids), (row) => row.id, ids)),
    meetingsOfBuilding: new DataLoader(async (ids) => groupBy(await meetings.meetingsOfBuildings(ids), (row) => row.buildingId, ids)),
    questionsOfMeeting: new DataLoader(async (ids) => groupBy(await meetings.questionsOfMeetings(ids), (row) => row.meetingId, ids)),
    ballotsOfMeeting: new DataLoader(async (ids) => groupBy(await meetings.ballotsOfMeetings(ids), (row) => row.meetingId, ids)),
    answersOfBallot: new DataLoader(async (ids) => groupBy(await meetings.answersOfBallots(ids), (row) => row.ballotId, ids)),
    protocolById: new DataLoader(async (ids) => byKey(await meetings.protocolsByIds(ids), (row) => row.id, ids)),
    protocolOfMeeting: new DataLoader(async (ids) => byKey(await meetings.protocolsOfMeetings(ids), (row) => row.meetingId, ids)),
    publishedProtocolsOfBuilding: new DataLoader(async (ids) =>
      groupBy(await meetings.publishedProtocolsOfBuildings(ids), (row) => row.buildingId, ids),
    ),
    fundTotals: new DataLoader(async (ids) => {
      const totals = byKey(await fund.totalsOf(ids), (row) => row.buildingId, ids);
      return ids.map((id, index) => totals[index] ?? { buildingId: id, accruedTiyn: 0n, paidTiyn: 0n, spentTiyn: 0n });
    }),
    contributionsOfBuilding: new DataLoader(async (ids) => groupBy(await fund.premisesOf(ids), (row) => row.buildingId, ids)),
    spendingsOfBuilding: new DataLoader(async (ids) => groupBy(await fund.spendingsOf(ids), (row) => row.buildingId, ids)),
  };
}
