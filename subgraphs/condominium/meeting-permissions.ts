import { AccessFunction } from '../../lib/auth/functions.js';
import { chain, isAuthenticated, isOpenPart, or, relyOnToken, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import {
  type BuildingIdOf,
  buildingIdInInput,
  buildingIdOfParent,
  managesBuilding,
  ownedPremisesOf,
  ownsPremisesInBuilding,
  thisBuilding,
  watchesBuildingTerritory,
} from './building-rights.js';
import type { Context } from './context.js';
import type { BallotRow, MeetingRow, ProtocolRow } from './meeting-repository.js';

/**
 * The rules of meetings, ballots, protocols and capital repair (spread into `permissions.ts`).
 * Rights follow the building (`building-rights.ts`): its manager announces, records paper and
 * in-person ballots, closes, publishes and spends; an owner of its premises votes for them and
 * reads the meetings and the fund; a local executive body of its territory reads them and may
 * annul a protocol. Published protocols are open part (p.21), with no personal data; a
 * ballot is seen only by the manager and the owners of its premises.
 */

/** Reading and watching a building's meetings and fund from outside: a local executive body (housing inspection) in its territory. */
const WATCHING = AccessFunction.CondominiumManage;

function argumentOf(args: Record<string, unknown>, path: string): unknown {
  const [first, second] = path.split('.') as [string, string | undefined];
  return second === undefined ? args[first] : (args[first] as Record<string, unknown> | null | undefined)?.[second];
}

/** The building of the meeting named by the argument at `path` (`meetingId`, `input.meetingId`); null when there is none. */
const meetingBuilding =
  (path: string): BuildingIdOf =>
  async (_parent, args, context) =>
    (await context.loaders.meetings.meetingById.load(parseId(argumentOf(args, path), path, 'a meeting')))?.buildingId ?? null;

/** The building of the protocol named by the argument at `path`; null when there is none. */
const protocolBuilding =
  (path: string): BuildingIdOf =>
  async (_parent, args, context) =>
    (await context.loaders.meetings.protocolById.load(parseId(argumentOf(args, path), path, 'a protocol')))?.buildingId ?? null;

/**
 * Lets a signed-in caller through when the target names no building (no such meeting or
 * protocol), so that the resolver answers NOT_FOUND; refuses otherwise. Put last in an `or`:
 * the error shown is the first rule's.
 */
const whenTargetMissing = (of: BuildingIdOf) =>
  rule({ cache: 'no_cache' })<unknown, Context>(async (parent, args, context) => {
    if (context.caller.kind === 'anonymous') return unauthenticated();
    return (await of(parent, args, context)) === null ? relyOnToken() : forbidden();
  });

/**
 * An electronic ballot (p.27) stands in for the owner's signature, so it is taken only in a
 * session established by EDS sign-in (`signInWithSignature`; the token says how it was
 * established, docs/authentication.md). A session handed out otherwise is refused with
 * `extensions.reason` EDS_SIGN_IN_REQUIRED.
 */
const signedInWithEds = rule({ cache: 'contextual' })<unknown, Context>((_parent, _args, context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  if (context.caller.kind === 'person' && context.caller.authentication === 'EDS') return relyOnToken();
  return forbidden(
    'An electronic ballot is taken only in a session signed in with your EDS certificate: sign in with EDS (requestSignInChallenge, signInWithSignature) and cast it again.',
    'EDS_SIGN_IN_REQUIRED',
  );
});

const managerOf = (of: BuildingIdOf) => or(managesBuilding(of), whenTargetMissing(of));

/** The building's manager, owners of its premises, or a local executive body of its territory. */
const concernsBuilding = <TParent>(of: BuildingIdOf<TParent>) =>
  or(managesBuilding(of), ownsPremisesInBuilding(of), watchesBuildingTerritory(WATCHING, of));

const fundBuilding: BuildingIdOf<{ buildingId: string }> = buildingIdOfParent;

/** The building of a ballot's meeting. */
const ballotBuilding: BuildingIdOf<BallotRow> = async (ballot, _args, context) =>
  (await context.loaders.meetings.meetingById.load(ballot.meetingId))?.buildingId ?? null;

/** An owner of the ballot's premises (co-owners each see their shared ballot). */
const ownsBallotPremises = rule({ cache: 'no_cache' })<BallotRow, Context>(async (ballot, args, context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  const buildingId = await ballotBuilding(ballot, args, context);
  const owned = buildingId === null ? [] : await ownedPremisesOf(context, buildingId);
  return owned.includes(ballot.premiseId)
    ? relyOnToken()
    : forbidden('A ballot is seen only by the manager of the building and the owners of its premises.');
});

/** A ballot's answers: the manager, the owners of its premises, a local executive body of the territory. */
const ballotReader = or(managesBuilding(ballotBuilding), ownsBallotPremises, watchesBuildingTerritory(WATCHING, ballotBuilding));
/** The name on a paper ballot (personal data): the manager and the owners of the premises only. */
const ballotNameReader = or(managesBuilding(ballotBuilding), ownsBallotPremises);

/** A published (or annulled after publication) protocol is open part; a draft is its manager's. */
const isPublishedProtocol = rule({ cache: 'no_cache' })<ProtocolRow, Context>((protocol) =>
  protocol.publishedAt !== null
    ? true
    : forbidden('This protocol is a draft: only the manager of its building sees it until it is published.'),
);

export const meetingPermissions = {
  Query: {
    votingRules: isOpenPart,
    meeting: isAuthenticated,
    protocol: isOpenPart,
  },
  Mutation: {
    announceMeeting: managesBuilding(buildingIdInInput('buildingId')),
    recordBallot: managerOf(meetingBuilding('input.meetingId')),
    // Ownership first (who may vote for the premises at all), then how the session was established.
    castBallot: chain(
      or(ownsPremisesInBuilding(meetingBuilding('input.meetingId')), whenTargetMissing(meetingBuilding('input.meetingId'))),
      signedInWithEds,
    ),
    closeMeeting: managerOf(meetingBuilding('meetingId')),
    publishProtocol: managerOf(protocolBuilding('input.protocolId')),
    annulProtocol: or(
      managesBuilding(protocolBuilding('input.protocolId')),
      watchesBuildingTerritory(WATCHING, protocolBuilding('input.protocolId')),
      whenTargetMissing(protocolBuilding('input.protocolId')),
    ),
    accrueCapitalRepairContributions: managesBuilding(buildingIdInInput('buildingId')),
    recordCapitalRepairPayments: managesBuilding(buildingIdInInput('buildingId')),
    spendCapitalRepairFund: managesBuilding(buildingIdInInput('buildingId')),
  },
  Building: {
    meetings: concernsBuilding(thisBuilding),
    protocols: isOpenPart,
    capitalRepairFund: concernsBuilding(thisBuilding),
  },
  types: {
    VotingRules: { '*': isOpenPart },
    QuestionKind: { '*': isOpenPart },
    Share: { '*': isOpenPart },
    Meeting: {
      '*': concernsBuilding<MeetingRow>(buildingIdOfParent),
      ballots: or(managesBuilding<MeetingRow>(buildingIdOfParent), watchesBuildingTerritory<MeetingRow>(WATCHING, buildingIdOfParent)),
    },
    // Reached only through a Meeting, whose rule decided.
    Question: { '*': visibleWithParent },
    QuestionResult: { '*': visibleWithParent },
    Ballot: { '*': ballotReader, voterName: ballotNameReader },
    BallotAnswer: { '*': visibleWithParent },
    Protocol: { '*': or(managesBuilding<ProtocolRow>(buildingIdOfParent), isPublishedProtocol) },
    ProtocolQuestion: { '*': visibleWithParent },
    CapitalRepairFund: {
      '*': visibleWithParent,
      premises: or(managesBuilding(fundBuilding), watchesBuildingTerritory(WATCHING, fundBuilding)),
    },
    PremiseContributions: { '*': visibleWithParent },
    CapitalRepairSpending: { '*': visibleWithParent },
    MeetingPayload: { '*': visibleWithParent },
    BallotPayload: { '*': visibleWithParent },
    ProtocolPayload: { '*': visibleWithParent },
    CapitalRepairFundPayload: { '*': visibleWithParent },
  },
};

/** Personal data (p.9, p.24): the name written on a paper or in-person ballot. */
export const meetingPersonalData = { Ballot: ['voterName'] } as const;
