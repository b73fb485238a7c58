import DataLoader from 'dataloader';
import { isUuid } from '../../lib/uuid.js';
import type { Executor } from '../../lib/db.js';
import {
  BuildingsRepository, type BuildingListFilter, type BuildingRow, type HistoryRow, type OwnerRow, type PremiseRow, type TerritoryRow,
} from './buildings-repository.js';

/** A page of one territory's buildings (`prefix` null: the whole country). */
export interface PageKey {
  prefix: string | null;
  filter: BuildingListFilter;
  first: number;
  afterId: string | null;
}

export interface CountKey {
  prefix: string | null;
  filter: BuildingListFilter;
}


/** Postgres prints UUIDs in lower case and reads them in any case; keys follow the printed form. */
const uuidKey = { cacheKeyFn: (id: string) => id.toLowerCase() };
const uuids = (ids: readonly string[]) => ids.filter(isUuid).map((id) => id.toLowerCase());

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Keys that differ only in their prefix share one statement. */
function sharedPart(key: PageKey | CountKey): string {
  const { prefix: _prefix, ...rest } = key;
  return JSON.stringify(rest);
}

/**
 * DataLoaders for one request: every relation and every entity reference is batched,
 * so a page of N buildings with region, premises and owners costs the same few
 * statements whatever N is.
 */
export function createBuildingLoaders(db: Executor) {
  const repository = new BuildingsRepository(db);

  const buildingById = new DataLoader<string, BuildingRow | null, string>(async (ids) => {
    const byId = new Map((await repository.buildingsByIds(uuids(ids))).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }, uuidKey);

  const buildingByCadastralNumber = new DataLoader<string, BuildingRow | null>(async (numbers) => {
    const rows = await repository.buildingsByCadastralNumbers(numbers);
    for (const row of rows) buildingById.prime(row.id, row);
    const byNumber = new Map(rows.map((row) => [row.cadastralNumber, row]));
    return numbers.map((number) => byNumber.get(number) ?? null);
  });

  const territoryByCode = new DataLoader<string, TerritoryRow | null>(async (codes) => {
    const rows = await repository.territoriesByCodes(codes);
    const byCode = new Map(rows.map((row) => [row.katoCode, row]));
    return codes.map((code) => byCode.get(code) ?? null);
  });

  /** The most specific territory containing a 9-digit KATO code. */
  const territoryContaining = new DataLoader<string, TerritoryRow | null>(async (codes) => {
    const found = await repository.territoriesContaining(codes);
    for (const territory of found.values()) territoryByCode.prime(territory.katoCode, territory);
    return codes.map((code) => found.get(code) ?? null);
  });

  const childrenOfTerritory = new DataLoader<string, TerritoryRow[]>(async (codes) => {
    const rows = await repository.territoriesByParents(codes);
    for (const row of rows) territoryByCode.prime(row.katoCode, row);
    const byParent = groupBy(rows, (row) => row.parentKatoCode);
    return codes.map((code) => byParent.get(code) ?? []);
  });

  const buildingPage = new DataLoader<PageKey, BuildingRow[], string>(
    async (keys) => {
      const pages = new Map<string, BuildingRow[]>();
      for (const group of groupBy([...keys], sharedPart).values()) {
        const { filter, first, afterId } = group[0]!;
        const found = await repository.pagesByPrefixes(
          group.map((key) => key.prefix),
          filter,
          { first, afterId },
        );
        for (const key of group) pages.set(JSON.stringify(key), found.get(key.prefix) ?? []);
      }
      for (const rows of pages.values()) for (const row of rows) buildingById.prime(row.id, row);
      return keys.map((key) => pages.get(JSON.stringify(key)) ?? []);
    },
    { cacheKeyFn: (key) => JSON.stringify(key) },
  );

  const buildingCount = new DataLoader<CountKey, number, string>(
    async (keys) => {
      const counts = new Map<string, number>();
      for (const group of groupBy([...keys], sharedPart).values()) {
        const found = await repository.countsByPrefixes(
          group.map((key) => key.prefix),
          group[0]!.filter,
        );
        for (const key of group) counts.set(JSON.stringify(key), found.get(key.prefix) ?? 0);
      }
      return keys.map((key) => counts.get(JSON.stringify(key)) ?? 0);
    },
    { cacheKeyFn: (key) => JSON.stringify(key) },
  );

  const premiseById = new DataLoader<string, PremiseRow | null, string>(async (ids) => {
    const byId = new Map((await repository.premisesByIds(uuids(ids))).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }, uuidKey);

  const premisesByBuildingId = new DataLoader<string, PremiseRow[], string>(async (ids) => {
    const rows = await repository.premisesByBuildingIds(uuids(ids));
    for (const row of rows) premiseById.prime(row.id, row);
    const byBuilding = groupBy(rows, (row) => row.buildingId);
    return ids.map((id) => byBuilding.get(id.toLowerCase()) ?? []);
  }, uuidKey);

  const ownersByPremiseId = new DataLoader<string, OwnerRow[], string>(async (ids) => {
    const byPremise = groupBy(await repository.ownersByPremiseIds(uuids(ids)), (row) => row.premiseId);
    return ids.map((id) => byPremise.get(id.toLowerCase()) ?? []);
  }, uuidKey);

  const historyByBuildingId = new DataLoader<string, HistoryRow[], string>(async (ids) => {
    const byBuilding = groupBy(await repository.historyByBuildingIds(uuids(ids)), (row) => row.buildingId);
    return ids.map((id) => byBuilding.get(id.toLowerCase()) ?? []);
  }, uuidKey);

  return {
    buildingById,
    buildingByCadastralNumber,
    territoryByCode,
    territoryContaining,
    childrenOfTerritory,
    buildingPage,
    buildingCount,
    premiseById,
    premisesByBuildingId,
    ownersByPremiseId,
    historyByBuildingId,
  };
}

export type BuildingLoaders = ReturnType<typeof createBuildingLoaders>;
