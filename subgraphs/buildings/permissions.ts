import type { IRules } from 'graphql-shield';
import { AccessFunction } from '../../lib/auth/functions.js';
import { hasFunction, mayActInTerritory } from '../../lib/auth/scope.js';
import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { deny, isOpenPart, rule } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import type { OwnerRow } from './buildings-repository.js';
import { isUuid } from '../../lib/uuid.js';
import type { Context } from './resolvers/context.js';

/**
 * Who may do what in the building register. Reading the register is the open part
 * (p.21); changes need a function in the building's territory (a local executive body
 * only in its own); owners' identities need PERSONAL_DATA_READ there.
 *
 * Territory rules read the building through the request's loader, and use `no_cache`:
 * each call concerns its own building, so no verdict may be reused for another.
 */

type KatoCodes = (args: Record<string, unknown>, context: Context) => Promise<string[] | null>;

function inTerritory(fn: AccessFunction, katoCodes: KatoCodes) {
  return rule({ cache: 'no_cache' })(async (_parent, args: Record<string, unknown>, context: Context) => {
    if (context.caller.kind === 'anonymous') return unauthenticated();
    const codes = await katoCodes(args, context);
    // No such building: the resolver answers NOT_FOUND to anyone who holds the function somewhere.
    if (codes === null) return hasFunction(context.caller, fn) ? true : forbidden(`This needs the ${fn} function.`);
    return codes.every((code) => mayActInTerritory(context.caller, fn, code))
      ? true
      : forbidden(`Your access right does not allow ${fn} in the territory of this building.`);
  });
}

async function buildingKato(id: unknown, context: Context): Promise<string | null> {
  if (!isUuid(id)) return null;
  return (await context.loaders.buildingById.load(id))?.katoCode ?? null;
}

const ofBuilding =
  (argument: string): KatoCodes =>
  async (args, context) => {
    const code = await buildingKato(args[argument], context);
    return code === null ? null : [code];
  };

/** Both where the building is and, when the update moves it, where it goes. */
const ofUpdatedBuilding: KatoCodes = async (args, context) => {
  const code = await buildingKato(args.id, context);
  if (code === null) return null;
  const moved = (args.input as { katoCode?: unknown } | undefined)?.katoCode;
  return typeof moved === 'string' ? [code, moved] : [code];
};

const ofNewBuilding: KatoCodes = async (args) => [String((args.input as { katoCode: string }).katoCode)];

/** Fields holding personal data; test/permissions-coverage.test.ts checks each has a resolver and a restricting rule. */
export const personalDataFields = ['PremiseOwner.identificationNumber', 'PremiseOwner.name'];

const readsPersonalData = rule({ cache: 'no_cache' })((owner: OwnerRow, _args, context: Context) =>
  mayActInTerritory(context.caller, AccessFunction.PersonalDataRead, owner.katoCode)
    ? true
    : forbidden("Owners' identities are personal data: they need PERSONAL_DATA_READ in the building's territory."),
);

export const permissions: IRules = {
  Query: {
    buildings: isOpenPart,
    building: isOpenPart,
    buildingByCadastralNumber: isOpenPart,
    buildingByAddressRegistrationCode: isOpenPart,
    region: isOpenPart,
    regions: isOpenPart,
    directories: isOpenPart,
    // Entity types carry no personal data apart from owners' fields, which have their own rule;
    // any other __typename is refused.
    _entities: entitiesRule({ Building: openEntity, Region: openEntity, Premise: openEntity }),
    // The gateway composes from the committed SDL files; nobody needs the schema from here.
    _service: deny,
  },
  Mutation: {
    registerBuilding: inTerritory(AccessFunction.BuildingRegisterMaintain, ofNewBuilding),
    updateBuilding: inTerritory(AccessFunction.BuildingRegisterMaintain, ofUpdatedBuilding),
    retireBuilding: inTerritory(AccessFunction.BuildingRegisterMaintain, ofBuilding('id')),
    confirmBuilding: inTerritory(AccessFunction.BuildingRegisterConfirm, ofBuilding('id')),
    addPremises: inTerritory(AccessFunction.PremisesMaintain, ofBuilding('buildingId')),
  },
  Building: { '*': isOpenPart },
  BuildingConnection: { '*': isOpenPart },
  Region: { '*': isOpenPart },
  Premise: { '*': isOpenPart },
  PremiseOwner: {
    '*': isOpenPart,
    identificationNumber: readsPersonalData,
    name: readsPersonalData,
  },
};
