import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { agreements, applications, digitalObjects, grantHistory, grants, persons, subjects } from '../../schema/access.js';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import type { ApplicationRow } from './application-repository.js';
import type { DigitalObjectRow, PersonRow, SubjectRow } from './directory-repository.js';
import type { AgreementRow, GrantHistoryRow, GrantRow } from './grant-repository.js';

function byId<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await load([...ids]);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function groupedBy<T>(load: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string | null): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of await load([...keys])) {
      const key = keyOf(row);
      if (key !== null) groups.get(key)?.push(row);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** One set per request: every relation of the access graph is one query per level, never one per row. */
export function createAccessLoaders(db: Database, _caller: Caller) {
  const loaders = {
    subjectById: byId<SubjectRow>((ids) => db.select().from(subjects).where(inArray(subjects.id, ids))),
    personById: byId<PersonRow>((ids) => db.select().from(persons).where(inArray(persons.id, ids))),
    agreementById: byId<AgreementRow>((ids) => db.select().from(agreements).where(inArray(agreements.id, ids))),
    grantById: byId<GrantRow>((ids) => db.select().from(grants).where(inArray(grants.id, ids))),
    digitalObjectById: byId<DigitalObjectRow>((ids) => db.select().from(digitalObjects).where(inArray(digitalObjects.id, ids))),
    applicationById: byId<ApplicationRow>((ids) => db.select().from(applications).where(inArray(applications.id, ids))),
    historyByGrantId: groupedBy<GrantHistoryRow>(
      (ids) => db.select().from(grantHistory).where(inArray(grantHistory.grantId, ids)).orderBy(asc(grantHistory.id)),
      (row) => row.grantId,
    ),
    delegationsByGrantId: groupedBy<GrantRow>(
      (ids) => db.select().from(grants).where(inArray(grants.parentGrantId, ids)).orderBy(asc(grants.createdAt), asc(grants.id)),
      (row) => row.parentGrantId,
    ),
    grantsBySubjectId: groupedBy<GrantRow>(
      (ids) => db.select().from(grants).where(inArray(grants.subjectId, ids)).orderBy(asc(grants.createdAt), asc(grants.id)),
      (row) => row.subjectId,
    ),
    grantsByPersonId: groupedBy<GrantRow>(
      (ids) => db.select().from(grants).where(inArray(grants.personId, ids)).orderBy(asc(grants.createdAt), asc(grants.id)),
      (row) => row.personId,
    ),
    grantsByDigitalObjectId: groupedBy<GrantRow>(
      (ids) => db.select().from(grants).where(inArray(grants.digitalObjectId, ids)).orderBy(asc(grants.createdAt), asc(grants.id)),
      (row) => row.digitalObjectId,
    ),
    agreementsBySubjectId: groupedBy<AgreementRow>(
      (ids) => db.select().from(agreements).where(inArray(agreements.subjectId, ids)).orderBy(asc(agreements.createdAt), asc(agreements.id)),
      (row) => row.subjectId,
    ),
    digitalObjectsBySubjectId: groupedBy<DigitalObjectRow>(
      (ids) => db.select().from(digitalObjects).where(inArray(digitalObjects.subjectId, ids)).orderBy(asc(digitalObjects.createdAt), asc(digitalObjects.id)),
      (row) => row.subjectId,
    ),
  };
  return {
    ...loaders,
    /** After a mutation: what was cached before it is stale. */
    clearAll(): void {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

export type AccessLoaders = ReturnType<typeof createAccessLoaders>;

/** Rows in the order of `ids`, dropping ids that matched nothing. */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: readonly string[]): Promise<T[]> {
  const rows = await loader.loadMany(ids);
  return rows.filter((row): row is T => row !== null && !(row instanceof Error));
}
