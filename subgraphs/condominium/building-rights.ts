/**
 * Rights that follow the building (issue 7, item 2). Nobody is granted "this building":
 * each right is derived, on every request, from facts kept elsewhere:
 *
 * - `managesBuilding`: the caller holds CONDOMINIUM_MANAGE for the subject whose management
 *   assignment of the building is in force today. No grant per building to keep in step:
 *   when the assignment ends, the next request finds another manager (loaders live for one
 *   request) and the right is gone. The rule relies on those grants (the write path
 *   re-checks them); a write also calls `assertStillManages` in its transaction, which
 *   re-reads the assignment and locks it FOR SHARE until commit, so an assignment ended
 *   concurrently either waits for the write or wins before it.
 * - `ownsPremisesInBuilding`: the caller is a person whose IIN (access subgraph) is an
 *   owner's identification number of premises in the building (buildings register). It
 *   relies on the token; ownership is read afresh by every request, and the writes that
 *   need the owner's premises (ballots, requests) take them from `ownedPremisesOf`.
 * - `watchesBuildingTerritory(fn)`: a local executive body (or its housing inspection)
 *   holding `fn` in the building's territory, or a national body holding it; relies on
 *   exactly those grants (`grantsInTerritory`).
 *
 * Each takes `buildingIdOf(parent, args, context)`: the building the field concerns, or
 * null when the object it names does not exist (a membership, a report … of no building).
 * Ids from arguments go through `buildingIdArgument`/`buildingIdInInput`, which refuse a
 * malformed id with BAD_USER_INPUT naming the field. For a building (or object) that does
 * not exist the manager and territory rules rely on any grant of the function, so a caller
 * who holds it learns NOT_FOUND from the resolver and one without it FORBIDDEN; the owner
 * rule refuses.
 *
 * Combine with `or` (lib/auth/shield.ts): `or(managesBuilding(of), ownsPremisesInBuilding(of))`.
 * All rules are `no_cache`: each call concerns its own building.
 */
import type { Caller } from '../../lib/auth/caller.js';
import { grantsOf } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { grantsInTerritory, subjectsFor } from '../../lib/auth/scope.js';
import { isAdministrator, or, relyOnGrants, relyOnToken, rule } from '../../lib/auth/shield.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, forbidden, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import { katoCodeProblem } from '../../lib/kato.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { Context } from './context.js';
import { RightsRepository } from './rights-repository.js';

/** The building a field concerns; null when it concerns none (the rules then refuse, or defer NOT_FOUND). */
export type BuildingIdOf<TParent = unknown> = (
  parent: TParent,
  args: Record<string, unknown>,
  context: Context,
) => string | null | Promise<string | null>;

/** The building named by a top-level argument, e.g. `buildingIdArgument('buildingId')`; a malformed id is BAD_USER_INPUT. */
export const buildingIdArgument =
  (name: string): BuildingIdOf =>
  (_parent, args) =>
    parseId(args[name], name, 'a building');

/** The building named by a field of the `input` argument, e.g. `buildingIdInInput('buildingId')` for `input.buildingId`. */
export const buildingIdInInput =
  (name: string): BuildingIdOf =>
  (_parent, args) =>
    parseId((args.input as Record<string, unknown> | null | undefined)?.[name], `input.${name}`, 'a building');

/** The building of a parent row that carries `buildingId` (a report, a meeting, a request …). */
export const buildingIdOfParent: BuildingIdOf<{ buildingId: string }> = (parent) => parent.buildingId;

/** The building a federated Building is. */
export const thisBuilding: BuildingIdOf<{ id: string }> = (building) => building.id;

function grantsWith(caller: Caller, fn: AccessFunction) {
  return grantsOf(caller).filter((grant) => grant.functions.includes(fn));
}

/** The caller manages the building now: relies on its CONDOMINIUM_MANAGE grants for the managing subject. */
export function managesBuilding<TParent = unknown>(buildingIdOf: BuildingIdOf<TParent>) {
  return rule({ cache: 'no_cache' })<TParent, Context>(async (parent, args, context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    const managing = grantsWith(caller, AccessFunction.CondominiumManage);
    if (managing.length === 0) return forbidden('This needs the CONDOMINIUM_MANAGE function of the subject that manages the building.');
    const buildingId = await buildingIdOf(parent, args, context);
    if (buildingId === null) return relyOnGrants(managing);
    const [building, management] = await Promise.all([
      context.loaders.buildingById.load(buildingId),
      context.loaders.currentManagement.load(buildingId),
    ]);
    // No such building: the write answers NOT_FOUND to a caller who manages at all.
    if (!building) return relyOnGrants(managing);
    return relyOnGrants(management ? managing.filter((grant) => grant.subjectId === management.managementSubjectId) : [], () =>
      forbidden('Only the subject that manages this building now may do this; your organisation does not manage it.'),
    );
  });
}

/** The caller (a person, by IIN) owns premises in the building: relies on the token. */
export function ownsPremisesInBuilding<TParent = unknown>(buildingIdOf: BuildingIdOf<TParent>) {
  return rule({ cache: 'no_cache' })<TParent, Context>(async (parent, args, context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    if (caller.kind !== 'person') return forbidden('Only an owner of premises in the building, signed in as a person, may do this.');
    const buildingId = await buildingIdOf(parent, args, context);
    const owned = buildingId === null ? [] : await context.loaders.callerPremisesIn.load(buildingId);
    return owned.length > 0 ? relyOnToken() : forbidden('Only an owner of premises in this building may do this.');
  });
}

/** A local executive body (housing inspection) with `fn` in the building's territory, or a national body with `fn`. */
export function watchesBuildingTerritory<TParent = unknown>(fn: AccessFunction, buildingIdOf: BuildingIdOf<TParent>) {
  return rule({ cache: 'no_cache' })<TParent, Context>(async (parent, args, context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    const holding = grantsWith(caller, fn);
    if (holding.length === 0) return forbidden(`This needs the ${fn} function in the territory of the building.`);
    const buildingId = await buildingIdOf(parent, args, context);
    if (buildingId === null) return relyOnGrants(holding);
    const building = await context.loaders.buildingById.load(buildingId);
    if (!building) return relyOnGrants(holding);
    return relyOnGrants(grantsInTerritory(caller, fn, building.katoCode), () =>
      forbidden(`Your access right does not allow ${fn} in the territory of this building.`),
    );
  });
}

/** The ids of the premises the caller owns in the building (empty for anyone but an owner signed in as a person). */
export function ownedPremisesOf(context: Context, buildingId: string): Promise<string[]> {
  return context.loaders.callerPremisesIn.load(buildingId);
}

/** The subjects the caller acts for with CONDOMINIUM_MANAGE: the candidates for `assertStillManages`. */
export function managingSubjectsOf(caller: Caller): string[] {
  return subjectsFor(caller, AccessFunction.CondominiumManage);
}

/**
 * Inside a write's transaction, before writing: one of `subjectIds` (by default, pass
 * `managingSubjectsOf(context.caller)`) manages the building today. Locks that assignment
 * FOR SHARE until commit, so ending it waits for this write or wins before it. Returns the
 * managing subject's id; FORBIDDEN (nothing written) when none manages it any more.
 */
export async function assertStillManages(tx: Executor, subjectIds: string | readonly string[], buildingId: string): Promise<string> {
  const candidates = typeof subjectIds === 'string' ? [subjectIds] : subjectIds;
  const held = await new RightsRepository(tx).lockCurrentAssignment(buildingId, candidates, almatyDate(new Date()));
  if (!held) throw forbidden('Your organisation no longer manages this building; nothing was written.');
  return held.subjectId;
}

/** Whoever a building's documents concern (scans may show persons): its manager, its owners, the local executive body of its territory, the Administrator. */
export const concernsDocument = <TParent>(of: BuildingIdOf<TParent>) =>
  or(managesBuilding(of), ownsPremisesInBuilding(of), watchesBuildingTerritory(AccessFunction.CondominiumManage, of), isAdministrator);

/**
 * A local executive body holding one of `fns` in the territory of the `katoCode` argument, or a
 * national body holding one; relies on those grants. A malformed code is BAD_USER_INPUT.
 */
export function holdsInTerritoryArgument(fns: readonly AccessFunction[], refusal: string) {
  return rule({ cache: 'no_cache' })<unknown, Context>((_parent, args, { caller }) => {
    if (caller.kind === 'anonymous') return unauthenticated();
    const problem = katoCodeProblem('katoCode', args.katoCode ?? '');
    if (problem) return badUserInput(problem);
    const katoCode = args.katoCode as string;
    return relyOnGrants(
      fns.flatMap((fn) => grantsInTerritory(caller, fn, katoCode)),
      () => forbidden(refusal),
    );
  });
}
