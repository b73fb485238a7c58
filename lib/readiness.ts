import { sql } from 'drizzle-orm';
import type { Database } from './db.js';

/** `GET /ready`'s check of the database: one trivial statement. */
export function databaseCheck(db: Database): () => Promise<void> {
  return async () => {
    await db.execute(sql`select 1`);
  };
}

/**
 * A check that `url` answers at all (any status below 500 counts: the caller endpoint
 * answers a GET with 405, which proves it is there).
 */
export function reachableCheck(url: string, timeoutMs = 2_000): () => Promise<void> {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => null);
    await response?.body?.cancel().catch(() => {});
    if (!response) throw new Error('unreachable');
    if (response.status >= 500) throw new Error(`answered ${response.status}`);
  };
}
