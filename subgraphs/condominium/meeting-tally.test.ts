import { describe, expect, it } from 'vitest';
import { countAnswers, decideQuestion, reachesShare, type VotingRule } from './meeting-tally.js';

const ordinary: VotingRule = {
  quorumNumerator: 1,
  quorumDenominator: 2,
  quorumStrict: true,
  majorityBase: 'VOTES_CAST',
  majorityNumerator: 1,
  majorityDenominator: 2,
  majorityStrict: true,
};
const twoThirdsOfAll: VotingRule = {
  ...ordinary,
  majorityBase: 'ALL_PREMISES',
  majorityNumerator: 2,
  majorityDenominator: 3,
  majorityStrict: false,
};

describe('meeting tally', () => {
  it('compares shares exactly: more than half, at least two thirds', () => {
    expect(reachesShare(5, 10, 1, 2, true)).toBe(false);
    expect(reachesShare(6, 10, 1, 2, true)).toBe(true);
    expect(reachesShare(6, 9, 2, 3, false)).toBe(true);
    expect(reachesShare(5, 9, 2, 3, false)).toBe(false);
  });

  it('counts abstentions as cast', () => {
    expect(
      countAnswers([
        { answer: 'FOR', n: 2 },
        { answer: 'ABSTAIN', n: 1 },
        { answer: 'AGAINST', n: 1 },
      ]),
    ).toEqual({ votesFor: 2, votesAgainst: 1, votesAbstained: 1 });
    // 2 for of 4 cast is not more than half.
    expect(decideQuestion(ordinary, 6, 4, { votesFor: 2, votesAgainst: 1, votesAbstained: 1 }).approved).toBe(false);
    expect(decideQuestion(ordinary, 6, 4, { votesFor: 3, votesAgainst: 0, votesAbstained: 1 }).approved).toBe(true);
  });

  it('approves nothing without a quorum, whatever the votes', () => {
    const decision = decideQuestion(ordinary, 6, 3, { votesFor: 3, votesAgainst: 0, votesAbstained: 0 });
    expect(decision).toMatchObject({ quorumReached: false, approved: false });
  });

  it('counts two thirds of all premises, not of the votes cast', () => {
    // 5 of 6 voted, all 5 for a 2/3 question: 5 ≥ 4 → approved; 3 for of 9 premises is not.
    expect(decideQuestion(twoThirdsOfAll, 6, 5, { votesFor: 4, votesAgainst: 1, votesAbstained: 0 }).approved).toBe(true);
    expect(decideQuestion(twoThirdsOfAll, 6, 5, { votesFor: 3, votesAgainst: 0, votesAbstained: 2 }).approved).toBe(false);
  });
});
