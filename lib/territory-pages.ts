import { asc, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './db.js';
import { territoryRanges } from './kato.js';

/** A table whose rows are paged by their `id`. */
type TableWithId = PgTable & { id: PgColumn };

/**
 * The first `limit` rows of `table` in id order for each territory of `prefixes`, in one
 * statement: a lateral join runs the keyset query once per territory range, each stopping
 * at its limit. `where` sees the range as `p.prefix` and `p.upto` (`inTerritoryRange`).
 */
export async function firstRowsPerTerritory<T extends TableWithId>(
  db: Executor,
  table: T,
  prefixes: readonly string[],
  where: SQL | undefined,
  limit: number,
): Promise<Array<{ prefix: string; row: T['$inferSelect'] }>> {
  if (prefixes.length === 0 || limit === 0) return [];
  const page = db
    .select()
    .from(table as PgTable)
    .where(where)
    .orderBy(asc(table.id))
    .limit(limit)
    .as('page');
  // Each column of the lateral page, by the name the row type uses.
  const columns = Object.fromEntries(
    Object.keys(getTableColumns(table)).map((name) => [name, (page as unknown as Record<string, unknown>)[name]]),
  ) as Record<string, PgColumn>;
  const rows = await db
    .select({ prefix: sql<string>`p.prefix`, row: columns })
    .from(territoryRanges(prefixes))
    .crossJoinLateral(page)
    .orderBy(sql`p.prefix`, (page as unknown as Record<string, PgColumn>).id!);
  return rows as Array<{ prefix: string; row: T['$inferSelect'] }>;
}
