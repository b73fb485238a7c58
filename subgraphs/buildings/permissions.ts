import { grantsOf } from '../../lib/auth/caller.js';
import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { grantsInTerritory, mayActInTerritory } from '../../lib/auth/scope.js';
import { and, deny, type IRules, isOpenPart, relyOnGrants, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import { isUuid } from '../../lib/uuid.js';
import type { Context } from './context.js';
import type { OwnerRow } from './premises-repository.js';

/**
 * Who may do what in the building register. Reading the register is the open part
 * (p.21); changes need a function in the building's territory (a local executive body
 * only in its own), and rely on the grants that allow it there, which the write path
 * re-checks; owners' identities are personal data and need PERSONAL_DATA_READ there.
 *
 * Territory rules read the building through the request's loader, and use `no_cache`:
 * each call concerns its own building, so no verdict may be reused for another.
 */

/**
 * Where the object of a write lies: field 2 of the building; `unknown` when there is no
 * such building (or the id is malformed); `none` when this rule's territory is not
 * involved (an update that does not move the building).
 */
type Whereabouts = { katoCode: string } | 'unknown' | 'none';
type Locate = (args: Record<string, unknown>, context: Context) => Whereabouts | Promise<Whereabouts>;

/**
 * Allowed when the caller holds `fn` where the building lies, relying on exactly the
 * grants that allow it there. For a building that does not exist the rule relies on any
 * grant of `fn`, so the caller who holds the function learns NOT_FOUND (or, for a
 * malformed id, BAD_USER_INPUT) from the write, and one without it FORBIDDEN.
 */
function inTerritory(fn: AccessFunction, locate: Locate) {
  return rule({ cache: 'no_cache' })(async (_parent, args: Record<string, unknown>, context: Context) => {
    if (context.caller.kind === 'anonymous') return unauthenticated();
    const where = await locate(args, context);
    if (where === 'none') return true;
    if (where === 'unknown') {
      return relyOnGrants(
        grantsOf(context.caller).filter((grant) => grant.functions.includes(fn)),
        () => forbidden(`This needs the ${fn} function.`),
      );
    }
    return relyOnGrants(grantsInTerritory(context.caller, fn, where.katoCode), () =>
      forbidden(`Your access right does not allow ${fn} in the territory of this building.`),
    );
  });
}

/** Where the building named by the argument `argument` lies now. */
const buildingOf =
  (argument: string): Locate =>
  async (args, context) => {
    const id = args[argument];
    const building = isUuid(id) ? await context.loaders.buildingById.load(id) : null;
    return building ? { katoCode: building.katoCode } : 'unknown';
  };

/** Where an update moves the building, when it changes field 2. */
const movedTo: Locate = (args) => {
  const katoCode = (args.input as { katoCode?: unknown } | undefined)?.katoCode;
  return typeof katoCode === 'string' ? { katoCode } : 'none';
};

/** Where a new building will lie. */
const registeredAt: Locate = (args) => ({ katoCode: String((args.input as { katoCode?: unknown } | undefined)?.katoCode ?? '') });

/** Owners' identities: a read, relying on nothing, allowed with PERSONAL_DATA_READ in the building's territory. */
const readsPersonalData = rule({ cache: 'no_cache' })((owner: OwnerRow, _args, context: Context) =>
  mayActInTerritory(context.caller, AccessFunction.PersonalDataRead, owner.katoCode)
    ? true
    : forbidden("Owners' identities are personal data: they need PERSONAL_DATA_READ in the building's territory."),
);

/** The personal data of this subgraph (p.9, p.24): owners' identities, each with its own restricting rule below. */
export const personalData = {
  PremiseOwner: ['identificationNumber', 'name'],
} as const satisfies PersonalDataOf<{ PremiseOwner: OwnerRow }>;

export const permissions: IRules = {
  Query: {
    buildings: isOpenPart,
    building: isOpenPart,
    buildingByCadastralNumber: isOpenPart,
    buildingByAddressRegistrationCode: isOpenPart,
    region: isOpenPart,
    country: isOpenPart,
    regions: isOpenPart,
    directories: isOpenPart,
    // Entity types carry no personal data apart from owners' fields, which have their own rule;
    // any other __typename is refused.
    _entities: entitiesRule({ Building: openEntity, Region: openEntity, Premise: openEntity }),
    // The gateway composes from the committed SDL files; nobody needs the schema from here.
    _service: deny,
  },
  Mutation: {
    registerBuilding: inTerritory(AccessFunction.BuildingRegisterMaintain, registeredAt),
    // Where the building is and, when the update moves it, where it goes: both reliances are recorded.
    updateBuilding: and(
      inTerritory(AccessFunction.BuildingRegisterMaintain, buildingOf('id')),
      inTerritory(AccessFunction.BuildingRegisterMaintain, movedTo),
    ),
    retireBuilding: inTerritory(AccessFunction.BuildingRegisterMaintain, buildingOf('id')),
    confirmBuilding: inTerritory(AccessFunction.BuildingRegisterConfirm, buildingOf('id')),
    addPremises: inTerritory(AccessFunction.PremisesMaintain, buildingOf('buildingId')),
  },
  // The open part (p.21): the register, its territories, premises, history and directories.
  Building: { '*': isOpenPart },
  BuildingConnection: { '*': isOpenPart },
  BuildingEdge: { '*': isOpenPart },
  PageInfo: { '*': isOpenPart },
  BuildingHistoryEntry: { '*': isOpenPart },
  FieldChange: { '*': isOpenPart },
  Region: { '*': isOpenPart },
  // Aggregates of the open register: no personal data, nothing a page of buildings would not show.
  BuildingStatistics: { '*': isOpenPart },
  ConditionCount: { '*': isOpenPart },
  HeatingSupplyTypeCount: { '*': isOpenPart },
  DecadeCount: { '*': isOpenPart },
  Premise: { '*': isOpenPart },
  PremiseOwner: {
    '*': isOpenPart,
    identificationNumber: readsPersonalData,
    name: readsPersonalData,
  },
  Directory: { '*': isOpenPart },
  DirectoryValue: { '*': isOpenPart },
  // Reached only through the mutations, whose rules decided.
  BuildingPayload: { '*': visibleWithParent },
  AddPremisesPayload: { '*': visibleWithParent },
  Receipt: { '*': visibleWithParent },
};
