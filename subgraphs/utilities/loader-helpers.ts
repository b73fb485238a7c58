import DataLoader from 'dataloader';
import { isUuid } from '../../lib/uuid.js';

/** Helpers shared by the utilities subgraph's loaders (loaders.ts, consumer-loaders.ts). */

/** One page of a list ordered by id: after which id (null for the first page), how many rows to read, and the list's filter. */
export interface PageKey<TFilter> {
  after: string | null;
  limit: number;
  filter: TFilter;
}

// Keys may come from entity representations in any case, or not be ids at all: ids that
// are not UUIDs match nothing (they never reach SQL), and rows are matched to keys in
// lower case, as PostgreSQL prints ids.

export function inKeyOrder<T extends { id: string }>(keys: readonly string[], rows: readonly T[]): Array<T | null> {
  const map = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => map.get(key.toLowerCase()) ?? null);
}

export function uuids(keys: readonly string[]): string[] {
  return keys.filter(isUuid).map((key) => key.toLowerCase());
}

/** `[first, parent]` of a key `${first}:${parent}` of a list capped per parent (a territory's outages, an outage's buildings). */
export function splitKey(key: string): [number, string] {
  const at = key.indexOf(':');
  return [Number(key.slice(0, at)), key.slice(at + 1)];
}

export function grouped<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** Pages, one statement each (a request rarely asks for two), whose rows also prime the look-up by id when there is one. */
export function pageLoader<TFilter, TRow extends { id: string }>(
  read: (key: PageKey<TFilter>) => Promise<TRow[]>,
  byId?: DataLoader<string, TRow | null>,
) {
  return new DataLoader<PageKey<TFilter>, TRow[], string>(
    (keys) =>
      Promise.all(
        keys.map(async (key) => {
          const rows = await read(key);
          for (const row of rows) byId?.prime(row.id, row);
          return rows;
        }),
      ),
    { cacheKeyFn: (key) => JSON.stringify(key) },
  );
}
