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
