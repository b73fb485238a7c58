import { readsTerritoryAnalytics } from '../../lib/auth/analytics.js';
import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { deny, type IRules, isAdministrator, isOpenPart, or, relyOnToken, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import {
  type BuildingIdOf,
  buildingIdArgument,
  buildingIdInInput,
  buildingIdOfParent,
  concernsDocument,
  holdsInTerritoryArgument,
  managesBuilding,
  ownsPremisesInBuilding,
  thisBuilding,
  watchesBuildingTerritory,
} from './building-rights.js';
import type { Context } from './context.js';
import type { HouseCouncilMemberRow } from './house-council-repository.js';
import type { AssignmentRow } from './management-repository.js';
import { meetingPermissions, meetingPersonalData } from './meeting-permissions.js';
import type { BallotRow } from './meeting-repository.js';
import type { ReportRow } from './report-repository.js';
import { serviceEntityPolicy, servicePermissions, servicePersonalData } from './service-permissions.js';

/**
 * A rule for every field of every type (the subgraph refuses to start otherwise). Who
 * manages a building, in which form, is open part (p.21, p.25); persons are not: the
 * representative under direct joint management is never named, house council members only
 * to those the building concerns. Rights follow the building (`building-rights.ts`): a
 * manager acts on the buildings it manages now, an owner where they own premises, a local
 * executive body in its territory; each rule's reliance is what the write path re-checks.
 */

/** The building of the membership named by the argument `id`; null when there is none (the write answers NOT_FOUND). */
const membershipBuilding: BuildingIdOf = async (_parent, args, context) =>
  (await context.loaders.houseCouncilMemberById.load(parseId(args.id, 'id', 'a house council membership')))?.buildingId ?? null;

/** Whoever the building concerns: its manager, its owners, the Administrator, PERSONAL_DATA_READ in its territory. */
const concernsBuilding = <TParent>(of: BuildingIdOf<TParent>) =>
  or(ownsPremisesInBuilding(of), managesBuilding(of), watchesBuildingTerritory(AccessFunction.PersonalDataRead, of), isAdministrator);

/** The building of the document whose id is at `path` of the arguments (`id`, `input.documentId`); null when there is none. */
const documentNamedBy =
  (path: string): BuildingIdOf =>
  async (_parent, args, context) => {
    const id = path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], args);
    return (await context.loaders.documentById.load(parseId(id, path, 'a document')))?.buildingId ?? null;
  };

/** The building of the report named by the argument `reportId`; null when there is none. */
const reportBuilding: BuildingIdOf = async (_parent, args, context) =>
  (await context.loaders.reportById.load(parseId(args.reportId, 'reportId', 'a report')))?.buildingId ?? null;

/**
 * Compliance lists of a territory (`katoCode` argument): a local executive body holding
 * CONDOMINIUM_MANAGE or ANALYTICS_READ in it, or a national body holding either; relies on those grants.
 */
const watchesTerritoryArgument = holdsInTerritoryArgument(
  [AccessFunction.CondominiumManage, AccessFunction.AnalyticsRead],
  'Compliance lists are for the local executive body of this territory and national bodies.',
);

/** A person's own premises: any person signed in; a digital object has none. */
const isPerson = rule({ cache: 'contextual' })<unknown, Context>((_parent, _args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  return caller.kind === 'person' ? relyOnToken() : forbidden('Only a person signed in has premises of their own.');
});

export const permissions = {
  Query: {
    managementHistory: isOpenPart,
    myPremises: isPerson,
    ...meetingPermissions.Query,
    document: concernsDocument(documentNamedBy('id')),
    verifyPublication: isOpenPart,
    report: isOpenPart,
    reports: isOpenPart,
    reportDrafts: managesBuilding(buildingIdArgument('buildingId')),
    reportCompliance: watchesTerritoryArgument,
    // Building: open, with houseCouncil and ownerRequests guarded by their own rules; Region: open counts.
    ...servicePermissions.Query,
    _entities: entitiesRule({ Building: openEntity, Region: openEntity, ...serviceEntityPolicy }),
    _service: deny,
  },
  Mutation: {
    assignManagement: isAdministrator,
    appointTemporaryManager: or(
      watchesBuildingTerritory(AccessFunction.CondominiumManage, buildingIdInInput('buildingId')),
      isAdministrator,
    ),
    recordHouseCouncilMember: managesBuilding(buildingIdInInput('buildingId')),
    endHouseCouncilMembership: managesBuilding(membershipBuilding),
    ...meetingPermissions.Mutation,
    // Owners upload too: scans attached to their requests.
    uploadDocument: or(managesBuilding(buildingIdInInput('buildingId')), ownsPremisesInBuilding(buildingIdInInput('buildingId'))),
    appendDocumentPart: or(
      managesBuilding(documentNamedBy('input.documentId')),
      ownsPremisesInBuilding(documentNamedBy('input.documentId')),
    ),
    draftReport: managesBuilding(buildingIdInInput('buildingId')),
    signReport: managesBuilding(reportBuilding),
    publishReport: managesBuilding(reportBuilding),
    discardReport: managesBuilding(reportBuilding),
    ...servicePermissions.Mutation,
  },
  Building: {
    '*': isOpenPart,
    houseCouncil: concernsBuilding(thisBuilding),
    houseCouncilHistory: concernsBuilding(thisBuilding),
    ...meetingPermissions.Building,
    ...servicePermissions.Building,
  },
  ...meetingPermissions.types,
  ...servicePermissions.types,
  // Published reports are open part (no personal data); drafts are reached only through their manager's fields.
  // Attached documents (scans may show persons) only to whoever the building concerns.
  Report: { '*': visibleWithParent, documents: concernsDocument<ReportRow>(buildingIdOfParent) },
  ReportLine: { '*': visibleWithParent },
  CapitalRepairMovement: { '*': visibleWithParent },
  ReportWork: { '*': visibleWithParent },
  ReportCompliance: { '*': visibleWithParent },
  ReportComplianceEdge: { '*': visibleWithParent },
  ReportComplianceConnection: { '*': visibleWithParent },
  PageInfo: { '*': visibleWithParent },
  ReportPayload: { '*': visibleWithParent },
  DiscardReportPayload: { '*': visibleWithParent },
  // Reachable only through `document`, a record's `documents` or an upload, whose rules decided.
  Document: { '*': visibleWithParent },
  DocumentPayload: { '*': visibleWithParent },
  // Open part: the organisation that signed, never the person; a signed draft's signature is reached only through its draft.
  SignedPublication: { '*': visibleWithParent },
  PublicationSigner: { '*': visibleWithParent },
  ManagementAssignment: { '*': isOpenPart },
  Region: {
    '*': isOpenPart,
    reportCompliance: readsTerritoryAnalytics,
    capitalRepairFund: readsTerritoryAnalytics,
    overdueOwnerRequestCount: readsTerritoryAnalytics,
  },
  // Reached only through their Region fields, whose rules decided.
  TerritoryReportCompliance: { '*': visibleWithParent },
  TerritoryCapitalRepairFund: { '*': visibleWithParent },
  ManagementFormCount: { '*': isOpenPart },
  Premise: { '*': isOpenPart },
  // Reachable only through Building.houseCouncil or a mutation, whose rules decided; the identity has its own rule.
  HouseCouncilMember: {
    '*': visibleWithParent,
    fullName: concernsBuilding<HouseCouncilMemberRow>(buildingIdOfParent),
    iin: concernsBuilding<HouseCouncilMemberRow>(buildingIdOfParent),
  },
  // Reachable only as the answer of a mutation its rule already allowed.
  ManagementAssignmentPayload: { '*': visibleWithParent },
  HouseCouncilMemberPayload: { '*': visibleWithParent },
  Receipt: { '*': visibleWithParent },
} satisfies IRules;

/**
 * Personal data (p.9, p.24): house council members' identities, and what owners' requests
 * carry of their requesters. Management subjects are organisations, known by their ids and
 * names; the representative of direct joint management is a person and is never served.
 */
export const personalData: PersonalDataOf<{
  ManagementAssignment: AssignmentRow;
  HouseCouncilMember: HouseCouncilMemberRow;
  Ballot: BallotRow;
}> &
  typeof servicePersonalData = {
  HouseCouncilMember: ['fullName', 'iin'],
  ...meetingPersonalData,
  ...servicePersonalData,
};
