import DataLoader from 'dataloader';
import { asc, type InferSelectModel, inArray } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import type { PageRequest } from '../../lib/pagination.js';
import { agreements, applications, digitalObjects, grantHistory, grants, persons, subjects } from '../../schema/access.js';
import { ApplicationRepository, type ApplicationStatus } from './application-repository.js';
import { DirectoryRepository, type SubjectKindValue } from './directory-repository.js';
import { type GrantFilter, GrantRepository } from './grant-repository.js';
import { NotificationRepository } from './notification-repository.js';

type Table = PgTable & { id: AnyPgColumn };

/** One page of a root list: where it starts and how long it is, and the list's filter. */
export interface PageKey<TFilter> {
  page: PageRequest;
  filter: TFilter;
}

/** Pages, one keyset statement each (a request rarely asks for two), whose rows also prime the look-up by id. */
function pageLoader<TFilter, TRow extends { id: string }>(
  read: (key: PageKey<TFilter>) => Promise<TRow[]>,
  byId: DataLoader<string, TRow | null>,
) {
  return new DataLoader<PageKey<TFilter>, TRow[], string>(
    (keys) =>
      Promise.all(
        keys.map(async (key) => {
          const rows = await read(key);
          for (const row of rows) byId.prime(row.id, row);
          return rows;
        }),
      ),
    { cacheKeyFn: (key) => JSON.stringify(key) },
  );
}

/** Creation order where the table records it (ties by id), else the id (a serial, e.g. history rows). */
const oldestFirst = (table: Table): AnyPgColumn[] => ('createdAt' in table ? [table.createdAt as AnyPgColumn, table.id] : [table.id]);

/**
 * One set per request (a write's payload gets a fresh set: `refreshLoaders`): the root
 * lists' pages, and every relation of the access graph and `Subject.__resolveReference`,
 * one query per level, never one per row.
 */
export function createAccessLoaders(db: Database, _caller: Caller) {
  /** Rows of `table` by primary key: one `id in (…)` per batch, null for an absent id. */
  function byId<T extends Table>(table: T): DataLoader<string, InferSelectModel<T> | null> {
    return new DataLoader(async (ids) => {
      const rows = (await db
        .select()
        .from(table as PgTable)
        .where(inArray(table.id, [...ids]))) as Array<InferSelectModel<T> & { id: string }>;
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  /** Rows of `table` whose `key` is one of the batch, grouped per key, oldest first. */
  function groupedBy<T extends Table, K extends keyof InferSelectModel<T> & keyof T & string>(
    table: T,
    key: K,
  ): DataLoader<string, Array<InferSelectModel<T>>> {
    return new DataLoader(async (keys) => {
      const rows = (await db
        .select()
        .from(table as PgTable)
        .where(inArray(table[key] as AnyPgColumn, [...keys]))
        .orderBy(...oldestFirst(table).map((column) => asc(column)))) as Array<InferSelectModel<T>>;
      const groups = new Map<string, Array<InferSelectModel<T>>>(keys.map((k) => [k, []]));
      for (const row of rows) groups.get(row[key] as string)?.push(row);
      return keys.map((k) => groups.get(k) ?? []);
    });
  }

  const subjectById = byId(subjects);
  const grantById = byId(grants);
  const applicationById = byId(applications);
  return {
    subjectById,
    personById: byId(persons),
    agreementById: byId(agreements),
    grantById,
    digitalObjectById: byId(digitalObjects),
    applicationById,
    /** Newest first. */
    subjectPage: pageLoader<{ kind: SubjectKindValue | null }, typeof subjects.$inferSelect>(
      ({ page, filter }) => new DirectoryRepository(db).subjectsPage(filter.kind, page),
      subjectById,
    ),
    /** Newest first; `at` (ISO) is the instant the effective state is judged at. */
    grantPage: pageLoader<GrantFilter & { at: string }, typeof grants.$inferSelect>(
      ({ page, filter }) => new GrantRepository(db).page(filter, page, new Date(filter.at)),
      grantById,
    ),
    /** Newest first. */
    applicationPage: pageLoader<{ status: ApplicationStatus | null }, typeof applications.$inferSelect>(
      ({ page, filter }) => new ApplicationRepository(db).page(filter.status, page),
      applicationById,
    ),
    /** Newest first. */
    notificationPage: new DataLoader<PageKey<{ undeliveredOnly: boolean }>, Awaited<ReturnType<NotificationRepository['page']>>, string>(
      (keys) => Promise.all(keys.map(({ page, filter }) => new NotificationRepository(db).page(filter.undeliveredOnly, page))),
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
    historyByGrantId: groupedBy(grantHistory, 'grantId'),
    delegationsByGrantId: groupedBy(grants, 'parentGrantId'),
    grantsBySubjectId: groupedBy(grants, 'subjectId'),
    grantsByPersonId: groupedBy(grants, 'personId'),
    grantsByDigitalObjectId: groupedBy(grants, 'digitalObjectId'),
    agreementsBySubjectId: groupedBy(agreements, 'subjectId'),
    digitalObjectsBySubjectId: groupedBy(digitalObjects, 'subjectId'),
  };
}

export type AccessLoaders = ReturnType<typeof createAccessLoaders>;

/** Rows in the order of `ids`, dropping ids that matched nothing. */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: readonly string[]): Promise<T[]> {
  const rows = await loader.loadMany(ids);
  return rows.filter((row): row is T => row !== null && !(row instanceof Error));
}
