import { badUserInput } from '../../../lib/errors.js';
import { parseId } from '../../../lib/ids.js';
import { isKatoCode } from '../../../lib/kato.js';
import { type BuildingListArgs, buildingsEverywhere, parseBuildingList } from '../building-list.js';
import type { Context } from '../context.js';
import { directories } from '../directories.js';

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

  regions: (_: unknown, args: { level?: number | null }, context: Context) => context.loaders.territoriesOfLevel.load(args.level ?? 0),

  directories: () => directories,
};
