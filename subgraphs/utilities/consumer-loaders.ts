import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import { groupRows, inKeyOrder } from '../../lib/batch-results.js';
import type { Database } from '../../lib/db.js';
import { isKatoCode, katoPrefix } from '../../lib/kato.js';
import { uuidKeys } from '../../lib/uuid.js';
import { type RequestScope, readsRequest, requestScopeOf } from './consumer-request-manager.js';
import { ConsumerRequestRepository, type RequestFilter, type RequestRow } from './consumer-request-repository.js';
import { type PageKey, pageLoader, splitKey } from './loader-helpers.js';
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
  requestPage: DataLoader<PageKey<RequestFilter>, RequestRow[], string>;
  outageById: DataLoader<string, OutageRow | null>;
  outagePage: DataLoader<PageKey<OutageFilter>, OutageRow[], string>;
  /** Keyed by building id: outages affecting it not ended when the request arrived. */
  outagesByBuilding: DataLoader<string, OutageRow[]>;
  /** Keyed by `${first}:${katoCode}`: the first outages not ended affecting a building in the territory. */
  outagesOfRegion: DataLoader<string, OutageRow[]>;
  /** Keyed by `${first}:${outageId}`: ids of the first buildings it affects. */
  outageBuildings: DataLoader<string, string[]>;
  /** Keyed by premise id: its building's id, or null. */
  buildingOfPremise: DataLoader<string, string | null>;
  /** Keyed by premise id: its accounts within the caller's account scope. */
  accountsByPremise: DataLoader<string, AccountRow[]>;
}

export function createConsumerLoaders(db: Database, caller: Caller, accountScope: AccountScope): ConsumerLoaders {
  const requestScope = requestScopeOf(caller);
  const requests = new ConsumerRequestRepository(db);
  const outages = new OutageRepository(db);
  const references = new ReferencesRepository(db);
  const accounts = new PersonalAccountRepository(db);
  // "Not ended" is judged at the start of the request, one instant for every field.
  const now = new Date();
  const requestById = new DataLoader<string, RequestRow | null>(async (ids) => inKeyOrder(ids, await requests.byIds(uuidKeys(ids))));
  const outageById = new DataLoader<string, OutageRow | null>(async (ids) => inKeyOrder(ids, await outages.byIds(uuidKeys(ids))));
  const outagePage = pageLoader((key: PageKey<OutageFilter>) => outages.page(key), outageById);
  return {
    requestScope,
    requestById,
    visibleRequestById: new DataLoader(async (ids) => {
      const rows = await requestById.loadMany(ids);
      return rows.map((row) => (row && !(row instanceof Error) && readsRequest(requestScope, row) ? row : null));
    }),
    requestPage: pageLoader((key: PageKey<RequestFilter>) => requests.page(key), requestById),
    outageById,
    outagePage,
    outagesByBuilding: new DataLoader(async (ids) => {
      const byBuilding = groupRows(await outages.ofBuildings(uuidKeys(ids), now), (row) => row.buildingId);
      return ids.map((id) => (byBuilding.get(id.toLowerCase()) ?? []).map(({ buildingId: _building, ...outage }) => outage));
    }),
    // One statement for all territories of the request (the gateway's `_entities` for twenty
    // regions), each read up to the largest `first` asked and cut to its own.
    outagesOfRegion: new DataLoader(async (keys) => {
      const asked = keys.map((key) => {
        const [first, katoCode] = splitKey(key);
        return { first, prefix: isKatoCode(katoCode) ? katoPrefix(katoCode) : null };
      });
      const prefixes = [...new Set(asked.flatMap(({ prefix }) => (prefix === null ? [] : [prefix])))];
      const rows = await outages.notEndedInTerritories(prefixes, Math.max(0, ...asked.map(({ first }) => first)), now);
      for (const { outage } of rows) outageById.prime(outage.id, outage);
      const byPrefix = groupRows(rows, (row) => row.prefix);
      return asked.map(({ first, prefix }) =>
        prefix === null ? [] : (byPrefix.get(prefix) ?? []).slice(0, first).map((row) => row.outage),
      );
    }),
    // One statement for all outages of the request, as for territories above.
    outageBuildings: new DataLoader(async (keys) => {
      const asked = keys.map(splitKey);
      const ids = [...new Set(uuidKeys(asked.map(([, outageId]) => outageId)))];
      const byOutage = groupRows(await outages.buildingsOf(ids, Math.max(0, ...asked.map(([first]) => first))), (row) => row.outageId);
      return asked.map(([first, outageId]) => (byOutage.get(outageId.toLowerCase()) ?? []).slice(0, first).map((row) => row.buildingId));
    }),
    buildingOfPremise: new DataLoader(async (ids) => {
      const buildings = await references.buildingsOfPremises(uuidKeys(ids));
      return ids.map((id) => buildings.get(id.toLowerCase()) ?? null);
    }),
    accountsByPremise: new DataLoader(async (ids) => {
      const byPremise = groupRows(await accounts.ofPremises(uuidKeys(ids), accountScope), (row) => row.premiseId);
      return ids.map((id) => (byPremise.get(id.toLowerCase()) ?? []).map(({ premiseId: _premise, ...account }) => account));
    }),
  };
}
