/** What a DataLoader's batch answers, in the order of its keys, from the rows one statement read. */

/** Each key's rows (empty when none). */
export function groupBy<K, R>(rows: readonly R[], keyOf: (row: R) => K, keys: readonly K[]): R[][] {
  const lists = new Map<K, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) lists.get(keyOf(row))?.push(row);
  return keys.map((key) => lists.get(key) ?? []);
}

/** Each key's row, or null. */
export function byKey<K, R>(rows: readonly R[], keyOf: (row: R) => K, keys: readonly K[]): (R | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}
