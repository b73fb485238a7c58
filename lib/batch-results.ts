/**
 * What a DataLoader's batch answers, from the rows one statement read: every subgraph's
 * loaders answer their keys with these.
 */

/** The rows grouped by `keyOf`, for batches that match groups to their keys themselves. */
export function groupRows<K, R>(rows: readonly R[], keyOf: (row: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** Each key's rows, in the order of the keys (empty when none). */
export function groupBy<K, R>(rows: readonly R[], keyOf: (row: R) => K, keys: readonly K[]): R[][] {
  const lists = new Map<K, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) lists.get(keyOf(row))?.push(row);
  return keys.map((key) => lists.get(key) ?? []);
}

/** Each key's row, or null, in the order of the keys. */
export function byKey<K, R>(rows: readonly R[], keyOf: (row: R) => K, keys: readonly K[]): (R | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

/** Each id key's row or null, whatever the case the key was written in (rows carry ids as PostgreSQL prints them). */
export function inKeyOrder<T extends { id: string }>(keys: readonly string[], rows: readonly T[]): Array<T | null> {
  return byKey(
    rows,
    (row) => row.id,
    keys.map((key) => key.toLowerCase()),
  );
}
