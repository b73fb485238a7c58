import type { BallotAnswer, MajorityBase } from '../../schema/condominium.js';

/**
 * The arithmetic of a meeting's tally (p.27), with no database: the rule of each question's
 * kind comes from `condominium.question_kinds` (data), the counts from the ballots of all
 * three channels. One ballot is one premises; every ballot answers every question.
 */

/** A voting rule as `question_kinds` keeps it: shares as numerator / denominator, `strict` for "more than". */
export interface VotingRule {
  quorumNumerator: number;
  quorumDenominator: number;
  quorumStrict: boolean;
  majorityBase: MajorityBase;
  majorityNumerator: number;
  majorityDenominator: number;
  majorityStrict: boolean;
}

export interface QuestionCounts {
  votesFor: number;
  votesAgainst: number;
  votesAbstained: number;
}

export interface QuestionDecision extends QuestionCounts {
  quorumReached: boolean;
  approved: boolean;
}

/** Whether `count` reaches `numerator / denominator` of `base` (more than it when `strict`), in integers. */
export function reachesShare(count: number, base: number, numerator: number, denominator: number, strict: boolean): boolean {
  const left = count * denominator;
  const right = numerator * base;
  return strict ? left > right : left >= right;
}

const counted: Record<BallotAnswer, keyof QuestionCounts> = { FOR: 'votesFor', AGAINST: 'votesAgainst', ABSTAIN: 'votesAbstained' };

/** Sums the answers to one question, given as (answer, how many) pairs. */
export function countAnswers(rows: ReadonlyArray<{ answer: BallotAnswer; n: number }>): QuestionCounts {
  const counts: QuestionCounts = { votesFor: 0, votesAgainst: 0, votesAbstained: 0 };
  for (const row of rows) counts[counted[row.answer]] += row.n;
  return counts;
}

/**
 * The decision on one question: the quorum is reached when the premises that voted reach the
 * rule's share of all premises; the question is approved when, with the quorum, the votes
 * for it reach the rule's share of the votes cast on it (abstentions are cast) or of all premises.
 */
export function decideQuestion(rule: VotingRule, premisesTotal: number, premisesVoted: number, counts: QuestionCounts): QuestionDecision {
  const quorumReached =
    premisesTotal > 0 && reachesShare(premisesVoted, premisesTotal, rule.quorumNumerator, rule.quorumDenominator, rule.quorumStrict);
  const base = rule.majorityBase === 'ALL_PREMISES' ? premisesTotal : counts.votesFor + counts.votesAgainst + counts.votesAbstained;
  const majority = base > 0 && reachesShare(counts.votesFor, base, rule.majorityNumerator, rule.majorityDenominator, rule.majorityStrict);
  return { ...counts, quorumReached, approved: quorumReached && majority };
}
