import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { isKatoCode, katoPrefix } from '../../lib/kato.js';
import { isUuid } from '../../lib/uuid.js';
import { type RequestScope, readsRequest, requestScopeOf } from './consumer-request-manager.js';
import { ConsumerRequestRepository, type RequestFilter, type RequestRow } from './consumer-request-repository.js';
import { type OutageFilter, OutageRepository, type OutageRow } from './outage-repository.js';
import type { AccountRow, AccountScope } from './personal-account-repository.js';
import { PersonalAccountRepository } from './personal-account-repository.js';
import { ReferencesRepository } from './references-repository.js';

/** Per-request loaders of consumer requests, outages and premises' accounts (part of `UtilitiesLoaders.consumers`). */
export interface ConsumerLoaders {
  /** Who reads which requests, decided once per request. */
  requestScope: RequestScope;
  /** Unscoped: for the rules that decide who may answer a request. */
  requestById: DataLoader<string, RequestRow | null>;
  /** Scope-filtering: null for a request that does not exist OR the caller neither submitted nor keeps. */
  visibleRequestById: DataLoader<string, RequestRow | null>;
  requestPage: DataLoader<{ after: string | null; limit: number; filter: RequestFilter }, RequestRow[], string>;
  outageById: DataLoader<string, OutageRow | null>;
  outagePage: DataLoader<{ after: string | null; limit: number; filter: OutageFilter }, OutageRow[], string>;
  /** Keyed by building id: outages affecting it not ended when the request arrived. */
  outagesByBuilding: DataLoader<string, OutageRow[]>;
  /** Keyed by `${first}:${katoCode}`: the first outages not ended affecting a building in the territory. */
  outagesOfRegion: DataLoader<string, OutageRow[]>;
  /** Keyed by outage id: ids of the buildings it affects. */
  outageBuildings: DataLoader<string, string[]>;
  /** Keyed by premise id: its building's id, or null. */
  buildingOfPremise: DataLoader<string, string | null>;
  /** Keyed by premise id: its accounts within the caller's account scope. */
  accountsByPremise: DataLoader<string, AccountRow[]>;
}

function lowerUuids(keys: readonly string[]): string[] {
  return keys.filter(isUuid).map((key) => key.toLowerCase());
}

function grouped<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return groups;
}

export function createConsumerLoaders(db: Database, caller: Caller, accountScope: AccountScope): ConsumerLoaders {
  const requestScope = requestScopeOf(caller);
  const requests = new ConsumerRequestRepository(db);
  const outages = new OutageRepository(db);
  const references = new ReferencesRepository(db);
  const accounts = new PersonalAccountRepository(db);
  // "Not ended" is judged at the start of the request, one instant for every field.
  const now = new Date();
  const requestById = new DataLoader<string, RequestRow | null>(async (ids) => {
    const map = new Map((await requests.byIds(lowerUuids(ids))).map((row) => [row.id, row]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
  const outageById = new DataLoader<string, OutageRow | null>(async (ids) => {
    const map = new Map((await outages.byIds(lowerUuids(ids))).map((row) => [row.id, row]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
  const outagePageOf = async (key: { after: string | null; limit: number; filter: OutageFilter }) => {
    const rows = await outages.page(key);
    for (const row of rows) outageById.prime(row.id, row);
    return rows;
  };
  return {
    requestScope,
    requestById,
    visibleRequestById: new DataLoader(async (ids) => {
      const rows = await requestById.loadMany(ids);
      return rows.map((row) => (row && !(row instanceof Error) && readsRequest(requestScope, row) ? row : null));
    }),
    requestPage: new DataLoader(
      (keys) =>
        Promise.all(
          keys.map(async (key) => {
            const rows = await requests.page(key);
            for (const row of rows) requestById.prime(row.id, row);
            return rows;
          }),
        ),
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
    outageById,
    outagePage: new DataLoader((keys) => Promise.all(keys.map(outagePageOf)), { cacheKeyFn: (key) => JSON.stringify(key) }),
    outagesByBuilding: new DataLoader(async (ids) => {
      const byBuilding = grouped(await outages.ofBuildings(lowerUuids(ids), now), (row) => row.buildingId);
      return ids.map((id) => (byBuilding.get(id.toLowerCase()) ?? []).map(({ buildingId: _building, ...outage }) => outage));
    }),
    // Regions of one request are few: one statement each.
    outagesOfRegion: new DataLoader((keys) =>
      Promise.all(
        keys.map((key) => {
          const at = key.indexOf(':');
          const katoCode = key.slice(at + 1);
          if (!isKatoCode(katoCode)) return [];
          return outagePageOf({
            after: null,
            limit: Number(key.slice(0, at)),
            filter: { katoPrefix: katoPrefix(katoCode), notEndedAt: now },
          });
        }),
      ),
    ),
    outageBuildings: new DataLoader(async (ids) => {
      const byOutage = grouped(await outages.buildingsOf(lowerUuids(ids)), (row) => row.outageId);
      return ids.map((id) => (byOutage.get(id.toLowerCase()) ?? []).map((row) => row.buildingId));
    }),
    buildingOfPremise: new DataLoader(async (ids) => {
      const buildings = await references.buildingsOfPremises(lowerUuids(ids));
      return ids.map((id) => buildings.get(id.toLowerCase()) ?? null);
    }),
    accountsByPremise: new DataLoader(async (ids) => {
      const byPremise = grouped(await accounts.ofPremises(lowerUuids(ids), accountScope), (row) => row.premiseId);
      return ids.map((id) => (byPremise.get(id.toLowerCase()) ?? []).map(({ premiseId: _premise, ...account }) => account));
    }),
  };
}
