import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import { groupRows, inKeyOrder } from '../../lib/batch-results.js';
import type { Database } from '../../lib/db.js';
import { analyticsReads } from '../../lib/read-replicas.js';
import { isUuid, uuidKeys } from '../../lib/uuid.js';
import type { UtilityService } from '../../schema/utilities.js';
import { AccountHistoryRepository, type AccountHistoryRow } from './account-history-repository.js';
import { type AnalyticsLoaders, createAnalyticsLoaders } from './analytics-loaders.js';
import { type ConsumerLoaders, createConsumerLoaders } from './consumer-loaders.js';
import { type PageKey, pageLoader } from './loader-helpers.js';
import { createMeterLoaders, type MeterLoaders } from './meter-loaders.js';
import { createNetworkLoaders, type NetworkLoaders } from './network-loaders.js';
import { accountScopeOf } from './personal-account-manager.js';
import { type AccountFilter, type AccountRow, type AccountScope, PersonalAccountRepository } from './personal-account-repository.js';
import { SupplierRepository, type SupplierRow } from './supplier-repository.js';
import { TariffRepository, type TariffRow } from './tariff-repository.js';

export type { PageKey } from './loader-helpers.js';

export interface UtilitiesLoaders {
  /** The caller's reach over personal accounts, decided once per request. */
  accountScope: AccountScope;
  supplierPage: DataLoader<PageKey<{ service: UtilityService | null }>, SupplierRow[], string>;
  publishedTariffPage: DataLoader<PageKey<{ supplierId: string | null; service: UtilityService | null }>, TariffRow[], string>;
  /** Within the caller's scope. */
  accountPage: DataLoader<PageKey<AccountFilter>, AccountRow[], string>;
  supplierById: DataLoader<string, SupplierRow | null>;
  /** Scope-filtering: null for an account that does not exist OR is outside the caller's scope. */
  accountById: DataLoader<string, AccountRow | null>;
  /** Keyed by `${first}:${buildingId}`: the first accounts of each building within the caller's scope. */
  accountsByBuilding: DataLoader<string, AccountRow[]>;
  publishedTariffsBySupplier: DataLoader<string, TariffRow[]>;
  /** Keyed by `${first}:${supplierId}`: ids of the first buildings its passport says it serves. */
  buildingsServed: DataLoader<string, string[]>;
  /** Meters and readings within the caller's scope (meter-loaders.ts). */
  meters: MeterLoaders;
  /** Figures per territory (analytics-loaders.ts), guarded by Region.utilityStatistics's rule. */
  analytics: AnalyticsLoaders;
  /** Engineering networks and the buildings they serve (network-loaders.ts). */
  networks: NetworkLoaders;
  /** Keyed by account id: its history, oldest first. */
  accountHistory: DataLoader<string, AccountHistoryRow[]>;
  /** Consumer requests, outages and premises' accounts (consumer-loaders.ts). */
  consumers: ConsumerLoaders;
}

export function createLoaders(db: Database, caller: Caller): UtilitiesLoaders {
  const accountScope = accountScopeOf(caller);
  const accounts = new PersonalAccountRepository(db);
  const suppliers = new SupplierRepository(db);
  const tariffs = new TariffRepository(db);
  const history = new AccountHistoryRepository(db);
  const supplierById = new DataLoader<string, SupplierRow | null>(async (ids) => inKeyOrder(ids, await suppliers.byIds(uuidKeys(ids))));
  const accountById = new DataLoader<string, AccountRow | null>(async (ids) =>
    inKeyOrder(ids, await accounts.byIds(uuidKeys(ids), accountScope)),
  );
  return {
    meters: createMeterLoaders(db, caller),
    // Figures may come from a streaming replica (lib/read-replicas.ts).
    analytics: createAnalyticsLoaders(analyticsReads(db)),
    networks: createNetworkLoaders(db, caller),
    consumers: createConsumerLoaders(db, caller, accountScope),
    accountHistory: new DataLoader(async (ids) => {
      const byAccount = groupRows(await history.ofAccounts(uuidKeys(ids)), (row) => row.accountId);
      return ids.map((id) => byAccount.get(id.toLowerCase()) ?? []);
    }),
    accountScope,
    supplierPage: pageLoader((key) => suppliers.page({ limit: key.limit, after: key.after, service: key.filter.service }), supplierById),
    publishedTariffPage: pageLoader((key) => tariffs.publishedPage({ limit: key.limit, after: key.after, ...key.filter })),
    accountPage: pageLoader(
      (key) => accounts.page({ limit: key.limit, after: key.after, filter: key.filter, scope: accountScope }),
      accountById,
    ),
    supplierById,
    accountById,
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
        for (const [buildingId, rows] of groupRows(
          await accounts.firstOfBuildings(buildingIds, first, accountScope),
          (row) => row.buildingId,
        )) {
          found.set(`${first}:${buildingId}`, rows);
        }
      }
      return keys.map((key) => found.get(key.toLowerCase()) ?? []);
    }),
    buildingsServed: new DataLoader(async (keys) => {
      const byFirst = new Map<number, string[]>();
      for (const key of keys) {
        const [first, supplierId] = key.split(':') as [string, string];
        if (isUuid(supplierId)) byFirst.set(Number(first), [...(byFirst.get(Number(first)) ?? []), supplierId.toLowerCase()]);
      }
      const found = new Map<string, string[]>();
      for (const [first, supplierIds] of byFirst) {
        for (const row of await suppliers.buildingsServed(supplierIds, first)) {
          const key = `${first}:${row.supplierId}`;
          found.set(key, [...(found.get(key) ?? []), row.buildingId]);
        }
      }
      return keys.map((key) => found.get(key.toLowerCase()) ?? []);
    }),
    publishedTariffsBySupplier: new DataLoader(async (ids) => {
      const bySupplier = groupRows(await tariffs.publishedOfSuppliers(uuidKeys(ids)), (row) => row.supplierId);
      return ids.map((id) => bySupplier.get(id.toLowerCase()) ?? []);
    }),
  };
}
