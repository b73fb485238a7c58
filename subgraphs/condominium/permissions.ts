import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { deny, type IRules, isAdministrator, isOpenPart, or, relyOnToken, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import {
  type BuildingIdOf,
  buildingIdInInput,
  buildingIdOfParent,
  managesBuilding,
  ownsPremisesInBuilding,
  watchesBuildingTerritory,
} from './building-rights.js';
import type { Context } from './context.js';
import type { HouseCouncilMemberRow } from './house-council-repository.js';
import type { AssignmentRow } from './management-repository.js';
import { serviceEntityPolicy, servicePermissions, servicePersonalData } from './service-permissions.js';

/**
 * A rule for every field of every type (the subgraph refuses to start otherwise). Who
 * manages a building, in which form, is open part (p.21, p.25); persons are not: the
 * representative under direct joint management is never named, house council members only
 * to those the building concerns. Rights follow the building (`building-rights.ts`): a
 * manager acts on the buildings it manages now, an owner where they own premises, a local
 * executive body in its territory; each rule's reliance is what the write path re-checks.
 */

/** The building a federated Building is. */
const thisBuilding: BuildingIdOf<{ id: string }> = (building) => building.id;

/** The building of the membership named by the argument `id`; null when there is none (the write answers NOT_FOUND). */
const membershipBuilding: BuildingIdOf = async (_parent, args, context) =>
  (await context.loaders.houseCouncilMemberById.load(parseId(args.id, 'id', 'a house council membership')))?.buildingId ?? null;

/** Whoever the building concerns: its manager, its owners, the Administrator, PERSONAL_DATA_READ in its territory. */
const concernsBuilding = <TParent>(of: BuildingIdOf<TParent>) =>
  or(ownsPremisesInBuilding(of), managesBuilding(of), watchesBuildingTerritory(AccessFunction.PersonalDataRead, of), isAdministrator);

/** A person's own premises: any person signed in; a digital object has none. */
const isPerson = rule({ cache: 'contextual' })<unknown, Context>((_parent, _args, { caller }) => {
  if (caller.kind === 'anonymous') return unauthenticated();
  return caller.kind === 'person' ? relyOnToken() : forbidden('Only a person signed in has premises of their own.');
});

export const permissions = {
  Query: {
    managementHistory: isOpenPart,
    myPremises: isPerson,
    ...servicePermissions.Query,
    // Building: open, with houseCouncil and ownerRequests guarded by their own rules; Region: open counts.
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
    ...servicePermissions.Mutation,
  },
  Building: { '*': isOpenPart, houseCouncil: concernsBuilding(thisBuilding), ...servicePermissions.Building },
  ...servicePermissions.types,
  ManagementAssignment: { '*': isOpenPart },
  Region: { '*': isOpenPart },
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
export const personalData: PersonalDataOf<{ ManagementAssignment: AssignmentRow; HouseCouncilMember: HouseCouncilMemberRow }> &
  typeof servicePersonalData = {
  HouseCouncilMember: ['fullName', 'iin'],
  ...servicePersonalData,
};
