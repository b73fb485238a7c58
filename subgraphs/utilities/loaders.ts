import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { isUuid } from '../../lib/uuid.js';
import { accountScopeOf, type AccountScope } from './account-scope.js';
import { PersonalAccountRepository, type AccountRow } from './personal-account-repository.js';
import { SupplierRepository, type SupplierRow } from './supplier-repository.js';
import { TariffRepository, type TariffRow } from './tariff-repository.js';

export interface UtilitiesLoaders {
  /** The caller's reach over personal accounts, decided once per request. */
  accountScope: AccountScope;
  supplierById: DataLoader<string, SupplierRow | null>;
  /** Scope-filtering: null for an account that does not exist OR is outside the caller's scope. */
  accountById: DataLoader<string, AccountRow | null>;
  /** Keyed by `${first}:${buildingId}`: first accounts of each building within the caller's scope. */
  accountsByBuilding: DataLoader<string, AccountRow[]>;
  publishedTariffsBySupplier: DataLoader<string, TariffRow[]>;
}

// Postgres prints UUIDs in lower case but reads any case, so results are matched to
// keys in lower case: an id given in upper case still finds its row.

function byId<T extends { id: string }>(keys: readonly string[], rows: T[]): Array<T | null> {
  const map = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => map.get(key.toLowerCase()) ?? null);
}

export function createLoaders(db: Database, caller: Caller): UtilitiesLoaders {
  const accountScope = accountScopeOf(caller);
  const accounts = new PersonalAccountRepository(db);
  return {
    accountScope,
    supplierById: new DataLoader(async (ids) => byId(ids, await new SupplierRepository(db).byIds(ids.filter(isUuid)))),
    accountById: new DataLoader(async (ids) => byId(ids, await accounts.byIds(ids.filter(isUuid), accountScope))),
    accountsByBuilding: new DataLoader(async (keys) => {
      // Keys of one request share `first` almost always; group anyway so each group is one statement.
      const groups = new Map<number, string[]>();
      for (const key of keys) {
        const [first, buildingId] = key.split(':') as [string, string];
        if (!isUuid(buildingId)) continue;
        const group = groups.get(Number(first)) ?? [];
        group.push(buildingId);
        groups.set(Number(first), group);
      }
      const found = new Map<string, AccountRow[]>();
      for (const [first, buildingIds] of groups) {
        for (const row of await accounts.firstOfBuildings(buildingIds, first, accountScope)) {
          const key = `${first}:${row.buildingId}`;
          const list = found.get(key) ?? [];
          list.push(row);
          found.set(key, list);
        }
      }
      return keys.map((key) => found.get(key.toLowerCase()) ?? []);
    }),
    publishedTariffsBySupplier: new DataLoader(async (ids) => {
      const bySupplier = new Map<string, TariffRow[]>();
      for (const row of await new TariffRepository(db).publishedOfSuppliers(ids.filter(isUuid))) {
        const list = bySupplier.get(row.supplierId) ?? [];
        list.push(row);
        bySupplier.set(row.supplierId, list);
      }
      return ids.map((id) => bySupplier.get(id.toLowerCase()) ?? []);
    }),
  };
}
