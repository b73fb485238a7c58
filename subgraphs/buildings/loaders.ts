import DataLoader from 'dataloader';
import { groupRows } from '../../lib/batch-results.js';
import type { Executor } from '../../lib/db.js';
import { COUNTRY_KATO } from '../../lib/kato.js';
import type { PageRequest } from '../../lib/pagination.js';
import { analyticsReads } from '../../lib/read-replicas.js';
import { uuidKeys } from '../../lib/uuid.js';
import { BuildingAnalyticsRepository } from './analytics-repository.js';
import { type BreakdownStatistics, breakdownStatistics, type HeadlineStatistics, headlineStatistics } from './building-statistics.js';
import { type BuildingListFilter, type BuildingRow, BuildingsRepository, type HistoryRow } from './buildings-repository.js';
import { type OwnerRow, type PremiseRow, PremisesRepository } from './premises-repository.js';
import { country, TerritoriesRepository, type TerritoryRow } from './territories-repository.js';

/** The matching buildings under one territory prefix (`null`: the whole country). */
export interface CountKey {
  prefix: string | null;
  filter: BuildingListFilter;
}

/** One page of them. */
export interface PageKey extends CountKey {
  page: PageRequest;
}

/** Postgres prints UUIDs in lower case and reads them in any case; keys follow the printed form. */
const uuidKey = { cacheKeyFn: (id: string) => id.toLowerCase() };
const jsonKey = { cacheKeyFn: (key: unknown) => JSON.stringify(key) };

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
  const buildings = new BuildingsRepository(db);
  const premises = new PremisesRepository(db);
  const territories = new TerritoriesRepository(db);
  // Figures may come from a streaming replica (lib/read-replicas.ts); a transaction stays on itself.
  const analytics = new BuildingAnalyticsRepository(analyticsReads(db));

  const buildingById = new DataLoader<string, BuildingRow | null, string>(async (ids) => {
    const byId = new Map((await buildings.byIds(uuidKeys(ids))).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }, uuidKey);

  const buildingByCadastralNumber = new DataLoader<string, BuildingRow | null>(async (numbers) => {
    const rows = await buildings.byCadastralNumbers(numbers);
    for (const row of rows) buildingById.prime(row.id, row);
    const byNumber = new Map(rows.map((row) => [row.cadastralNumber, row]));
    return numbers.map((number) => byNumber.get(number) ?? null);
  });

  const buildingByAddressRegistrationCode = new DataLoader<string, BuildingRow | null>(async (codes) => {
    const rows = await buildings.byAddressRegistrationCodes(codes);
    for (const row of rows) buildingById.prime(row.id, row);
    const byCode = new Map(rows.map((row) => [row.addressRegistrationCode, row]));
    return codes.map((code) => byCode.get(code) ?? null);
  });

  const territoryByCode = new DataLoader<string, TerritoryRow | null>(async (codes) => {
    const byCode = new Map((await territories.byCodes(codes.filter((code) => code !== COUNTRY_KATO))).map((row) => [row.katoCode, row]));
    byCode.set(COUNTRY_KATO, country);
    return codes.map((code) => byCode.get(code) ?? null);
  });

  /** The most specific territory containing a 9-digit KATO code. */
  const territoryContaining = new DataLoader<string, TerritoryRow | null>(async (codes) => {
    const found = await territories.containing(codes);
    for (const territory of found.values()) territoryByCode.prime(territory.katoCode, territory);
    return codes.map((code) => found.get(code) ?? null);
  });

  /** Territories of one level (`null`: all of them), ordered by KATO code. */
  // Keyed by level, 0 meaning every level (DataLoader refuses null keys).
  const territoriesOfLevel = new DataLoader<number, TerritoryRow[]>((levels) =>
    Promise.all(
      levels.map(async (level) => {
        const rows = await territories.ofLevel(level === 0 ? null : level);
        for (const row of rows) territoryByCode.prime(row.katoCode, row);
        return rows;
      }),
    ),
  );

  const childrenOfTerritory = new DataLoader<string, TerritoryRow[]>(async (codes) => {
    const rows = await territories.byParents(codes);
    for (const row of rows) territoryByCode.prime(row.katoCode, row);
    const byParent = groupRows(rows, (row) => row.parentKatoCode);
    return codes.map((code) => byParent.get(code) ?? []);
  });

  /** Pages that differ only in their territory (one per region of a list) share one lateral statement. */
  const buildingPage = new DataLoader<PageKey, BuildingRow[], string>(async (keys) => {
    const pages = new Map<string, BuildingRow[]>();
    for (const group of groupRows(keys, sharedPart).values()) {
      const { filter, page } = group[0] as PageKey;
      const found = await buildings.pagesByPrefixes(
        group.map((key) => key.prefix),
        filter,
        page,
      );
      for (const key of group) pages.set(JSON.stringify(key), found.get(key.prefix) ?? []);
    }
    for (const rows of pages.values()) for (const row of rows) buildingById.prime(row.id, row);
    return keys.map((key) => pages.get(JSON.stringify(key)) ?? []);
  }, jsonKey);

  const buildingCount = new DataLoader<CountKey, number, string>(async (keys) => {
    const counts = new Map<string, number>();
    for (const group of groupRows(keys, sharedPart).values()) {
      const found = await buildings.countsByPrefixes(
        group.map((key) => key.prefix),
        (group[0] as CountKey).filter,
      );
      for (const key of group) counts.set(JSON.stringify(key), found.get(key.prefix) ?? 0);
    }
    return keys.map((key) => counts.get(JSON.stringify(key)) ?? 0);
  }, jsonKey);

  const premiseById = new DataLoader<string, PremiseRow | null, string>(async (ids) => {
    const byId = new Map((await premises.byIds(uuidKeys(ids))).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }, uuidKey);

  const premisesByBuildingId = new DataLoader<string, PremiseRow[], string>(async (ids) => {
    const rows = await premises.byBuildingIds(uuidKeys(ids));
    for (const row of rows) premiseById.prime(row.id, row);
    const byBuilding = groupRows(rows, (row) => row.buildingId);
    return ids.map((id) => byBuilding.get(id.toLowerCase()) ?? []);
  }, uuidKey);

  const ownersByPremiseId = new DataLoader<string, OwnerRow[], string>(async (ids) => {
    const byPremise = groupRows(await premises.ownersByPremiseIds(uuidKeys(ids)), (row) => row.premiseId);
    return ids.map((id) => byPremise.get(id.toLowerCase()) ?? []);
  }, uuidKey);

  const historyByBuildingId = new DataLoader<string, HistoryRow[], string>(async (ids) => {
    const byBuilding = groupRows(await buildings.historyByBuildingIds(uuidKeys(ids)), (row) => row.buildingId);
    return ids.map((id) => byBuilding.get(id.toLowerCase()) ?? []);
  }, uuidKey);

  /** The register's headline figures per territory prefix: one statement for any number of territories (two when some are finer than a district). */
  const buildingHeadlineByPrefix = new DataLoader<string, HeadlineStatistics>(async (prefixes) => {
    const byPrefix = groupRows(await analytics.headlines(prefixes), (row) => row.prefix);
    return prefixes.map((prefix) => headlineStatistics(byPrefix.get(prefix) ?? []));
  });

  /** The register's breakdowns per territory prefix, likewise. */
  const buildingBreakdownsByPrefix = new DataLoader<string, BreakdownStatistics>(async (prefixes) => {
    const byPrefix = groupRows(await analytics.breakdowns(prefixes), (cell) => cell.prefix);
    return prefixes.map((prefix) => breakdownStatistics(byPrefix.get(prefix) ?? []));
  });

  const overdueConfirmationsByPrefix = new DataLoader<string, number>(async (prefixes) => {
    const counts = await analytics.overdueConfirmations(prefixes);
    return prefixes.map((prefix) => counts.get(prefix) ?? 0);
  });

  return {
    buildingById,
    buildingByCadastralNumber,
    buildingByAddressRegistrationCode,
    territoryByCode,
    territoriesOfLevel,
    territoryContaining,
    childrenOfTerritory,
    buildingPage,
    buildingCount,
    premiseById,
    premisesByBuildingId,
    ownersByPremiseId,
    historyByBuildingId,
    buildingHeadlineByPrefix,
    buildingBreakdownsByPrefix,
    overdueConfirmationsByPrefix,
  };
}

export type BuildingLoaders = ReturnType<typeof createBuildingLoaders>;
