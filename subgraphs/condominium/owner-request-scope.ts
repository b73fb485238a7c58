import { AccessFunction } from '../../lib/auth/functions.js';
import { grantsInTerritory } from '../../lib/auth/scope.js';
import { managingSubjectsOf } from './building-rights.js';
import type { Context } from './context.js';
import type { OwnerRequestRow } from './owner-request-repository.js';

/**
 * Who reads which owners' requests, decided per request from the same per-request loaders
 * the rights use (`building-rights.ts`), so a manager whose assignment ended reads nothing
 * on the next request:
 * - its requester reads their own request, with its details;
 * - the building's manager now reads every request of the building, with its details;
 * - a local executive body with CONDOMINIUM_MANAGE in the building's territory (or a
 *   national body with it) reads them all, their details only with PERSONAL_DATA_READ there.
 */

/** The function with which a local executive body (housing inspection) watches requests in its territory. */
export const WATCH_FUNCTION = AccessFunction.CondominiumManage;

function isRequester(context: Context, request: OwnerRequestRow): boolean {
  return context.caller.kind === 'person' && context.caller.personId === request.requesterPersonId;
}

/** Whether the caller acts for the subject that manages the building today. */
async function managesNow(context: Context, buildingId: string): Promise<boolean> {
  const subjects = managingSubjectsOf(context.caller);
  if (subjects.length === 0) return false;
  const management = await context.loaders.currentManagement.load(buildingId);
  return management !== null && subjects.includes(management.managementSubjectId);
}

async function holdsInTerritoryOf(context: Context, buildingId: string, fn: AccessFunction): Promise<boolean> {
  if (context.caller.kind === 'anonymous') return false;
  const building = await context.loaders.buildingById.load(buildingId);
  return building !== null && grantsInTerritory(context.caller, fn, building.katoCode).length > 0;
}

/** Whether the caller reads every request of the building (its manager, its territory's watcher). */
export async function seesAllRequestsOf(context: Context, buildingId: string): Promise<boolean> {
  return (await managesNow(context, buildingId)) || (await holdsInTerritoryOf(context, buildingId, WATCH_FUNCTION));
}

/** Whether the caller may read this request at all. */
export async function mayReadRequest(context: Context, request: OwnerRequestRow): Promise<boolean> {
  return isRequester(context, request) || (await seesAllRequestsOf(context, request.buildingId));
}

/** Whether the caller may read the request's personal data (its text, phone, premises, reasons, history). */
export async function readsRequestDetails(context: Context, request: OwnerRequestRow): Promise<boolean> {
  return (
    isRequester(context, request) ||
    (await managesNow(context, request.buildingId)) ||
    (await holdsInTerritoryOf(context, request.buildingId, AccessFunction.PersonalDataRead))
  );
}
