import { and, asc, count, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { publishedPremises } from '../../schema/buildings.js';
import {
  type BallotAnswer,
  type BallotChannel,
  ballotAnswers,
  ballots,
  meetingQuestions,
  meetingRules,
  meetings,
  protocols,
  questionKinds,
} from '../../schema/condominium.js';

export type MeetingRow = typeof meetings.$inferSelect;
export type QuestionRow = typeof meetingQuestions.$inferSelect;
export type QuestionKindRow = typeof questionKinds.$inferSelect;
export type MeetingRulesRow = typeof meetingRules.$inferSelect;
export type BallotRow = typeof ballots.$inferSelect;
export type BallotAnswerRow = typeof ballotAnswers.$inferSelect;
export type ProtocolRow = typeof protocols.$inferSelect;

export interface NewMeeting {
  buildingId: string;
  title: string;
  noticeGivenOn: string;
  opensAt: Date;
  closesAt: Date;
  announcedBy: string;
}

export interface NewQuestion {
  text: string;
  kind: string;
  fundSpendingTiyn: bigint | null;
}

export interface NewBallot {
  meetingId: string;
  premiseId: string;
  channel: BallotChannel;
  voterPersonId: string | null;
  voterName: string | null;
  recordedBy: string;
  castAt: Date;
  answers: ReadonlyArray<{ questionId: string; answer: BallotAnswer }>;
}

/** The answers of a meeting's ballots, counted per question and answer. */
export interface AnswerCount {
  questionId: string;
  answer: BallotAnswer;
  n: number;
}

/**
 * The SQL of meetings, their agendas, ballots and protocols. Premises belong to the buildings
 * subgraph and are read only through its published view.
 */
export class MeetingRepository {
  constructor(private readonly executor: Executor) {}

  async rules(): Promise<MeetingRulesRow> {
    const [row] = await this.executor.select().from(meetingRules);
    if (!row) throw new Error('condominium.meeting_rules has no row; the migrations load it.');
    return row;
  }

  questionKinds(): Promise<QuestionKindRow[]> {
    return this.executor.select().from(questionKinds).orderBy(asc(questionKinds.code));
  }

  async insertMeeting(meeting: NewMeeting, questions: readonly NewQuestion[]): Promise<MeetingRow> {
    const [row] = await this.executor.insert(meetings).values(meeting).returning();
    if (!row) throw new Error('The meeting was not recorded.');
    await this.executor
      .insert(meetingQuestions)
      .values(questions.map((question, index) => ({ ...question, meetingId: row.id, position: index + 1 })));
    return row;
  }

  meetingsByIds(ids: readonly string[]): Promise<MeetingRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(meetings)
      .where(inArray(meetings.id, [...ids]));
  }

  /** The meetings of these buildings, latest opening first. */
  meetingsOfBuildings(buildingIds: readonly string[]): Promise<MeetingRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(meetings)
      .where(inArray(meetings.buildingId, [...buildingIds]))
      .orderBy(desc(meetings.opensAt), desc(meetings.id));
  }

  /** The meeting, locked until the transaction ends: ballots and the closing of one meeting never interleave. */
  async meetingForUpdate(id: string): Promise<MeetingRow | null> {
    const [row] = await this.executor.select().from(meetings).where(eq(meetings.id, id)).for('update');
    return row ?? null;
  }

  questionsOfMeetings(meetingIds: readonly string[]): Promise<QuestionRow[]> {
    if (meetingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(meetingQuestions)
      .where(inArray(meetingQuestions.meetingId, [...meetingIds]))
      .orderBy(asc(meetingQuestions.meetingId), asc(meetingQuestions.position));
  }

  questionsByIds(ids: readonly string[]): Promise<QuestionRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(meetingQuestions)
      .where(inArray(meetingQuestions.id, [...ids]));
  }

  /** Ids of the premises of a building (buildings register). */
  async premisesOf(buildingId: string): Promise<string[]> {
    const rows = await this.executor
      .select({ id: publishedPremises.id })
      .from(publishedPremises)
      .where(eq(publishedPremises.buildingId, buildingId));
    return rows.map((row) => row.id);
  }

  async ballotOf(meetingId: string, premiseId: string): Promise<BallotRow | null> {
    const [row] = await this.executor
      .select()
      .from(ballots)
      .where(and(eq(ballots.meetingId, meetingId), eq(ballots.premiseId, premiseId)));
    return row ?? null;
  }

  async insertBallot(ballot: NewBallot): Promise<BallotRow> {
    const { answers, ...values } = ballot;
    const [row] = await this.executor.insert(ballots).values(values).returning();
    if (!row) throw new Error('The ballot was not recorded.');
    await this.executor.insert(ballotAnswers).values(answers.map((answer) => ({ ...answer, ballotId: row.id })));
    return row;
  }

  /** Every ballot of these meetings, in the order they were cast. */
  ballotsOfMeetings(meetingIds: readonly string[]): Promise<BallotRow[]> {
    if (meetingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(ballots)
      .where(inArray(ballots.meetingId, [...meetingIds]))
      .orderBy(asc(ballots.castAt), asc(ballots.id));
  }

  answersOfBallots(ballotIds: readonly string[]): Promise<BallotAnswerRow[]> {
    if (ballotIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select({ ballotId: ballotAnswers.ballotId, questionId: ballotAnswers.questionId, answer: ballotAnswers.answer })
      .from(ballotAnswers)
      .innerJoin(meetingQuestions, eq(meetingQuestions.id, ballotAnswers.questionId))
      .where(inArray(ballotAnswers.ballotId, [...ballotIds]))
      .orderBy(asc(ballotAnswers.ballotId), asc(meetingQuestions.position));
  }

  /** The ballots of a meeting per channel. */
  async ballotsPerChannel(meetingId: string): Promise<Record<BallotChannel, number>> {
    const rows = await this.executor
      .select({ channel: ballots.channel, n: count() })
      .from(ballots)
      .where(eq(ballots.meetingId, meetingId))
      .groupBy(ballots.channel);
    const perChannel: Record<BallotChannel, number> = { IN_PERSON: 0, WRITTEN_POLL: 0, ELECTRONIC: 0 };
    for (const row of rows) perChannel[row.channel] = row.n;
    return perChannel;
  }

  /** The answers of a meeting's ballots, counted per question and answer in one statement. */
  answerCounts(meetingId: string): Promise<AnswerCount[]> {
    return this.executor
      .select({ questionId: ballotAnswers.questionId, answer: ballotAnswers.answer, n: count() })
      .from(ballotAnswers)
      .innerJoin(ballots, eq(ballots.id, ballotAnswers.ballotId))
      .where(eq(ballots.meetingId, meetingId))
      .groupBy(ballotAnswers.questionId, ballotAnswers.answer);
  }

  async recordResult(
    questionId: string,
    result: { votesFor: number; votesAgainst: number; votesAbstained: number; quorumReached: boolean; approved: boolean },
  ): Promise<void> {
    const { votesFor, votesAgainst, votesAbstained, quorumReached, approved } = result;
    await this.executor
      .update(meetingQuestions)
      .set({ votesFor, votesAgainst, votesAbstained, quorumReached, approved })
      .where(eq(meetingQuestions.id, questionId));
  }

  async markClosed(meetingId: string, at: Date): Promise<void> {
    await this.executor.update(meetings).set({ closedAt: at }).where(eq(meetings.id, meetingId));
  }

  async insertProtocol(protocol: typeof protocols.$inferInsert): Promise<ProtocolRow> {
    const [row] = await this.executor.insert(protocols).values(protocol).returning();
    if (!row) throw new Error('The protocol was not recorded.');
    return row;
  }

  protocolsByIds(ids: readonly string[]): Promise<ProtocolRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(protocols)
      .where(inArray(protocols.id, [...ids]));
  }

  protocolsOfMeetings(meetingIds: readonly string[]): Promise<ProtocolRow[]> {
    if (meetingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(protocols)
      .where(inArray(protocols.meetingId, [...meetingIds]));
  }

  /** The published protocols of these buildings (annulled ones too: that they were annulled is public), newest first. */
  publishedProtocolsOfBuildings(buildingIds: readonly string[]): Promise<ProtocolRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(protocols)
      .where(and(inArray(protocols.buildingId, [...buildingIds]), isNotNull(protocols.publishedAt)))
      .orderBy(desc(protocols.publishedAt), desc(protocols.id));
  }

  async protocolForUpdate(id: string): Promise<ProtocolRow | null> {
    const [row] = await this.executor.select().from(protocols).where(eq(protocols.id, id)).for('update');
    return row ?? null;
  }

  async markPublished(id: string, at: Date): Promise<ProtocolRow> {
    const [row] = await this.executor.update(protocols).set({ publishedAt: at }).where(eq(protocols.id, id)).returning();
    if (!row) throw new Error('The protocol was not found when publishing it.');
    return row;
  }

  async annul(id: string, basis: string, by: string, at: Date): Promise<ProtocolRow> {
    const [row] = await this.executor
      .update(protocols)
      .set({ annulledAt: at, annulmentBasis: basis, annulledBy: by })
      .where(eq(protocols.id, id))
      .returning();
    if (!row) throw new Error('The protocol was not found when annulling it.');
    return row;
  }
}
