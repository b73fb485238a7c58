import { tengeOf } from '../../lib/money.js';
import type { MeetingRow, ProtocolRow, QuestionRow } from './meeting-repository.js';
import { canonicalBytes, sha256Hex } from './signed-publication.js';

/**
 * What the manager signs to publish a protocol (p.8, p.28): the tally as stored, in the
 * canonical form reports use (`signed-publication.ts`). Results only: no ballot, no name,
 * nothing personal. Computed again from the stored rows when the signature arrives, so the
 * signature covers what is stored.
 */
export function protocolRecord(protocol: ProtocolRow, meeting: MeetingRow, questions: readonly QuestionRow[]) {
  return {
    kind: 'MEETING_PROTOCOL',
    protocolId: protocol.id,
    meetingId: meeting.id,
    buildingId: protocol.buildingId,
    title: meeting.title,
    noticeGivenOn: meeting.noticeGivenOn,
    opensAt: meeting.opensAt,
    closedAt: meeting.closedAt ?? protocol.createdAt,
    premisesTotal: protocol.premisesTotal,
    ballots: {
      inPerson: protocol.ballotsInPerson,
      writtenPoll: protocol.ballotsWrittenPoll,
      electronic: protocol.ballotsElectronic,
    },
    questions: questions.map((question) => ({
      position: question.position,
      text: question.text,
      kind: question.kind,
      fundSpending: question.fundSpendingTiyn === null ? null : tengeOf(question.fundSpendingTiyn),
      votesFor: question.votesFor,
      votesAgainst: question.votesAgainst,
      votesAbstained: question.votesAbstained,
      quorumReached: question.quorumReached,
      approved: question.approved,
    })),
  };
}

/** The canonical bytes of the protocol and their SHA-256. */
/** What the verification page calls a protocol. */
export function protocolTitle(meeting: MeetingRow): string {
  return `Protocol of the owners' meeting "${meeting.title}"`;
}

export function protocolContent(
  protocol: ProtocolRow,
  meeting: MeetingRow,
  questions: readonly QuestionRow[],
): { bytes: Uint8Array; sha256: string } {
  const bytes = canonicalBytes(protocolRecord(protocol, meeting, questions));
  return { bytes, sha256: sha256Hex(bytes) };
}
