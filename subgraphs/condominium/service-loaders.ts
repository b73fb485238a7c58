import DataLoader from 'dataloader';
import { groupBy, inKeyOrder } from '../../lib/batch-results.js';
import type { Database } from '../../lib/db.js';
import { uuidKeys } from '../../lib/uuid.js';
import type { PlannedWorkStatus } from '../../schema/condominium.js';
import { ContractRepository, type ContractRow } from './contract-repository.js';
import {
  type OwnerRequestEventRow,
  OwnerRequestRepository,
  type OwnerRequestRow,
  type RequestCategoryRow,
  type RequestPage,
} from './owner-request-repository.js';
import { PlannedWorkRepository, type PlannedWorkRow } from './planned-work-repository.js';

/**
 * The DataLoaders of planned works, owners' requests and contracts: one statement per
 * relation whatever the number of buildings or requests on a page. Request rows are read
 * here without scope; who reads which request is decided by `owner-request-scope.ts`.
 */
export interface ServiceLoaders {
  plannedWorkById: DataLoader<string, PlannedWorkRow | null>;
  /** Keyed by `${buildingId}:${status ?? ''}`. */
  plannedWorksOfBuilding: DataLoader<string, PlannedWorkRow[]>;
  contractById: DataLoader<string, ContractRow | null>;
  /** Keyed by `${buildingId}:${activeOn ?? ''}`. */
  contractsOfBuilding: DataLoader<string, ContractRow[]>;
  requestCategories: DataLoader<'all', RequestCategoryRow[]>;
  /** Unscoped: for rules and for `owner-request-scope.ts`, never served as it is. */
  requestById: DataLoader<string, OwnerRequestRow | null>;
  requestPage: DataLoader<RequestPage, OwnerRequestRow[], string>;
  requestEvents: DataLoader<string, OwnerRequestEventRow[]>;
}

/** Rows of `buildingId:option` keys, one statement per distinct option (almost always one). */
function byBuildingAndOption<T extends { buildingId: string }>(read: (buildingIds: string[], option: string | null) => Promise<T[]>) {
  return new DataLoader<string, T[]>(async (keys) => {
    const byOption = new Map<string, string[]>();
    for (const key of keys) {
      const [buildingId = '', option = ''] = key.split(':');
      byOption.set(option, [...(byOption.get(option) ?? []), buildingId]);
    }
    const found = new Map<string, T[]>();
    for (const [option, buildingIds] of byOption) {
      for (const row of await read(buildingIds, option === '' ? null : option)) {
        const key = `${row.buildingId}:${option}`;
        found.set(key, [...(found.get(key) ?? []), row]);
      }
    }
    return keys.map((key) => found.get(key) ?? []);
  });
}

export function createServiceLoaders(db: Database): ServiceLoaders {
  const works = new PlannedWorkRepository(db);
  const contracts = new ContractRepository(db);
  const requests = new OwnerRequestRepository(db);
  const requestById = new DataLoader<string, OwnerRequestRow | null>(async (ids) => inKeyOrder(ids, await requests.byIds(uuidKeys(ids))));
  return {
    plannedWorkById: new DataLoader(async (ids) => inKeyOrder(ids, await works.byIds(uuidKeys(ids)))),
    plannedWorksOfBuilding: byBuildingAndOption((ids, status) => works.ofBuildings(ids, status as PlannedWorkStatus | null)),
    contractById: new DataLoader(async (ids) => inKeyOrder(ids, await contracts.byIds(uuidKeys(ids)))),
    contractsOfBuilding: byBuildingAndOption((ids, activeOn) => contracts.ofBuildings(ids, activeOn)),
    requestCategories: new DataLoader(async (keys) => {
      const rows = await requests.categories();
      return keys.map(() => rows);
    }),
    requestById,
    requestPage: new DataLoader(
      (pages) =>
        Promise.all(
          pages.map(async (page) => {
            const rows = await requests.page(page);
            for (const row of rows) requestById.prime(row.id, row);
            return rows;
          }),
        ),
      { cacheKeyFn: (page) => JSON.stringify(page) },
    ),
    requestEvents: new DataLoader(async (ids) => groupBy(await requests.eventsOf(ids), (row) => row.requestId, ids)),
  };
}
