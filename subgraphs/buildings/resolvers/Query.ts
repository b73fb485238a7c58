import { directories } from '../directories.js';
import { parseConnectionArgs, toConnection, type ConnectionArgs } from '../connection.js';
import { BuildingsRepository } from '../buildings-repository.js';
import type { Context } from './context.js';

export const Query = {
  async buildings(_: unknown, args: ConnectionArgs, context: Context) {
    const { first, afterId, filter, katoPrefix } = parseConnectionArgs(args);
    const key = { prefix: katoPrefix, filter, first, afterId };
    return toConnection(key, await context.loaders.buildingPage.load(key));
  },

  building: (_: unknown, args: { id: string }, context: Context) => context.loaders.buildingById.load(args.id),

  buildingByCadastralNumber: (_: unknown, args: { cadastralNumber: string }, context: Context) =>
    context.loaders.buildingByCadastralNumber.load(args.cadastralNumber),

  async buildingByAddressRegistrationCode(_: unknown, args: { addressRegistrationCode: string }, context: Context) {
    const building = await new BuildingsRepository(context.db).buildingByAddressRegistrationCode(args.addressRegistrationCode);
    if (building) context.loaders.buildingById.prime(building.id, building);
    return building;
  },

  region: (_: unknown, args: { katoCode: string }, context: Context) => context.loaders.territoryByCode.load(args.katoCode),

  async regions(_: unknown, args: { level?: number | null }, context: Context) {
    const rows = await new BuildingsRepository(context.db).territoriesOfLevel(args.level ?? null);
    for (const row of rows) context.loaders.territoryByCode.prime(row.katoCode, row);
    return rows;
  },

  directories: () => directories,
};
