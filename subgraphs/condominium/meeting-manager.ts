import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import type { TrustStore } from '../../lib/signatures/signatures.js';
import { addCalendarDays, almatyDate } from '../../lib/working-calendar.js';
import type { ConflictMessages } from '../../lib/write.js';
import type { BallotAnswer, BallotChannel } from '../../schema/condominium.js';
import { CapitalRepairRepository } from './capital-repair-repository.js';
import { ManagementRepository } from './management-repository.js';
import { type BallotRow, MeetingRepository, type MeetingRow, type NewQuestion, type ProtocolRow } from './meeting-repository.js';
import { countAnswers, decideQuestion } from './meeting-tally.js';
import { protocolContent, protocolTitle } from './protocol-content.js';
import { requiredSignerOf } from './report-manager.js';
import { SignedPublications } from './signed-publication.js';

/** The most questions one agenda holds. */
export const MAX_AGENDA_QUESTIONS = 50;
const MAX_TEXT = 2000;

/** The problem of a required text at `field` longer than `max` or blank; null when it is fine. */
export function textFieldProblem(value: string, field: string, max: number): FieldProblem | null {
  return value.trim() === '' || value.length > max ? { field, message: `${field} must be a text of 1 to ${max} characters.` } : null;
}

export interface AnnouncementRequest {
  buildingId: string;
  title: string;
  noticeGivenOn: string;
  opensAt: Date;
  closesAt: Date;
  questions: ReadonlyArray<{ text: string; kind: string; fundSpendingTiyn: bigint | null }>;
  announcedBy: string;
  /** The subject that manages the building now (`assertStillManages`): it owns the meeting's changes in the feed. */
  managingSubjectId: string;
  /** When the request arrived: notice cannot be given later than today. */
  at: Date;
}

export interface BallotRequest {
  meetingId: string;
  premiseId: string;
  channel: BallotChannel;
  /** The signed-in owner, for ELECTRONIC; null otherwise. */
  voterPersonId: string | null;
  /** The name on a paper or in-person ballot. */
  voterName: string | null;
  answers: ReadonlyArray<{ questionId: string; answer: BallotAnswer }>;
  recordedBy: string;
  at: Date;
  /** For ELECTRONIC: the premises the caller owns in the meeting's building (`ownedPremisesOf`). */
  ownedPremiseIds?: readonly string[];
}

/** The unique indexes a ballot or a protocol can lose a race on, as the caller should read them. */
const alreadyVoted =
  'This premises has already voted in this meeting (one ballot per premises, whatever the channel); nothing was written.';

export const meetingConflicts: ConflictMessages = {
  ballots_meeting_premise_key: { message: alreadyVoted, field: 'input.premiseId' },
  protocols_meeting_key: { message: 'The meeting was closed at the same time by another request; read its protocol.' },
};

/**
 * Meetings and protocols are located at the building and owned by its managing subject, who
 * announces and reads them (a draft protocol too): the manager's own system follows them in the feed.
 */
function meetingRecordChange(
  type: 'MEETING' | 'PROTOCOL',
  record: { id: string },
  katoCode: string | null,
  subjectId: string | null,
  operation: 'CREATED' | 'UPDATED',
): ChangeDeclaration {
  return { type, id: record.id, operation, katoCode, subjectId };
}

/**
 * Owners' meetings (p.27): the agenda and its notice, ballots from the three channels, the
 * tally into a protocol, and its annulment. Who may do each is the rules' (the manager of the
 * building, an owner of its premises), re-checked by the write path; this class decides what
 * the meeting allows. Give it the write's transaction.
 */
export class MeetingManager {
  private readonly meetings: MeetingRepository;
  private readonly buildings: ManagementRepository;

  constructor(private readonly executor: Executor) {
    this.meetings = new MeetingRepository(executor);
    this.buildings = new ManagementRepository(executor);
  }

  /**
   * Announces a meeting with its agenda. It opens no earlier than the notice period (data:
   * `meeting_rules.notice_days`) after the notice was given, and each question's kind must be
   * one of `question_kinds`; a kind that authorizes fund spending names the amount.
   */
  async announce(request: AnnouncementRequest): Promise<{ meeting: MeetingRow; changes: ChangeDeclaration[] }> {
    const katoCode = await this.buildings.buildingKato(request.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const [rules, kinds] = await Promise.all([this.meetings.rules(), this.meetings.questionKinds()]);
    const kindByCode = new Map(kinds.map((kind) => [kind.code, kind]));
    const problems: FieldProblem[] = [];
    const titleProblem = textFieldProblem(request.title, 'input.title', 500);
    if (titleProblem) problems.push(titleProblem);
    const today = almatyDate(request.at);
    if (request.noticeGivenOn > today) {
      problems.push({
        field: 'input.noticeGivenOn',
        message: `input.noticeGivenOn must not be after today (${today}): record notice once it is given.`,
      });
    }
    const earliest = addCalendarDays(request.noticeGivenOn, rules.noticeDays);
    if (almatyDate(request.opensAt) < earliest) {
      problems.push({
        field: 'input.opensAt',
        message: `input.opensAt must be on ${earliest} or later: a meeting opens no earlier than ${rules.noticeDays} calendar days after its notice.`,
      });
    }
    if (request.closesAt <= request.opensAt) {
      problems.push({ field: 'input.closesAt', message: 'input.closesAt must be after input.opensAt.' });
    }
    if (request.questions.length === 0 || request.questions.length > MAX_AGENDA_QUESTIONS) {
      problems.push({ field: 'input.questions', message: `input.questions must hold 1 to ${MAX_AGENDA_QUESTIONS} questions.` });
    }
    const questions: NewQuestion[] = [];
    request.questions.forEach((question, index) => {
      const at = `input.questions[${index}]`;
      const textProblem = textFieldProblem(question.text, `${at}.text`, MAX_TEXT);
      if (textProblem) problems.push(textProblem);
      const kind = kindByCode.get(question.kind);
      if (!kind) {
        problems.push({ field: `${at}.kind`, message: `${at}.kind must be one of ${[...kindByCode.keys()].join(', ')} (votingRules).` });
      } else if (kind.authorizesFundSpending !== (question.fundSpendingTiyn !== null)) {
        problems.push({
          field: `${at}.fundSpending`,
          message: kind.authorizesFundSpending
            ? `${at}.fundSpending is required: a ${kind.code} question names the most it lets be spent from the fund.`
            : `${at}.fundSpending is only for a question that decides to spend the capital repair fund.`,
        });
      } else if (question.fundSpendingTiyn !== null && question.fundSpendingTiyn <= 0n) {
        problems.push({ field: `${at}.fundSpending`, message: `${at}.fundSpending must be above 0.` });
      }
      questions.push({ text: question.text, kind: question.kind, fundSpendingTiyn: question.fundSpendingTiyn });
    });
    if (problems.length > 0) throw badUserInput(problems);

    const meeting = await this.meetings.insertMeeting(
      {
        buildingId: request.buildingId,
        title: request.title,
        noticeGivenOn: request.noticeGivenOn,
        opensAt: request.opensAt,
        closesAt: request.closesAt,
        announcedBy: request.announcedBy,
      },
      questions,
    );
    return { meeting, changes: [meetingRecordChange('MEETING', meeting, katoCode, request.managingSubjectId, 'CREATED')] };
  }

  /** The meeting, locked for this transaction; NOT_FOUND when there is none. */
  private async lockedMeeting(meetingId: string, field: string): Promise<MeetingRow> {
    const meeting = await this.meetings.meetingForUpdate(meetingId);
    if (!meeting) throw notFound(`The meeting given in ${field}`, field);
    return meeting;
  }

  /**
   * Records one ballot of a premises, from any channel. Refused when the meeting has not
   * opened or is closed (an electronic ballot also after the announced end), when the premises
   * is not of the building, when an electronic voter does not own it, when the answers do not
   * answer each question once, and (CONFLICT) when the premises already voted.
   */
  async recordBallot(request: BallotRequest): Promise<{ ballot: BallotRow; changes: ChangeDeclaration[] }> {
    const meeting = await this.lockedMeeting(request.meetingId, 'input.meetingId');
    if (meeting.closedAt) {
      throw conflict(
        `The meeting was closed at ${meeting.closedAt.toISOString()}; no ballot is accepted after closing.`,
        'input.meetingId',
      );
    }
    if (request.at < meeting.opensAt) {
      throw conflict(`The meeting opens at ${meeting.opensAt.toISOString()}; ballots are accepted from then.`, 'input.meetingId');
    }
    if (request.channel === 'ELECTRONIC' && request.at > meeting.closesAt) {
      throw conflict(`Voting ended at ${meeting.closesAt.toISOString()}; no electronic ballot is accepted after it.`, 'input.meetingId');
    }
    const premises = await this.meetings.premisesOf(meeting.buildingId);
    if (!premises.includes(request.premiseId))
      throw notFound('The premises given in input.premiseId, in the building of the meeting,', 'input.premiseId');
    if (request.channel === 'ELECTRONIC' && !request.ownedPremiseIds?.includes(request.premiseId)) {
      throw forbidden('You may vote only for premises you own; the register does not list you as an owner of this one.');
    }
    const problems: FieldProblem[] = [];
    const nameProblem = request.voterName === null ? null : textFieldProblem(request.voterName, 'input.voterName', 300);
    if (nameProblem) problems.push(nameProblem);
    const questions = await this.meetings.questionsOfMeetings([meeting.id]);
    const asked = new Set(questions.map((question) => question.id));
    const answered = new Set<string>();
    request.answers.forEach((answer, index) => {
      if (!asked.has(answer.questionId)) {
        problems.push({
          field: `input.answers[${index}].questionId`,
          message: `input.answers[${index}].questionId is not a question of this meeting.`,
        });
      } else if (answered.has(answer.questionId)) {
        problems.push({
          field: `input.answers[${index}].questionId`,
          message: `input.answers[${index}] answers a question already answered.`,
        });
      }
      answered.add(answer.questionId);
    });
    const missing = questions.filter((question) => !answered.has(question.id)).map((question) => question.position);
    if (missing.length > 0) {
      problems.push({
        field: 'input.answers',
        message: `input.answers must answer every question; questions ${missing.join(', ')} are not answered.`,
      });
    }
    if (problems.length > 0) throw badUserInput(problems);
    if (await this.meetings.ballotOf(meeting.id, request.premiseId)) {
      throw conflict(alreadyVoted, 'input.premiseId');
    }
    const ballot = await this.meetings.insertBallot({
      meetingId: meeting.id,
      premiseId: request.premiseId,
      channel: request.channel,
      voterPersonId: request.voterPersonId,
      voterName: request.voterName,
      recordedBy: request.recordedBy,
      castAt: request.at,
      answers: request.answers,
    });
    const katoCode = await this.buildings.buildingKato(meeting.buildingId);
    return { ballot, changes: [{ type: 'BALLOT', id: ballot.id, operation: 'CREATED', katoCode }] };
  }

  /**
   * Closes the meeting and tallies it: the ballots of all three channels together, the quorum
   * against the building's premises, each question's majority by the rule of its kind. The
   * result is the protocol, to be signed and published. `managingSubjectId`: the subject that
   * manages the building now (`assertStillManages`), owner of the changes in the feed.
   */
  async close(meetingId: string, managingSubjectId: string, at: Date): Promise<{ protocol: ProtocolRow; changes: ChangeDeclaration[] }> {
    const meeting = await this.lockedMeeting(meetingId, 'meetingId');
    if (meeting.closedAt) throw conflict('The meeting is already closed; read its protocol.', 'meetingId');
    if (at < meeting.opensAt)
      throw conflict(`The meeting opens at ${meeting.opensAt.toISOString()}; it cannot be closed before.`, 'meetingId');
    const [questions, kinds, counts, perChannel, premises] = await Promise.all([
      this.meetings.questionsOfMeetings([meeting.id]),
      this.meetings.questionKinds(),
      this.meetings.answerCounts(meeting.id),
      this.meetings.ballotsPerChannel(meeting.id),
      this.meetings.premisesOf(meeting.buildingId),
    ]);
    const rules = new Map(kinds.map((kind) => [kind.code, kind]));
    const premisesVoted = perChannel.IN_PERSON + perChannel.WRITTEN_POLL + perChannel.ELECTRONIC;
    for (const question of questions) {
      const rule = rules.get(question.kind);
      if (!rule) throw new Error(`The question kind ${question.kind} has no voting rule.`);
      const decision = decideQuestion(
        rule,
        premises.length,
        premisesVoted,
        countAnswers(counts.filter((row) => row.questionId === question.id)),
      );
      await this.meetings.recordResult(question.id, decision);
    }
    await this.meetings.markClosed(meeting.id, at);
    const protocol = await this.meetings.insertProtocol({
      meetingId: meeting.id,
      buildingId: meeting.buildingId,
      premisesTotal: premises.length,
      ballotsInPerson: perChannel.IN_PERSON,
      ballotsWrittenPoll: perChannel.WRITTEN_POLL,
      ballotsElectronic: perChannel.ELECTRONIC,
      createdAt: at,
    });
    const katoCode = await this.buildings.buildingKato(meeting.buildingId);
    return {
      protocol,
      changes: [
        meetingRecordChange('MEETING', meeting, katoCode, managingSubjectId, 'UPDATED'),
        meetingRecordChange('PROTOCOL', protocol, katoCode, managingSubjectId, 'CREATED'),
      ],
    };
  }

  /** The protocol, locked for this transaction; NOT_FOUND when there is none. */
  async lockedProtocol(protocolId: string, field: string): Promise<ProtocolRow> {
    const protocol = await this.meetings.protocolForUpdate(protocolId);
    if (!protocol) throw notFound(`The protocol given in ${field}`, field);
    return protocol;
  }

  /**
   * Signs and publishes a protocol, as a report is (p.8, p.28): the signature must be a
   * detached CMS over the protocol's canonical bytes, computed again here from the stored
   * rows, by the managing subject (its BIN, or the IIN of an owners' representative); else
   * BAD_USER_INPUT on `input.signature` with the reason. CONFLICT when already published or annulled.
   */
  async publish(request: {
    protocolId: string;
    signature: string;
    trust: TrustStore | null;
    managerSubjectId: string;
    at: Date;
  }): Promise<{ protocol: ProtocolRow; changes: ChangeDeclaration[] }> {
    const current = await this.lockedProtocol(request.protocolId, 'input.protocolId');
    if (current.annulledAt) throw conflict('The protocol is annulled; it cannot be published.', 'input.protocolId');
    if (current.publishedAt) throw conflict('The protocol is already published; it never changes.', 'input.protocolId');
    const [meeting] = await this.meetings.meetingsByIds([current.meetingId]);
    if (!meeting) throw new Error('A protocol without its meeting.');
    const questions = await this.meetings.questionsOfMeetings([meeting.id]);
    const publications = new SignedPublications(this.executor);
    await publications.sign({
      recordKind: 'PROTOCOL',
      recordId: current.id,
      buildingId: current.buildingId,
      title: protocolTitle(meeting),
      content: protocolContent(current, meeting, questions).bytes,
      signature: request.signature,
      expected: await requiredSignerOf(this.executor, request.managerSubjectId),
      trust: request.trust,
      at: request.at,
      field: 'input.signature',
    });
    await publications.publish('PROTOCOL', current.id, request.at);
    const protocol = await this.meetings.markPublished(current.id, request.at);
    const katoCode = await this.buildings.buildingKato(protocol.buildingId);
    return { protocol, changes: [meetingRecordChange('PROTOCOL', protocol, katoCode, request.managerSubjectId, 'UPDATED')] };
  }

  /**
   * Annuls a protocol with a stated basis: its decisions no longer authorize anything (spending
   * the fund among them). `managingSubjectId`: the subject that manages the building now when
   * the manager annuls (`assertStillManages`); null when a local executive body does, and the
   * change is then owned by whoever manages the building today, if anyone.
   */
  async annul(request: {
    protocolId: string;
    basis: string;
    annulledBy: string;
    managingSubjectId: string | null;
    at: Date;
  }): Promise<{ protocol: ProtocolRow; changes: ChangeDeclaration[] }> {
    const basis = request.basis.trim();
    const basisProblem = textFieldProblem(basis, 'input.basis', MAX_TEXT);
    if (basisProblem) throw badUserInput(basisProblem);
    const current = await this.lockedProtocol(request.protocolId, 'input.protocolId');
    if (current.annulledAt) throw conflict('The protocol is already annulled; nothing was written.', 'input.protocolId');
    // A spending under one of its decisions holds the fund: it either commits before the annulment or sees it.
    await new CapitalRepairRepository(this.executor).lockFund(current.buildingId);
    const protocol = await this.meetings.annul(current.id, basis, request.annulledBy, request.at);
    const katoCode = await this.buildings.buildingKato(protocol.buildingId);
    const managingSubjectId = request.managingSubjectId ?? (await this.buildings.managingSubjectAt(protocol.buildingId, request.at));
    return { protocol, changes: [meetingRecordChange('PROTOCOL', protocol, katoCode, managingSubjectId, 'UPDATED')] };
  }
}
