import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import type { PagePosition } from '../../lib/pagination.js';
import { analyticsReads } from '../../lib/read-replicas.js';
import { uuidKeys } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { type ChangeFilter, type ChangeRow, ChangesRepository } from './changes-repository.js';
import {
  type BuildingQualityRow,
  type DataQualityFilter,
  type DataQualityGrouping,
  DataQualityRepository,
  type QualityGroupRow,
} from './data-quality-repository.js';
import { DutiesRepository, type DutyCountRow, type DutyFilter, type DutyRow } from './duties-repository.js';
import { type FeedScope, feedScopeOf } from './feed-scope.js';
import { mayManage } from './webhook-manager.js';
import { type DeliveryRow, type SubscriptionRow, WebhookRepository } from './webhook-repository.js';

/** One page of the feed: after which position, how many rows to read, which types. */
export interface ChangePageKey {
  after: number | null;
  limit: number;
  filter: ChangeFilter;
}

/** One page of subscriptions: whose (null: every one, administrators), after which, how many. */
export interface SubscriptionPageKey {
  digitalObjectId: string | null;
  after: PagePosition | null;
  limit: number;
}

/** One page of duties, or one set of counts. */
export interface DutyPageKey {
  filter: DutyFilter;
  after: PagePosition | null;
  limit: number;
}
export interface DutyCountKey {
  filter: DutyFilter;
  byRegion: boolean;
}

/** A data-quality read: worst records (`limit`), one building, or a distribution. */
export interface QualityKey {
  filter: DataQualityFilter;
  limit: number;
  buildingId: string | null;
}
export interface QualityGroupKey {
  filter: DataQualityFilter;
  grouping: DataQualityGrouping;
}

export interface Loaders {
  /** What the caller reads of the feed, decided once per request. */
  feedScope: FeedScope;
  changePage: DataLoader<ChangePageKey, ChangeRow[], string>;
  subscriptionPage: DataLoader<SubscriptionPageKey, SubscriptionRow[], string>;
  /** Null for a subscription that does not exist or that the caller may not manage. */
  subscriptionById: DataLoader<string, SubscriptionRow | null>;
  /** The regulatory clock within the caller's scope (the feed's), read from a replica when configured. */
  dutyPage: DataLoader<DutyPageKey, DutyRow[], string>;
  dutyCounts: DataLoader<DutyCountKey, DutyCountRow[], string>;
  /** Data quality within the caller's scope (the feed's), read from a replica when configured. */
  quality: DataLoader<QualityKey, BuildingQualityRow[], string>;
  qualityGroups: DataLoader<QualityGroupKey, QualityGroupRow[], string>;
  /** Keyed by `${status}:${first}:${subscriptionId}`. */
  deliveries: DataLoader<string, DeliveryRow[]>;
}

export function createLoaders(db: Database, caller: Caller): Loaders {
  const feedScope = feedScopeOf(caller);
  const changes = new ChangesRepository(db);
  const subscriptions = new WebhookRepository(db);
  // An analytics read: a replica within the lag bound may serve it (the caller was resolved on the primary).
  const duties = new DutiesRepository(analyticsReads(db), almatyDate(new Date()));
  const quality = new DataQualityRepository(analyticsReads(db));
  return {
    feedScope,
    quality: new DataLoader((keys) => Promise.all(keys.map((key) => quality.worst(feedScope, key.filter, key.limit, key.buildingId))), {
      cacheKeyFn: (key) => JSON.stringify(key),
    }),
    qualityGroups: new DataLoader((keys) => Promise.all(keys.map((key) => quality.distribution(feedScope, key.filter, key.grouping))), {
      cacheKeyFn: (key) => JSON.stringify(key),
    }),
    dutyPage: new DataLoader((keys) => Promise.all(keys.map((key) => duties.page(feedScope, key.filter, key.after, key.limit))), {
      cacheKeyFn: (key) => JSON.stringify(key),
    }),
    dutyCounts: new DataLoader((keys) => Promise.all(keys.map((key) => duties.counts(feedScope, key.filter, key.byRegion))), {
      cacheKeyFn: (key) => JSON.stringify(key),
    }),
    changePage: new DataLoader((keys) => Promise.all(keys.map((key) => changes.page(feedScope, key.filter, key.after, key.limit))), {
      cacheKeyFn: (key) => JSON.stringify(key),
    }),
    subscriptionPage: new DataLoader(
      (keys) => Promise.all(keys.map((key) => subscriptions.page(key.digitalObjectId, key.after, key.limit))),
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
    subscriptionById: new DataLoader(async (ids) => {
      const rows = await subscriptions.byIds(uuidKeys(ids));
      const visible = new Map(rows.filter((row) => mayManage(caller, row)).map((row) => [row.id, row]));
      return ids.map((id) => visible.get(id.toLowerCase()) ?? null);
    }),
    deliveries: new DataLoader(async (keys) => {
      // Keys of one request share status and size in practice; group them anyway.
      const groups = new Map<string, string[]>();
      for (const key of keys) {
        const [status, first, id] = key.split(':') as [string, string, string];
        const group = `${status}:${first}`;
        groups.set(group, [...(groups.get(group) ?? []), id]);
      }
      const byKey = new Map<string, DeliveryRow[]>();
      for (const [group, ids] of groups) {
        const [status, first] = group.split(':') as [string, string];
        const rows = await subscriptions.deliveriesOf(ids, status === '' ? null : (status as DeliveryRow['status']), Number(first));
        for (const id of ids)
          byKey.set(
            `${group}:${id}`,
            rows.filter((row) => row.subscriptionId === id),
          );
      }
      return keys.map((key) => byKey.get(key) ?? []);
    }),
  };
}
