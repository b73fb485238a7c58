import { COUNTRY_KATO, katoPrefix } from '../../../lib/kato.js';
import { type BuildingListArgs, buildingsInTerritory, parseBuildingList } from '../building-list.js';
import type { BreakdownStatistics, BuildingStatisticsParent, HeadlineStatistics } from '../building-statistics.js';
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

  buildingStatistics: (region: TerritoryRow): BuildingStatisticsParent => ({ prefix: katoPrefix(region.katoCode) }),
};

type Figures = BuildingStatisticsParent;
const fromHeadline = (figure: keyof HeadlineStatistics) => async (figures: Figures, _: unknown, context: Context) =>
  (await context.loaders.buildingHeadlineByPrefix.load(figures.prefix))[figure];
const fromBreakdowns =
  <K extends keyof BreakdownStatistics>(breakdown: K) =>
  async (figures: Figures, _: unknown, context: Context) =>
    (await context.loaders.buildingBreakdownsByPrefix.load(figures.prefix))[breakdown];

/** Each figure loads, for every territory of the request at once, only the statement it needs (building-statistics.ts). */
export const BuildingStatisticsResolvers = {
  registered: fromHeadline('registered'),
  retired: fromHeadline('retired'),
  premises: fromHeadline('premises'),
  emergency: fromHeadline('emergency'),
  needingCapitalRepair: fromHeadline('needingCapitalRepair'),
  barrierFree: fromHeadline('barrierFree'),
  barrierFreeShare: fromHeadline('barrierFreeShare'),
  completeness: fromHeadline('completeness'),
  byCondition: fromBreakdowns('byCondition'),
  byHeatingSupplyType: fromBreakdowns('byHeatingSupplyType'),
  byDecadeBuilt: fromBreakdowns('byDecadeBuilt'),
  confirmationOverdue: (figures: Figures, _: unknown, context: Context) =>
    context.loaders.overdueConfirmationsByPrefix.load(figures.prefix),
};
