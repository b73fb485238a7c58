import { authenticatedEntity, type EntityPolicy, openEntity } from '../../lib/auth/entities.js';
import { type IRules, isAuthenticated, isOpenPart, or, relyOnToken, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import {
  type BuildingIdOf,
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
import type { OwnerRequestRow } from './owner-request-repository.js';
import { readsRequestDetails, WATCH_FUNCTION } from './owner-request-scope.js';

/**
 * Who may do what with planned works, owners' requests and contracts (merged into
 * permissions.ts). Works and contracts are the open part (p.21: no personal data in them);
 * the building's manager now places and moves them (`managesBuilding`). Requests are filed
 * by owners of premises in the building, moved by its manager, reopened and rated by their
 * requester, and watched in a territory by its local executive body; their text and the
 * rest of their personal data only by the requester and the manager (`owner-request-scope.ts`).
 */

const inputOf = (args: Record<string, unknown>) => (args.input ?? {}) as Record<string, unknown>;

/** The building of the work named by `input.workId`; NOT_FOUND (to a caller who manages at all) when there is none. */
const workBuilding: BuildingIdOf = async (_parent, args, context) => {
  const work = await context.loaders.services.plannedWorkById.load(parseId(inputOf(args).workId, 'input.workId', 'a planned work'));
  if (!work) throw notFound('The work given in input.workId', 'input.workId');
  return work.buildingId;
};

/** The building of the request named by `input.requestId`; NOT_FOUND when there is none. */
const requestBuilding: BuildingIdOf = async (_parent, args, context) => {
  const request = await context.loaders.services.requestById.load(parseId(inputOf(args).requestId, 'input.requestId', 'an owner request'));
  if (!request) throw notFound('The request given in input.requestId', 'input.requestId');
  return request.buildingId;
};

/** The person who filed the request named by `input.requestId`: relies on the token (the request's requester never changes). */
const isRequester = rule({ cache: 'no_cache' })(async (_parent, args, context: Context) => {
  const { caller } = context;
  if (caller.kind === 'anonymous') return unauthenticated();
  const id = parseId(inputOf(args).requestId, 'input.requestId', 'an owner request');
  const request = await context.loaders.services.requestById.load(id);
  if (!request) return notFound('The request given in input.requestId', 'input.requestId');
  return caller.kind === 'person' && caller.personId === request.requesterPersonId
    ? relyOnToken()
    : forbidden('Only the owner who filed this request may do this.');
});

/** A local executive body with CONDOMINIUM_MANAGE in the territory of `katoCode`, or a national body with it. */
const watchesTerritory = holdsInTerritoryArgument(
  [WATCH_FUNCTION],
  `Reading overdue requests of a territory needs ${WATCH_FUNCTION} in that territory.`,
);

/** A request's personal data: its requester, the building's manager, or PERSONAL_DATA_READ in its territory. */
const mayReadRequestDetails = rule({ cache: 'no_cache' })(async (request: OwnerRequestRow, _args, context: Context) =>
  (await readsRequestDetails(context, request))
    ? true
    : forbidden(
        "Reading a request's text and its requester's details needs to be its requester, the building's manager, or PERSONAL_DATA_READ.",
      ),
);

export const servicePersonalData = {
  OwnerRequest: ['description', 'contactPhone', 'premise', 'rejectionReason', 'ratingComment', 'history', 'documents'],
} as const satisfies PersonalDataOf<{ OwnerRequest: OwnerRequestRow & { premise: unknown; history: unknown; documents: unknown } }>;

/** `_entities`: works and contracts are open; a request reference resolves to null outside the caller's scope. */
export const serviceEntityPolicy: Record<string, EntityPolicy<Context>> = {
  PlannedWork: openEntity,
  Contract: openEntity,
  OwnerRequest: authenticatedEntity,
};

export const servicePermissions = {
  Query: {
    requestCategories: isOpenPart,
    plannedWork: isOpenPart,
    contract: isOpenPart,
    // Scope-filtering: null for a request the caller may not read.
    ownerRequest: isAuthenticated,
    myOwnerRequests: isAuthenticated,
    overdueOwnerRequests: watchesTerritory,
  },
  Mutation: {
    planWork: managesBuilding(buildingIdInInput('buildingId')),
    changePlannedWorkStatus: managesBuilding(workBuilding),
    placeContract: managesBuilding(buildingIdInInput('buildingId')),
    submitOwnerRequest: ownsPremisesInBuilding(buildingIdInInput('buildingId')),
    changeOwnerRequestStatus: managesBuilding(requestBuilding),
    reopenOwnerRequest: isRequester,
    rateOwnerRequest: isRequester,
  },
  Building: {
    plannedWorks: isOpenPart,
    contracts: isOpenPart,
    // The resolver narrows an owner to their own requests (`seesAllRequestsOf`).
    ownerRequests: or(
      managesBuilding(thisBuilding),
      watchesBuildingTerritory(WATCH_FUNCTION, thisBuilding),
      ownsPremisesInBuilding(thisBuilding),
    ),
  },
  types: {
    PlannedWork: { '*': isOpenPart },
    Contract: { '*': isOpenPart, documents: concernsDocument(buildingIdOfParent) },
    RequestCategory: { '*': isOpenPart },
    // Requests are reached only through the guarded root fields, Building.ownerRequests and
    // the `_entities` policy, all of which apply the caller's scope; their personal data has rules of its own.
    OwnerRequest: {
      '*': visibleWithParent,
      description: mayReadRequestDetails,
      contactPhone: mayReadRequestDetails,
      premise: mayReadRequestDetails,
      rejectionReason: mayReadRequestDetails,
      ratingComment: mayReadRequestDetails,
      history: mayReadRequestDetails,
      documents: mayReadRequestDetails,
    },
    OwnerRequestEvent: { '*': visibleWithParent },
    OwnerRequestConnection: { '*': visibleWithParent },
    OwnerRequestEdge: { '*': visibleWithParent },
    PlannedWorkPayload: { '*': visibleWithParent },
    OwnerRequestPayload: { '*': visibleWithParent },
    ContractPayload: { '*': visibleWithParent },
  },
} satisfies Record<string, IRules>;
