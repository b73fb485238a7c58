import DataLoader from 'dataloader';

/** Helpers shared by the utilities subgraph's loaders (loaders.ts, consumer-loaders.ts). */

/** One page of a list ordered by id: after which id (null for the first page), how many rows to read, and the list's filter. */
export interface PageKey<TFilter> {
  after: string | null;
  limit: number;
  filter: TFilter;
}

/** `[first, parent]` of a key `${first}:${parent}` of a list capped per parent (a territory's outages, an outage's buildings). */
export function splitKey(key: string): [number, string] {
  const at = key.indexOf(':');
  return [Number(key.slice(0, at)), key.slice(at + 1)];
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
