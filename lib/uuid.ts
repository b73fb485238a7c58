const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID Postgres can cast. An id that is not one matches nothing; it
 * must not reach SQL, where the cast error would fail the whole batch.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/** Postgres `uuid[]` literal for ids already checked with `isUuid`. */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/**
 * The keys of a batch that are UUIDs, in lower case as PostgreSQL prints them: keys may come
 * from entity representations in any case, or not be ids at all, and a key that is not a
 * UUID matches nothing (it never reaches SQL).
 */
export function uuidKeys(keys: readonly string[]): string[] {
  return keys.filter(isUuid).map((key) => key.toLowerCase());
}
