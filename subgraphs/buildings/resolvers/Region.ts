import { katoPrefix } from '../../../lib/auth/scope.js';
import type { TerritoryRow } from '../buildings-repository.js';
import { emptyConnection, parseConnectionArgs, toConnection, type ConnectionArgs } from '../connection.js';
import type { Context } from './context.js';

export const Region = {
  __resolveReference: (reference: { katoCode: string }, context: Context) => context.loaders.territoryByCode.load(reference.katoCode),

  parent: (region: TerritoryRow, _: unknown, context: Context) =>
    region.parentKatoCode === null ? null : context.loaders.territoryByCode.load(region.parentKatoCode),

  children: (region: TerritoryRow, _: unknown, context: Context) => context.loaders.childrenOfTerritory.load(region.katoCode),

  async buildings(region: TerritoryRow, args: ConnectionArgs, context: Context) {
    const { first, afterId, filter, katoPrefix: narrowed } = parseConnectionArgs(args);
    // A filter code inside the territory narrows it; one outside it leaves nothing to list.
    // The same prefix rule as a filter by this territory's code and as access scopes (lib/auth/scope.ts).
    const own = katoPrefix(region.katoCode);
    let prefix = own;
    if (narrowed !== null) {
      if (narrowed.startsWith(own)) prefix = narrowed;
      else if (!own.startsWith(narrowed)) return emptyConnection;
    }
    const key = { prefix, filter, first, afterId };
    return toConnection(key, await context.loaders.buildingPage.load(key));
  },
};
