import { badUserInput } from '../../../lib/errors.js';
import { parseId } from '../../../lib/ids.js';
import { COUNTRY_KATO, isKatoCode } from '../../../lib/kato.js';
import { type BuildingListArgs, buildingsEverywhere, parseBuildingList } from '../building-list.js';
import type { Context } from '../context.js';
import { directories } from '../directories.js';
import type { TerritoryRow } from '../territories-repository.js';

export const Query = {
  buildings: (_: unknown, args: BuildingListArgs, context: Context) => buildingsEverywhere(context.loaders, parseBuildingList(args)),

  building: (_: unknown, args: { id: string }, context: Context) => context.loaders.buildingById.load(parseId(args.id, 'id', 'a building')),

  /** Exact, apart from surrounding spaces (registration trims them). */
  buildingByCadastralNumber: (_: unknown, args: { cadastralNumber: string }, context: Context) =>
    context.loaders.buildingByCadastralNumber.load(args.cadastralNumber.trim()),

  buildingByAddressRegistrationCode: (_: unknown, args: { addressRegistrationCode: string }, context: Context) =>
    context.loaders.buildingByAddressRegistrationCode.load(args.addressRegistrationCode),

  region(_: unknown, args: { katoCode: string }, context: Context) {
    if (!isKatoCode(args.katoCode))
      throw badUserInput({ field: 'katoCode', message: 'katoCode must be a 9-digit KATO code, e.g. 750000000 for Almaty.' });
    return context.loaders.territoryByCode.load(args.katoCode);
  },

  country: (_: unknown, _args: unknown, context: Context) => context.loaders.territoryByCode.load(COUNTRY_KATO),

  async regions(_: unknown, args: { level?: number | null; katoCodes?: string[] | null }, context: Context) {
    if (!args.katoCodes) return context.loaders.territoriesOfLevel.load(args.level ?? 0);
    args.katoCodes.forEach((code, i) => {
      if (!isKatoCode(code))
        throw badUserInput({
          field: `katoCodes[${i}]`,
          message: 'Each of katoCodes must be a 9-digit KATO code, e.g. 750000000 for Almaty.',
        });
    });
    const found = await context.loaders.territoryByCode.loadMany([...new Set(args.katoCodes)].sort());
    return found.filter(
      (territory): territory is TerritoryRow =>
        territory !== null && !(territory instanceof Error) && (args.level == null || territory.level === args.level),
    );
  },

  directories: () => directories,
};
