import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { isKatoCode, katoPrefix, withinTerritory } from '../../lib/kato.js';
import { byId, type Connection, type PageArgs, parsePage, toConnection } from '../../lib/pagination.js';
import type { BuildingListFilter, BuildingRow } from './buildings-repository.js';
import type { BuildingLoaders, CountKey, PageKey } from './loaders.js';

/**
 * Lists of buildings (`Query.buildings`, `Region.buildings`): the arguments checked and
 * turned into a loader key, and the rows into a connection. One list, ordered by id, with
 * the cursors of lib/pagination.ts.
 */
const LIST = 'buildings';

/** `BuildingFilter` as the schema gives it. */
export interface BuildingFilterArgs {
  katoCode?: string | null;
  conditions?: BuildingListFilter['conditions'];
  heatingSupplyTypes?: BuildingListFilter['heatingSupplyTypes'];
  yearBuiltFrom?: number | null;
  yearBuiltTo?: number | null;
  emergency?: boolean | null;
  confirmationOverdue?: boolean | null;
  status?: BuildingListFilter['status'];
}

export interface BuildingListArgs extends PageArgs {
  filter?: BuildingFilterArgs | null;
}

/** What a `BuildingConnection` resolves from: one page, and what to count for `totalCount`. */
export interface BuildingConnectionSource extends Connection<BuildingRow> {
  /** Null when the list is empty by construction (a filter outside the territory). */
  countKey: CountKey | null;
}

/** The filter in one fixed shape, so equal filters make equal loader keys. */
function normalizeFilter(filter: BuildingFilterArgs | null | undefined): BuildingListFilter {
  return {
    conditions: filter?.conditions?.length ? [...new Set(filter.conditions)].sort() : null,
    heatingSupplyTypes: filter?.heatingSupplyTypes?.length ? [...new Set(filter.heatingSupplyTypes)].sort() : null,
    yearBuiltFrom: filter?.yearBuiltFrom ?? null,
    yearBuiltTo: filter?.yearBuiltTo ?? null,
    emergency: filter?.emergency ?? null,
    confirmationOverdue: filter?.confirmationOverdue ?? null,
    status: filter?.status ?? null,
  };
}

/** A list request: the page, the filter, and the KATO code of `filter.katoCode` (null when absent). */
export interface BuildingListRequest {
  key: Omit<PageKey, 'prefix'>;
  katoCode: string | null;
}

/** Checks paging and filter arguments, listing every problem. */
export function parseBuildingList(args: BuildingListArgs): BuildingListRequest {
  const problems: FieldProblem[] = [];
  let page: PageKey['page'] = { first: 0, after: null };
  try {
    page = parsePage(args, LIST, 'buildings');
  } catch (error) {
    const listed = (error as { extensions?: { problems?: FieldProblem[] } }).extensions?.problems;
    if (!listed) throw error;
    problems.push(...listed);
  }
  const katoCode = args.filter?.katoCode ?? null;
  if (katoCode !== null && !isKatoCode(katoCode)) {
    problems.push({ field: 'filter.katoCode', message: 'filter.katoCode must be a 9-digit KATO code, e.g. 750000000 for Almaty.' });
  }
  if (problems.length > 0) throw badUserInput(problems);
  return { key: { filter: normalizeFilter(args.filter), page }, katoCode };
}

const emptyConnection: BuildingConnectionSource = {
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  countKey: null,
};

/** The page of buildings under `prefix` (null: the whole country). */
async function loadBuildingConnection(
  loaders: BuildingLoaders,
  request: BuildingListRequest,
  prefix: string | null,
): Promise<BuildingConnectionSource> {
  const key: PageKey = { prefix, ...request.key };
  const rows = await loaders.buildingPage.load(key);
  return { ...toConnection(LIST, rows, key.page, byId), countKey: { prefix, filter: key.filter } };
}

/** The register's list: everywhere, or under the filter's territory. */
export function buildingsEverywhere(loaders: BuildingLoaders, request: BuildingListRequest): Promise<BuildingConnectionSource> {
  return loadBuildingConnection(loaders, request, request.katoCode === null ? null : katoPrefix(request.katoCode));
}

/**
 * A territory's list. A filter code inside the territory narrows it; one covering it
 * changes nothing; one elsewhere leaves nothing to list.
 */
export async function buildingsInTerritory(
  loaders: BuildingLoaders,
  territoryKato: string,
  request: BuildingListRequest,
): Promise<BuildingConnectionSource> {
  const code = request.katoCode;
  if (code === null || withinTerritory(code, territoryKato)) return loadBuildingConnection(loaders, request, katoPrefix(territoryKato));
  if (withinTerritory(territoryKato, code)) return loadBuildingConnection(loaders, request, katoPrefix(code));
  return emptyConnection;
}
