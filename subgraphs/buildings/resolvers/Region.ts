import { COUNTRY_KATO, katoPrefix } from '../../../lib/kato.js';
import { type BuildingListArgs, buildingsInTerritory, parseBuildingList } from '../building-list.js';
import type { BuildingStatistics } from '../building-statistics.js';
import type { Context } from '../context.js';
import type { TerritoryRow } from '../territories-repository.js';

export const Region = {
  __resolveReference: (reference: { katoCode: string }, context: Context) => context.loaders.territoryByCode.load(reference.katoCode),

  parent: (region: TerritoryRow, _: unknown, context: Context) =>
    region.parentKatoCode === null ? null : context.loaders.territoryByCode.load(region.parentKatoCode),

  children: (region: TerritoryRow, _: unknown, context: Context) =>
    region.katoCode === COUNTRY_KATO
      ? context.loaders.territoriesOfLevel.load(1)
      : context.loaders.childrenOfTerritory.load(region.katoCode),

  buildings: (region: TerritoryRow, args: BuildingListArgs, context: Context) =>
    buildingsInTerritory(context.loaders, region.katoCode, parseBuildingList(args)),

  buildingStatistics: (region: TerritoryRow, _: unknown, context: Context) =>
    context.loaders.buildingStatisticsByPrefix.load(katoPrefix(region.katoCode)),
};

export const BuildingStatisticsResolvers = {
  confirmationOverdue: (statistics: BuildingStatistics, _: unknown, context: Context) =>
    context.loaders.overdueConfirmationsByPrefix.load(statistics.prefix),
};
