import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { isKatoCode, katoPrefix } from '../../lib/kato.js';
import { isUuid, uuidKeys } from '../../lib/uuid.js';
import { splitKey } from './loader-helpers.js';
import { networkScopeOf } from './network-manager.js';
import { type NetworkFilter, NetworkRepository, type NetworkRow, type NetworkScope } from './network-repository.js';

/** The per-request loaders of engineering networks (part of `UtilitiesLoaders.networks`). */
export interface NetworkLoaders {
  /** Whose served buildings the caller reads, decided once per request. */
  scope: NetworkScope;
  /** Open: every network's figures. */
  byId: DataLoader<string, NetworkRow | null>;
  page: DataLoader<{ after: string | null; limit: number; filter: NetworkFilter }, NetworkRow[], string>;
  /** Keyed by `${first}:${networkId}`: ids of the first buildings it serves. */
  buildingsOf: DataLoader<string, string[]>;
  /** Keyed by building id: the networks serving it within the scope. */
  byBuilding: DataLoader<string, NetworkRow[]>;
  /** Keyed by `${first}:${katoCode}`: the first networks in the territory. */
  ofRegion: DataLoader<string, NetworkRow[]>;
}

export function createNetworkLoaders(db: Database, caller: Caller): NetworkLoaders {
  const scope = networkScopeOf(caller);
  const networks = new NetworkRepository(db);
  const byId = new DataLoader<string, NetworkRow | null>(async (ids) => {
    const rows = await networks.byIds(uuidKeys(ids));
    const map = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
  const pageOf = async (key: { after: string | null; limit: number; filter: NetworkFilter }) => {
    const rows = await networks.page(key);
    for (const row of rows) byId.prime(row.id, row);
    return rows;
  };
  return {
    scope,
    byId,
    page: new DataLoader((keys) => Promise.all(keys.map(pageOf)), { cacheKeyFn: (key) => JSON.stringify(key) }),
    buildingsOf: new DataLoader(async (keys) => {
      const byFirst = new Map<number, string[]>();
      for (const key of keys) {
        const [first, networkId] = splitKey(key);
        if (isUuid(networkId)) byFirst.set(first, [...(byFirst.get(first) ?? []), networkId.toLowerCase()]);
      }
      const found = new Map<string, string[]>();
      for (const [first, networkIds] of byFirst) {
        for (const row of await networks.buildingsOf(networkIds, first)) {
          const key = `${first}:${row.networkId}`;
          found.set(key, [...(found.get(key) ?? []), row.buildingId]);
        }
      }
      return keys.map((key) => found.get(key.toLowerCase()) ?? []);
    }),
    byBuilding: new DataLoader(async (ids) => {
      const found = new Map<string, NetworkRow[]>();
      for (const { buildingId, ...row } of await networks.ofBuildings(uuidKeys(ids), scope)) {
        found.set(buildingId, [...(found.get(buildingId) ?? []), row]);
      }
      return ids.map((id) => found.get(id.toLowerCase()) ?? []);
    }),
    // Regions of one request are few (a region and its districts): one statement each.
    ofRegion: new DataLoader((keys) =>
      Promise.all(
        keys.map((key) => {
          const [first, katoCode] = splitKey(key);
          if (!isKatoCode(katoCode)) return [];
          return pageOf({ after: null, limit: first, filter: { katoPrefix: katoPrefix(katoCode) } });
        }),
      ),
    ),
  };
}
