import type { GraphQLResolveInfo } from 'graphql';
import type { Transaction } from '../../../lib/db.js';
import { parseId } from '../../../lib/ids.js';
import { placeWrite, type WriteScope } from '../../../lib/write.js';
import {
  BuildingRegisterManager,
  buildingChange,
  premiseChanges,
  type RegistrationInput,
  registerConflicts,
  type UpdateInput,
} from '../building-register-manager.js';
import type { OwnerKind, PremiseInput, PremiseKind } from '../building-validation.js';
import type { Context } from '../context.js';

interface PremiseArgs {
  kind: PremiseKind;
  number: string;
  floor?: number | null;
  area?: number | null;
  owners?: { kind: OwnerKind; identificationNumber: string; name: string; share?: number | null }[] | null;
}

function premiseInput(args: PremiseArgs): PremiseInput {
  return {
    kind: args.kind,
    number: args.number,
    floor: args.floor ?? null,
    area: args.area ?? null,
    owners: (args.owners ?? []).map((owner) => ({ ...owner, share: owner.share ?? 1 })),
  };
}

/** The manager acting for this request's caller inside the write's transaction. */
const managerFor = (context: Context, tx: Transaction, scope: WriteScope) =>
  new BuildingRegisterManager(tx, { caller: context.caller, grantsInForce: scope.grantsInForce });

/**
 * Each mutation goes through `placeWrite`: one transaction that re-checks what the
 * field's rule relied on, runs the manager, and writes the receipt (p.30).
 */
export const Mutation = {
  registerBuilding: (_: unknown, args: { input: RegistrationInput }, context: Context, info: GraphQLResolveInfo) =>
    placeWrite(context, info, {
      operation: 'buildings.registerBuilding',
      conflicts: registerConflicts,
      run: async (tx, scope) => {
        const building = await managerFor(context, tx, scope).register(args.input);
        return { payload: { building }, objectIds: [building.id], changes: [buildingChange(building, 'CREATED')] };
      },
    }),

  updateBuilding(
    _: unknown,
    args: { id: string; expectedVersion?: number | null; input: UpdateInput },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const id = parseId(args.id, 'id', 'a building');
    return placeWrite(context, info, {
      operation: 'buildings.updateBuilding',
      conflicts: registerConflicts,
      run: async (tx, scope) => {
        const building = await managerFor(context, tx, scope).update(id, args.expectedVersion, args.input);
        return { payload: { building }, objectIds: [building.id], changes: [buildingChange(building, 'UPDATED')] };
      },
    });
  },

  retireBuilding(_: unknown, args: { id: string; reason: string }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a building');
    return placeWrite(context, info, {
      operation: 'buildings.retireBuilding',
      run: async (tx, scope) => {
        const building = await managerFor(context, tx, scope).retire(id, args.reason);
        return { payload: { building }, objectIds: [building.id], changes: [buildingChange(building, 'UPDATED')] };
      },
    });
  },

  confirmBuilding(_: unknown, args: { id: string }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a building');
    return placeWrite(context, info, {
      operation: 'buildings.confirmBuilding',
      run: async (tx, scope) => {
        const building = await managerFor(context, tx, scope).confirm(id);
        return { payload: { building }, objectIds: [building.id], changes: [buildingChange(building, 'UPDATED')] };
      },
    });
  },

  addPremises(_: unknown, args: { buildingId: string; premises: PremiseArgs[] }, context: Context, info: GraphQLResolveInfo) {
    const buildingId = parseId(args.buildingId, 'buildingId', 'a building');
    return placeWrite(context, info, {
      operation: 'buildings.addPremises',
      conflicts: registerConflicts,
      run: async (tx, scope) => {
        const { building, premises } = await managerFor(context, tx, scope).addPremises(buildingId, args.premises.map(premiseInput));
        return {
          payload: { building, premises },
          objectIds: [building.id, ...premises.map((premise) => premise.id)],
          changes: [buildingChange(building, 'UPDATED'), ...premiseChanges(building, premises)],
        };
      },
    });
  },
};
