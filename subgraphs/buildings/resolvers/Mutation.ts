import type { AnnexFields, OwnerKind, PremiseInput, PremiseKind } from '../building-validation.js';
import * as register from '../building-register.js';
import type { BuildingRow, PremiseRow } from '../buildings-repository.js';
import type { Context } from './context.js';

interface PremiseArgs {
  kind: PremiseKind;
  number: string;
  floor?: number | null;
  area?: number | null;
  owners?: { kind: OwnerKind; identificationNumber: string; name: string; share?: number | null }[] | null;
}

/** The payload's building and premises resolve through the loaders: refresh them with what was written. */
function remember(context: Context, building: BuildingRow, premises: PremiseRow[] = []): void {
  context.loaders.buildingById.clear(building.id).prime(building.id, building);
  context.loaders.buildingByCadastralNumber.clear(building.cadastralNumber);
  context.loaders.historyByBuildingId.clear(building.id);
  context.loaders.premisesByBuildingId.clear(building.id);
  for (const premise of premises) context.loaders.premiseById.prime(premise.id, premise);
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

export const Mutation = {
  async registerBuilding(_: unknown, args: { input: AnnexFields }, context: Context) {
    const result = await register.registerBuilding(context, args.input);
    remember(context, result.building);
    return result;
  },

  async updateBuilding(
    _: unknown,
    args: { id: string; expectedVersion?: number | null; input: Partial<{ [K in keyof AnnexFields]: AnnexFields[K] | null }> },
    context: Context,
  ) {
    const result = await register.updateBuilding(context, args.id, args.expectedVersion, args.input);
    remember(context, result.building);
    return result;
  },

  async retireBuilding(_: unknown, args: { id: string; reason: string }, context: Context) {
    const result = await register.retireBuilding(context, args.id, args.reason);
    remember(context, result.building);
    return result;
  },

  async confirmBuilding(_: unknown, args: { id: string }, context: Context) {
    const result = await register.confirmBuilding(context, args.id);
    remember(context, result.building);
    return result;
  },

  async addPremises(_: unknown, args: { buildingId: string; premises: PremiseArgs[] }, context: Context) {
    const result = await register.addPremises(context, args.buildingId, args.premises.map(premiseInput));
    remember(context, result.building, result.premises);
    return result;
  },
};
