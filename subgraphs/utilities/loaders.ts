import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { isUuid } from '../../lib/uuid.js';
import { accountScopeOf } from './personal-account-manager.js';
import { type AccountRow, type AccountScope, PersonalAccountRepository } from './personal-account-repository.js';
import { SupplierRepository, type SupplierRow } from './supplier-repository.js';
import { TariffRepository, type TariffRow } from './tariff-repository.js';

export interface UtilitiesLoaders {
  /** The caller's reach over personal accounts, decided once per request. */
  accountScope: AccountScope;
  supplierById: DataLoader<string, SupplierRow | null>;
  /** Scope-filtering: null for an account that does not exist OR is outside the caller's scope. */
  accountById: DataLoader<string, AccountRow | null>;
  /** Keyed by `${first}:${buildingId}`: the first accounts of each building within the caller's scope. */
  accountsByBuilding: DataLoader<string, AccountRow[]>;
  publishedTariffsBySupplier: DataLoader<string, TariffRow[]>;
}

// Keys may come from entity representations in any case, or not be ids at all: ids that
// are not UUIDs match nothing (they never reach SQL), and rows are matched to keys in
// lower case, as PostgreSQL prints ids.

function inKeyOrder<T extends { id: string }>(keys: readonly string[], rows: readonly T[]): Array<T | null> {
  const map = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => map.get(key.toLowerCase()) ?? null);
}

function uuids(keys: readonly string[]): string[] {
  return keys.filter(isUuid).map((key) => key.toLowerCase());
}

function grouped<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

export function createLoaders(db: Database, caller: Caller): UtilitiesLoaders {
  const accountScope = accountScopeOf(caller);
  const accounts = new PersonalAccountRepository(db);
  return {
    accountScope,
    supplierById: new DataLoader(async (ids) => inKeyOrder(ids, await new SupplierRepository(db).byIds(uuids(ids)))),
    accountById: new DataLoader(async (ids) => inKeyOrder(ids, await accounts.byIds(uuids(ids), accountScope))),
    accountsByBuilding: new DataLoader(async (keys) => {
      // Keys of one request share `first` almost always; group anyway so each group is one statement.
      const buildingsByFirst = new Map<number, string[]>();
      for (const key of keys) {
        const [first, buildingId] = key.split(':') as [string, string];
        if (!isUuid(buildingId)) continue;
        const list = buildingsByFirst.get(Number(first)) ?? [];
        list.push(buildingId.toLowerCase());
        buildingsByFirst.set(Number(first), list);
      }
      const found = new Map<string, AccountRow[]>();
      for (const [first, buildingIds] of buildingsByFirst) {
        for (const [buildingId, rows] of grouped(
          await accounts.firstOfBuildings(buildingIds, first, accountScope),
          (row) => row.buildingId,
        )) {
          found.set(`${first}:${buildingId}`, rows);
        }
      }
      return keys.map((key) => found.get(key.toLowerCase()) ?? []);
    }),
    publishedTariffsBySupplier: new DataLoader(async (ids) => {
      const bySupplier = grouped(await new TariffRepository(db).publishedOfSuppliers(uuids(ids)), (row) => row.supplierId);
      return ids.map((id) => bySupplier.get(id.toLowerCase()) ?? []);
    }),
  };
}
